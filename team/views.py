"""The care team's queue: triage, notifications, WATCH items, an alert with its why, and the
actions on it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, Exists, F, Func, IntegerField, Subquery, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.sessions import is_background
from alerts.authoring.drafts import APPROVE_PERMISSION
from alerts.care.concerns import (
    concern_acknowledge,
    concern_called_back,
    concern_pass,
    concern_resolve,
    concern_snooze,
    concern_take,
    team_colleagues,
)
from alerts.care.oncall import on_call_many
from alerts.care.triage import COUNTS, queue_counts, queue_rows
from alerts.models import (
    Alert,
    Concern,
    ConcernEvent,
    Level,
    Notification,
    RuleDraft,
    level_rank,
)
from alerts.ruleset.loading import published
from diary_core.config import request_config_version
from diary_core.next_page import next_page
from patients.access import clinician_required, clinicians_patient
from patients.audit import access_record
from patients.backends import DIARY_BACKEND
from patients.models import AccessLog, CareTeam, User
from team.forms import AssignForm, ResolveForm, SnoozeForm


def _get_alert_for_clinician(request: HttpRequest, pk: int) -> Alert:
    """The alert if it belongs to one of the clinician's teams; 404 otherwise."""
    return get_object_or_404(
        Alert.objects.for_clinician(request.user).select_related(
            "rule", "patient__user", "patient__team", "entry"
        ),
        pk=pk,
    )


# A queue row's links: (key, URL name, reversed with the patient's or the concern's key).
ROW_LINKS = (
    ("patient", "team:patient", "patient"),
    ("claim", "team:patient_claim", "patient"),
    ("acknowledge", "team:patient_acknowledge", "patient"),
    ("called_back", "team:patient_called_back", "patient"),
    ("concern", "team:concern", "concern"),
)
_MARKER = 2_147_483_647  # no real key is this one


def _row_links(rows) -> None:
    """Each row's links, each URL reversed once a page and its key filled in: 170 calls
    of reverse() a page were a tenth of the queue's time."""
    for key, name, of in ROW_LINKS:
        head, _marker, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
        for row in rows:
            pk = row.concern.patient_id if of == "patient" else row.concern.pk
            row.links[key] = f"{head}{pk}{tail}"


# Patients per page: enough for a Monday morning, small enough to render fast on a busy
# day (bench: the 2,000-patient team's queue; docs/operations.md).
TRIAGE_PAGE = 50


def _page_query(request: HttpRequest, page: int) -> str:
    """The current filters with another page number, as a query string."""
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()


