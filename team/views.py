"""The care team's queue: triage, notifications, WATCH items, an alert with its why, and the
actions on it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from alerts.models import Alert, AlertRule, FollowUp, Level, Notification, level_rank
from patients.access import clinician_required
from patients.models import AccessLog, CareTeam
from patients.sessions import is_background
from team.forms import ResolveForm, SnoozeForm


def _get_alert_for_clinician(request: HttpRequest, pk: int) -> Alert:
    """The alert if it belongs to one of the clinician's teams; 404 otherwise."""
    return get_object_or_404(
        Alert.objects.for_clinician(request.user).select_related(
            "rule", "patient__user", "patient__team", "entry"
        ),
        pk=pk,
    )


# Rows per page: enough for a morning's queue, small enough to render fast on a busy day
# (bench: the 2,000-patient team's queue; docs/operations.md).
TRIAGE_PAGE = 50


def _page_query(request: HttpRequest, page: int) -> str:
    """The current filters with another page number, as a query string."""
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()


@clinician_required
def triage(request: HttpRequest) -> HttpResponse:
    """Open team alerts of the clinician's teams: URGENT first, then CONTACT, oldest first.

    Filters (team, level, status, rule) are plain GET parameters, so the page works
    without JavaScript; with HTMX the table refreshes itself every 30 s.
    """
    teams = list(CareTeam.objects.for_clinician(request.user).order_by("name"))
    team_ids = [t.pk for t in teams]
    chosen = {
        "team": request.GET.get("team", ""),
        "level": request.GET.get("level", ""),
        "status": request.GET.get("status", ""),
        "rule": request.GET.get("rule", ""),
    }
    alerts = Alert.objects.for_clinician(request.user).team_alerts().open()
    if chosen["team"].isdigit() and int(chosen["team"]) in team_ids:
        alerts = alerts.filter(patient__team_id=int(chosen["team"]))
    if chosen["status"] in (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED):
        alerts = alerts.filter(status=chosen["status"])
    if chosen["rule"]:
        alerts = alerts.filter(rule__rule_id=chosen["rule"])
    counts = dict(alerts.values_list("level").annotate(n=Count("pk")).order_by())
    if chosen["level"] in (Level.URGENT, Level.CONTACT):
        alerts = alerts.filter(level=chosen["level"])
    page = int(chosen_page) if (chosen_page := request.GET.get("page", "")).isdigit() else 1
    page = min(max(page, 1), 10_000)
    start = (page - 1) * TRIAGE_PAGE
    rows = list(
        alerts.select_related("rule", "patient__user", "patient__team").order_by(
            level_rank().desc(), "fired_at", "pk"
        )[start : start + TRIAGE_PAGE + 1]  # one more than shown: is there a next page?
    )
    if not rows and page > 1:  # past the end (the queue got shorter): back to the top
        return redirect(f"{request.path}?{_page_query(request, 1)}")
    has_next = len(rows) > TRIAGE_PAGE
    rows = rows[:TRIAGE_PAGE]
    total = (
        counts.get(chosen["level"], 0)
        if chosen["level"] in (Level.URGENT, Level.CONTACT)
        else counts.get(Level.URGENT, 0) + counts.get(Level.CONTACT, 0)
    )
    context = {
        "alerts": rows,
        "counts": {
            Level.URGENT: counts.get(Level.URGENT, 0),
            Level.CONTACT: counts.get(Level.CONTACT, 0),
        },
        "level": chosen["level"],
        "chosen": chosen,
        "teams": teams,
        "rule_ids": list(AlertRule.objects.order_by("rule_id").values_list("rule_id", flat=True)),
        "page": {
            "first": start + 1,
            "last": start + len(rows),
            "total": total,
            "previous": _page_query(request, page - 1) if page > 1 else "",
            "next": _page_query(request, page + 1) if has_next else "",
        },
        "refreshed_at": timezone.now(),
    }
    if not is_background(request):  # the 30 s refresh of a page already logged is not
        AccessLog.record(request, None, AccessLog.Action.LIST)
    if request.headers.get("HX-Request"):
        return render(request, "team/_triage_table.html", context)
    context["unread"] = Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()
    return render(request, "team/triage.html", context)


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
    AccessLog.record(request, None, AccessLog.Action.LIST)
    return render(request, "team/watch.html", {"alerts": alerts})


@clinician_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    AccessLog.record(request, alert.patient, AccessLog.Action.ALERT)
    Notification.objects.filter(
        alert=alert,
        recipient=request.user,
        channel=Notification.Channel.IN_APP,
        read_at__isnull=True,
    ).update(read_at=timezone.now())
    related = (
        Alert.objects.filter(entry=alert.entry).exclude(pk=alert.pk).select_related("rule")
        if alert.entry_id
        else Alert.objects.none()
    )
    return render(
        request,
        "team/detail.html",
        {
            "alert": alert,
            "related": related,
            "notifications": alert.notifications.select_related("recipient").order_by("created_at"),
            "resolve_form": ResolveForm(),
            "snooze_form": SnoozeForm(),
            "follow_up": FollowUp.objects.filter(entry_id=alert.entry_id).first()
            if alert.entry_id
            else None,
        },
    )


@require_POST
@clinician_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    if alert.acknowledge(by=request.user):
        messages.success(request, _("Acknowledged. Reminders for this alert have stopped."))
    else:
        messages.info(request, _("This alert was already acknowledged."))
    return _back(request, "team:alert", pk=alert.pk)


@require_POST
@clinician_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the action you took."))
        return _back(request, "team:alert", pk=alert.pk)
    alert.resolve(
        by=request.user, action=form.cleaned_data["action"], note=form.cleaned_data["note"]
    )
    messages.success(request, _("Resolved."))
    return _back(request, "team:triage")


@require_POST
@clinician_required
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _get_alert_for_clinician(request, pk)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        alert.snooze(
            by=request.user, until=timezone.now() + timedelta(hours=form.cleaned_data["hours"])
        )
        messages.success(
            request, _("Reminders snoozed. A new, higher-level alert still notifies you.")
        )
    return _back(request, "team:alert", pk=alert.pk)


def _back(request: HttpRequest, default: str, **kwargs) -> HttpResponse:
    """Return to the page the form was on (same site only), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, **kwargs)


@clinician_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The clinician's in-app notifications, newest first."""
    notifications = (
        Notification.objects.filter(recipient=request.user, channel=Notification.Channel.IN_APP)
        .exclude(status=Notification.Status.CANCELLED)
        .select_related("alert__rule", "alert__patient")[:100]
    )
    failed = Notification.objects.filter(
        alert__in=Alert.objects.for_clinician(request.user), status=Notification.Status.FAILED
    ).select_related("alert", "recipient")[:50]
    return render(request, "team/inbox.html", {"notifications": notifications, "failed": failed})