@clinician_required
def triage(request: HttpRequest) -> HttpResponse:
    """One row per patient with an open concern, in the order of clinical-rules.md §5:
    unacknowledged URGENT first (longest waiting), then CONTACT past its response target,
    other unacknowledged CONTACT, then the acknowledged ones; the lead rule's own values
    first, what the patient was told, who has it, a call back asked for.

    Filters (team, level, status, owner, rule) are plain GET parameters, so the page works
    without JavaScript; with HTMX the table refreshes itself every 30 s.
    """
    teams = list(_header_teams(request.user))
    team_ids = [t.pk for t in teams]
    chosen = {key: request.GET.get(key, "") for key in ("team", "level", "status", "owner", "rule")}
    # The clinician's teams, read above: the same scope as Concern.objects.for_clinician,
    # without a second reading of the memberships in the page's query.
    concerns = Concern.objects.filter(patient__team_id__in=team_ids)
    if chosen["team"].isdigit() and int(chosen["team"]) in team_ids:
        concerns = concerns.filter(patient__team_id=int(chosen["team"]))
    if chosen["status"] == "open":
        concerns = concerns.filter(acknowledged_at__isnull=True)
    elif chosen["status"] == "acknowledged":
        concerns = concerns.filter(acknowledged_at__isnull=False)
    if chosen["owner"] == "me":
        concerns = concerns.filter(owner=request.user)
    elif chosen["owner"] == "none":
        concerns = concerns.filter(owner__isnull=True)
    if chosen["rule"]:
        concerns = concerns.filter(
            pk__in=Alert.objects.filter(rule__rule_id=chosen["rule"], concern__isnull=False)
            .exclude(status=Alert.Status.RESOLVED)
            .values("concern_id")
        )
    level = chosen["level"] if chosen["level"] in (Level.URGENT, Level.CONTACT) else ""
    # The header counts every level: with a level chosen they take a query of their own,
    # else they come with the page.
    all_levels = queue_counts(concerns) if level else None
    if level:
        concerns = concerns.filter(level=level)
    page = int(chosen_page) if (chosen_page := request.GET.get("page", "")).isdigit() else 1
    page = min(max(page, 1), 10_000)
    start = (page - 1) * TRIAGE_PAGE
    now = timezone.now()
    rows, has_next, shown = queue_rows(concerns, now=now, start=start, size=TRIAGE_PAGE)
    if not rows and page > 1:  # past the end (the queue got shorter): back to the top
        return redirect(f"{request.path}?{_page_query(request, 1)}")
    _row_links(rows)
    shown = shown or dict.fromkeys(COUNTS, 0)
    all_levels = all_levels or shown
    context = {
        "rows": rows,
        "counts": {
            "urgent": all_levels["urgent"],
            "contact": all_levels["patients"] - all_levels["urgent"],
            "patients": all_levels["patients"],
            "waiting": all_levels["waiting"],
        },
        "chosen": chosen,
        "teams": teams,
        "page": {
            "first": start + 1,
            "last": start + len(rows),
            "total": shown["patients"],
            "previous": _page_query(request, page - 1) if page > 1 else "",
            "next": _page_query(request, page + 1) if has_next else "",
        },
        "targets": {
            "urgent_minutes": settings.RESPONSE_TARGET_URGENT_MINUTES,
            "contact_hours": settings.RESPONSE_TARGET_CONTACT_WORKING_HOURS,
        },
        "refreshed_at": now,
        "back": request.get_full_path(),
    }
    if not is_background(request):  # the 30 s refresh of a page already logged is not
        access_record(request, None, AccessLog.Action.LIST)
    if request.headers.get("HX-Request"):
        return render(request, "team/_triage_table.html", context)
    # The rule filter's titles, from the process's copy of the published rules (no query:
    # the version came with the session's read).
    rows = published(request_config_version()).rows.values()
    context["rules"] = sorted(((row.rule_id, row.title) for row in rows), key=lambda r: r[1])
    context["rule_changes"] = teams[0].rule_changes
    context["unread"] = teams[0].unread
    people = on_call_many(teams, now)
    context["on_call"] = [(team, *people[team.pk]) for team in teams]
    return render(request, "team/triage.html", context)


def _header_teams(user):
    """The clinician's teams, each carrying the page header's two counts (the same on
    every row, read once by PostgreSQL): her unread in-app notifications, and, for a
    clinical lead (the approval permission, as Django's ModelBackend grants it), the rule
    changes waiting for her (None for anyone else)."""
    unread = Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    )
    drafts = RuleDraft.objects.filter(status=RuleDraft.Status.DRAFT)
    may_approve = User.objects.with_perm(APPROVE_PERMISSION, backend=DIARY_BACKEND).filter(
        pk=user.pk
    )
    return (
        CareTeam.objects.for_clinician(user)
        .order_by("name")
        .annotate(
            unread=_count(unread),
            rule_changes=Case(When(Exists(may_approve), then=_count(drafts))),
        )
    )


def _count(queryset) -> Subquery:
    """COUNT(*) of `queryset` as a scalar subquery."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


@clinician_required
def watch(request: HttpRequest) -> HttpResponse:
    """WATCH items of the clinician's teams in the last 7 days (the digest links here)."""
    since = timezone.now() - timedelta(days=7)
    alerts = (
        Alert.objects.for_clinician(request.user)
        .filter(level=Level.WATCH, fired_at__gte=since)
        .select_related("rule", "patient__user")
        .order_by("-fired_at")[:300]
    )
    access_record(request, None, AccessLog.Action.LIST)
    return render(request, "team/watch.html", {"alerts": alerts})


def _alert_page(request: HttpRequest, alert: Alert, *, resolve_form=None, status=200):
    """One alert's "why" inside the patient's concern: who has it, its open alerts, the
    entry, the concern's changes and the messages about it."""
    patient = alert.patient
    concern = (
        Concern.objects.filter(patient=patient, status=Concern.Status.OPEN)
        .select_related(
            "owner",
            "owned_by",
            "acknowledged_by",
            "snoozed_by",
            "callback_requested_by",
            "reached_by",
            "lead__rule",
            "advice_lead__rule",
        )
        .first()
    )
    shown = concern or alert.concern
    open_alerts = []
    if concern is not None:
        open_alerts = list(
            Alert.objects.filter(concern=concern)
            .exclude(status=Alert.Status.RESOLVED)
            .select_related("rule", "acknowledged_by")
            .order_by(level_rank().desc(), "fired_at", "pk")
        )
        open_alerts.sort(key=lambda a: a.pk != concern.lead_id)
    urgent = any(a.level == Level.URGENT for a in open_alerts) or alert.level == Level.URGENT
    return render(
        request,
        "team/detail.html",
        {
            "alert": alert,
            "patient": patient,
            "concern": concern,
            "open_alerts": open_alerts,
            "related": (
                Alert.objects.filter(entry=alert.entry).exclude(pk=alert.pk).select_related("rule")
                if alert.entry_id
                else Alert.objects.none()
            ),
            "events": (
                ConcernEvent.objects.filter(concern=shown)
                .select_related("by")
                .order_by("-at", "-pk")[:50]
                if shown
                else []
            ),
            "notifications": (
                Notification.objects.filter(concern=shown)
                .select_related("recipient")
                .order_by("created_at")
                if shown
                else []
            ),
            "resolve_form": resolve_form or ResolveForm(urgent=urgent),
            "assign_form": AssignForm(colleagues=team_colleagues(patient.team)),
            "snooze_form": SnoozeForm(),
            "now": timezone.now(),
            "back": request.get_full_path(),
        },
        status=status,
    )


def _read(request: HttpRequest, concern: Concern | None) -> None:
    """Opening the page reads the in-app messages about it."""
    if concern is not None:
        Notification.objects.filter(
            concern=concern,
            recipient=request.user,
            channel=Notification.Channel.IN_APP,
            read_at__isnull=True,
        ).update(read_at=timezone.now())


@clinician_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    access_record(request, alert.patient, AccessLog.Action.ALERT)
    _read(request, alert.concern)
    return _alert_page(request, alert)


@clinician_required
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    """A patient's concern (the link in every message about it): its lead alert's page."""
    concern = get_object_or_404(
        Concern.objects.for_clinician(request.user).select_related("patient"), pk=pk
    )
    lead = (
        Alert.objects.filter(pk=concern.lead_id)
        .select_related("rule", "patient__user", "patient__team", "entry", "concern")
        .first()
    ) or (
        Alert.objects.filter(concern=concern)
        .select_related("rule", "patient__user", "patient__team", "entry", "concern")
        .order_by(level_rank().desc(), "fired_at")
        .first()
    )
    if lead is None:
        return redirect("team:patient", pk=concern.patient_id)
    access_record(request, concern.patient, AccessLog.Action.ALERT)
    _read(request, concern)
    return _alert_page(request, lead)


@require_POST
@clinician_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge the patient's concern from one of its alerts' pages."""
    alert = _get_alert_for_clinician(request, pk)
    if concern_acknowledge(patient=alert.patient, by=request.user):
        messages.success(request, _("Acknowledged. Reminders for this patient have stopped."))
    else:
        messages.info(request, _("This was already acknowledged."))
    return _back(request, "team:alert", pk=alert.pk)


@require_POST
@clinician_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve this one alert (its concern's level follows those left)."""
    alert = _get_alert_for_clinician(request, pk)
    form = ResolveForm(request.POST, urgent=alert.level == Level.URGENT)
    if not form.is_valid():
        messages.error(request, _("The alert is not resolved yet: see below."))
        return _alert_page(request, alert, resolve_form=form, status=400)
    concern_resolve(
        patient=alert.patient,
        by=request.user,
        action=form.cleaned_data["action"],
        note=form.cleaned_data["note"],
        ids=[alert.pk],
    )
    messages.success(request, _("Resolved."))
    return _back(request, "team:triage")


@require_POST
@clinician_required
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        until = timezone.now() + timedelta(hours=form.cleaned_data["hours"])
        if concern_snooze(patient=alert.patient, by=request.user, until=until):
            messages.success(
                request, _("Reminders snoozed. A higher level or a new URGENT still tells you.")
            )
    return _back(request, "team:alert", pk=alert.pk)


# A patient's open concern: the queue's row and the alert page act on it (all its alerts,
# or the ones ticked).


def _chosen_ids(request: HttpRequest) -> list[int] | None:
    """The alerts ticked on the page; None (all of them) when the form lists none."""
    ids = [int(v) for v in request.POST.getlist("alert") if v.isdigit()]
    return ids or None


@require_POST
@clinician_required
def patient_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    result = concern_take(patient=patient, by=request.user)
    if result.claimed:
        messages.success(
            request,
            _("You have taken %(name)s. It is acknowledged: reminders have stopped.")
            % {"name": patient.display_name},
        )
    elif result.owner is not None:
        messages.warning(
            request,
            _("%(owner)s has already taken %(name)s. Pass it on from the alert page if needed.")
            % {
                "owner": result.owner.get_full_name() or result.owner.username,
                "name": patient.display_name,
            },
        )
    else:
        messages.info(request, _("%(name)s has no open alerts.") % {"name": patient.display_name})
    access_record(request, patient, AccessLog.Action.ALERT)
    return _back(request, "team:triage")


@require_POST
@clinician_required
def patient_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = AssignForm(request.POST, colleagues=team_colleagues(patient.team))
    if not form.is_valid():
        messages.error(request, form.errors["to"][0])
        return _back(request, "team:triage")
    to = form.cleaned_data["to"]
    changed = concern_pass(patient=patient, to=to, by=request.user)
    who = to.get_full_name() or to.username
    if changed:
        messages.success(
            request,
            _("%(name)s is now with %(who)s; they have been told.")
            % {"name": patient.display_name, "who": who},
        )
    else:
        messages.info(
            request,
            _("Nothing to pass on: no open alerts not already with %(who)s.") % {"who": who},
        )
    access_record(request, patient, AccessLog.Action.ALERT)
    return _back(request, "team:triage")


@require_POST
@clinician_required
def patient_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    if concern_acknowledge(patient=patient, by=request.user):
        messages.success(
            request,
            _("Acknowledged %(name)s. Reminders have stopped; the patient sees that you saw it.")
            % {"name": patient.display_name},
        )
    else:
        messages.info(request, _("That was already acknowledged."))
    access_record(request, patient, AccessLog.Action.ALERT)
    return _back(request, "team:triage")


@require_POST
@clinician_required
def patient_called_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    if concern_called_back(patient=patient, by=request.user):
        messages.success(
            request, _("Recorded: you called %(name)s back.") % {"name": patient.display_name}
        )
    else:
        messages.info(request, _("No call back was waiting."))
    access_record(request, patient, AccessLog.Action.ALERT)
    return _back(request, "team:triage")


@require_POST
@clinician_required
def patient_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    ids = _chosen_ids(request)
    chosen = Alert.objects.filter(patient=patient, concern__status=Concern.Status.OPEN).exclude(
        status=Alert.Status.RESOLVED
    )
    if ids is not None:
        chosen = chosen.filter(pk__in=ids)
    form = ResolveForm(request.POST, urgent=chosen.filter(level=Level.URGENT).exists())
    if not form.is_valid():
        messages.error(request, _("Nothing is resolved yet: see below."))
        page_alert = chosen.select_related("rule", "patient__user", "patient__team", "entry")
        lead = page_alert.order_by(level_rank().desc(), "fired_at").first()
        if lead is None:
            return _back(request, "team:triage")
        return _alert_page(request, lead, resolve_form=form, status=400)
    done = concern_resolve(
        patient=patient,
        by=request.user,
        action=form.cleaned_data["action"],
        note=form.cleaned_data["note"],
        ids=ids,
    )
    messages.success(
        request,
        ngettext("Resolved %(n)d alert.", "Resolved %(n)d alerts.", done) % {"n": done},
    )
    access_record(request, patient, AccessLog.Action.ALERT)
    return redirect("team:triage")


def _back(request: HttpRequest, default: str, **kwargs) -> HttpResponse:
    """Return to the page the form was on (a path on this site), else to `default`."""
    return redirect(next_page(request, reverse(default, kwargs=kwargs or None)))


@clinician_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The clinician's in-app messages, newest first: the patient by name, what changed,
    the level and the lead reason (one message per change of a patient's concern)."""
    notifications = list(
        Notification.objects.filter(recipient=request.user, channel=Notification.Channel.IN_APP)
        .exclude(status=Notification.Status.CANCELLED)
        .select_related("concern__patient__user", "concern__lead__rule", "event__by")[:100]
    )
    failed = Notification.objects.filter(
        concern__in=Concern.objects.for_clinician(request.user),
        status=Notification.Status.FAILED,
    ).select_related("concern__patient__user", "recipient")[:50]
    unread = sum(1 for n in notifications if n.read_at is None)
    return render(
        request, "team/inbox.html", {"rows": notifications, "failed": failed, "unread": unread}
    )


@require_POST
@clinician_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every in-app notification of the clinician read (the alerts stay as they are)."""
    done = Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
    messages.success(
        request,
        ngettext("Marked %(n)d notification as read.", "Marked %(n)d notifications as read.", done)
        % {"n": done},
    )
    return redirect("team:inbox")
