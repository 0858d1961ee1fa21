"""The care team's pages about patients: the list, one patient, enrolment, risk flags,
caregivers, and the exports (each one in the access log)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TypeVar

from django.contrib import messages
from django.contrib.postgres.lookups import Unaccent
from django.core.paginator import Paginator
from django.db.models import (
    CharField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Replace
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alerts.care.thresholds import temperature_thresholds
from alerts.models import LEVEL_RANK, Alert, Concern, ConcernEvent, Notification, level_rank
from patients import dosing, enrolment
from patients.access import clinician_required, clinicians_patient, enrolment_allowed
from patients.audit import access_record
from patients.models import AccessLog, CareTeam, Injection, LabResult, Patient, User
from symptoms.history import HISTORY_DAYS, build_history, history_days
from symptoms.models import EntryAmendment
from team import exports, fhir
from team.forms import CaregiverForm, EnrolForm, IdentityForm, RiskFlagsForm
from team.lab_forms import HbvClearForm, LabResultForm
from team.lab_series import ig_charts, shown_charts
from team.labs import flags_shown, flags_shown_many, lab_flag_words, result_rows, said_about_labs
from team.summary import Summary, summary_build

PAGE_SIZE = 25
Download = TypeVar("Download", bound=HttpResponseBase)
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}
SORTS = {
    "status": ("-status_rank", "-last_entry_at"),
    # Longest silence first; never logged at all is the longest.
    "last_entry": (F("last_entry_at").asc(nulls_first=True),),
    "name": ("user__last_name", "user__first_name"),
}


def _open_rank():
    """The level of the patient's open concern, as a number (0 = none)."""
    concerns = (
        Concern.objects.filter(patient=OuterRef("pk"), status=Concern.Status.OPEN)
        .annotate(rank=level_rank())
        .values("rank")[:1]
    )
    # No open concern is rank 0, not NULL (PostgreSQL sorts NULL first when descending).
    return Coalesce(Subquery(concerns, output_field=IntegerField()), Value(0))


HOSPITAL_COMPACT = Replace(F("hospital_number"), Value(" "), Value(""))
# A phone number's digits alone ("+44 7700 900103" → "447700900103").
PHONE_DIGITS = Func(
    F("phone"),
    Value(r"\D"),
    Value(""),
    Value("g"),
    function="regexp_replace",
    output_field=CharField(),
)
# Fewer digits or characters than this find too much to be what the nurse meant.
SHORTEST_PART = 4
SHORTEST_PHONE = 6
DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d")


def _typed_date(text: str):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(query: str) -> Q:
    """What a nurse types to find a patient: a name in any order, with or without its
    accents ("bob baker", "Baker Bob", "zolc" for Żółć), part of the reference ("6SHK"),
    part of a hospital number (spaces do not matter: "118552" finds "RX4 118 552"), part of a
    phone number however it is written ("07700 900103" finds "+44 7700 900103"), or a date
    of birth as 31/12/1960, 31.12.1960 or 1960-12-31. The queryset needs the
    `hospital_compact` and `phone_digits` annotations (search_annotations)."""
    born = _typed_date(query)
    if born is not None:
        return Q(date_of_birth=born)
    compact = query.replace(" ", "")
    words = [w for w in query.split() if w]
    by_name = Q()
    for word in words:
        typed = Unaccent(Value(word))  # "Żółć" typed with its accents matches too
        by_name &= Q(user__first_name__unaccent__icontains=typed) | Q(
            user__last_name__unaccent__icontains=typed
        )
    found = (
        by_name
        | Q(reference__icontains=compact)
        | Q(hospital_number__istartswith=query)
        | Q(hospital_compact__iexact=compact)
    )
    if len(compact) >= SHORTEST_PART:
        found |= Q(hospital_compact__icontains=compact)
    # A national number's leading 0 is not in the international form: "07700…" is "+44 7700…".
    digits = re.sub(r"\D", "", query).lstrip("0")
    if len(digits) >= SHORTEST_PHONE and not re.search(r"[^\d\s+()\-.]", query):
        found |= Q(phone_digits__contains=digits)
    return found


def search_annotations() -> dict:
    return {"hospital_compact": HOSPITAL_COMPACT, "phone_digits": PHONE_DIGITS}


@clinician_required
def patient_list(request: HttpRequest) -> HttpResponse:
    """The clinician's patients, most urgent first; search by name or reference."""
    query = (request.GET.get("q") or "").strip()[:80]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "status"
    patients = (
        Patient.objects.for_clinician(request.user)
        # The results holding a flag, for "(from the result of …)" without a query a row.
        .select_related("user", "team", *Patient.LAB_FIELDS.values())
        .annotate(status_rank=_open_rank(), last_entry_at=Max("entries__recorded_at"))
        .prefetch_related(
            Prefetch(
                "injections",
                queryset=Injection.objects.order_by("given_at"),
                to_attr="injection_list",
            )
        )
    )
    if query:
        patients = patients.annotate(**search_annotations()).filter(patient_search(query))
    patients = patients.order_by(*SORTS[sort], "pk")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    on_page = list(page.object_list)
    flags = flags_shown_many(on_page)
    for patient in on_page:
        doses = [(i.given_at, i.dose_number) for i in patient.injection_list]
        due = dosing.next_due(doses, tz=patient.zone, first_dose_at=patient.first_dose_at)
        missed = dosing.missed_dose(
            doses, tz=patient.zone, as_of=now, first_dose_at=patient.first_dose_at
        )
        days_since = (
            (patient.local_day(now) - patient.local_day(patient.last_entry_at)).days
            if patient.last_entry_at
            else None
        )
        rows.append(
            {
                "patient": patient,
                "level": RANK_LEVEL[patient.status_rank] if patient.status_rank else None,
                "days_since": days_since,
                "next_dose": due,
                "missed": missed,
                "risk": flags[patient.pk],
            }
        )
    access_record(request, None, AccessLog.Action.LIST)
    return render(
        request,
        "team/patient_list.html",
        {"page": page, "rows": rows, "q": query, "sort": sort, "sorts": list(SORTS)},
    )


@clinician_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One patient at a glance: who they are, the chart and heat-map, their open alerts in a
    compact list (the alert page acts on them), care settings, blood results, and a
    filtered timeline."""
    patient = clinicians_patient(request, pk)
    return patient_page(request, patient)


def patient_page(
    request: HttpRequest, patient: Patient, *, status: int = 200, **forms
) -> HttpResponse:
    """The patient page; `forms` replace its blank forms (a refused form shown again with
    what was typed: `lab_form`, `hbv_form`)."""
    days = history_days(request.GET.get("days"))
    context = build_history(
        patient, days=days, unit="C", thresholds=temperature_thresholds(patient)
    )
    alerts = list(
        Alert.objects.filter(patient=patient, fired_at__gte=context["since"])
        .select_related("rule", "acknowledged_by", "resolved_by", "entry")
        .prefetch_related("entry__amendments")
        .order_by("-fired_at")
    )
    amendments = EntryAmendment.objects.filter(
        entry__patient=patient, amended_at__gte=context["since"]
    ).select_related("entry", "amended_by")
    events = list(
        ConcernEvent.objects.filter(concern__patient=patient, at__gte=context["since"])
        .exclude(kind__in=(ConcernEvent.Kind.OPENED, ConcernEvent.Kind.JOINED))
        .select_related("by")
    )
    notifications = list(
        Notification.objects.filter(concern__patient=patient, created_at__gte=context["since"])
        .exclude(status=Notification.Status.CANCELLED)
        .select_related("recipient", "event")
    )
    timeline = _timeline(context["entries"], context["injections"], alerts)
    timeline = sorted(
        timeline
        + [
            {"at": n.sent_at or n.created_at, "kind": "notification", "notification": n}
            for n in notifications
        ]
        + [{"at": e.at, "kind": "event", "event": e} for e in events]
        + [{"at": a.amended_at, "kind": "amended", "amendment": a} for a in amendments],
        key=lambda item: item["at"],
        reverse=True,
    )
    shown = [k for k in request.GET.getlist("show") if k in TIMELINE_FILTERS] or list(
        TIMELINE_DEFAULT
    )
    hidden = len(timeline)
    timeline = [item for item in timeline if _timeline_kind(item) in shown]
    hidden -= len(timeline)
    concern = (
        Concern.objects.filter(patient=patient, status=Concern.Status.OPEN)
        .select_related("owner", "acknowledged_by", "lead__rule")
        .first()
    )
    open_alerts = (
        sorted(
            Alert.objects.filter(concern=concern)
            .exclude(status=Alert.Status.RESOLVED)
            .select_related("rule", "acknowledged_by"),
            key=lambda a: (a.pk != concern.lead_id, -LEVEL_RANK[a.level], a.fired_at),
        )
        if concern
        else []
    )
    access_record(request, patient, AccessLog.Action.VIEW)
    return render(
        request,
        "team/patient.html",
        {
            **context,
            "patient": patient,
            "choices": HISTORY_DAYS,
            "concern": concern,
            "open_alerts": open_alerts,
            "timeline": timeline,
            "timeline_filters": [
                (key, label, key in shown) for key, label in TIMELINE_FILTERS.items()
            ],
            "timeline_hidden": hidden,
            "next_dose": patient.next_dose_due(),
            "risk_form": RiskFlagsForm(instance=patient),
            "risk_history": _risk_history(patient),
            "caregiver_form": CaregiverForm(),
            "caregivers": patient.caregivers.filter(active=True).select_related("user"),
            "flags": flags_shown(patient),
            "lab_rows": result_rows(patient),
            "lab_form": forms.get("lab_form") or LabResultForm(today=patient.today()),
            "hbv_form": forms.get("hbv_form") or HbvClearForm(),
            "lab_said": said_about_labs(request, patient),
            "lab_charts": shown_charts(ig_charts(patient)),
        },
        status=status,
    )


# The timeline's filters: what each kind of item is, and what shows without asking (the
# messages to the team are many and rarely what a nurse is looking for).
TIMELINE_FILTERS = {
    "entries": gettext_lazy("Entries and doses"),
    "alerts": gettext_lazy("Alerts"),
    "actions": gettext_lazy("Team actions"),
    "messages": gettext_lazy("Messages to the team"),
}
TIMELINE_DEFAULT = ("entries", "alerts", "actions")
TIMELINE_KIND = {
    "entry": "entries",
    "injection": "entries",
    "amended": "entries",
    "alert": "alerts",
    "event": "actions",
    "notification": "messages",
}
# A concern's changes that are the diary's, not the team's: under "alerts" or "messages".
EVENT_KIND = {
    ConcernEvent.Kind.RAISED: "alerts",
    ConcernEvent.Kind.URGENT: "alerts",
    ConcernEvent.Kind.OVERDUE: "messages",
    ConcernEvent.Kind.REMINDER: "messages",
    ConcernEvent.Kind.PAGED: "messages",
    ConcernEvent.Kind.NOT_PAGED: "messages",
    ConcernEvent.Kind.OUT_OF_HOURS: "messages",
}


def _timeline_kind(item: dict) -> str:
    if item["kind"] == "event":
        return EVENT_KIND.get(item["event"].kind, "actions")
    return TIMELINE_KIND[item["kind"]]


RISK_FIELDS = (
    "er_immunosuppressant",
    "er_low_ig",
    "er_recurrent_infection",
    "er_cytopenia",
    "hbv_risk",
)


# The flags a result holds, as the history stores them (the result's id).
LAB_HISTORY_FIELDS = {code: field + "_id" for code, field in Patient.LAB_FIELDS.items()}
# The change reasons alerts/care/labs.py writes for a result: said by the flags already.
LAB_REASON = "laboratory result "


def _risk_history(patient: Patient, limit: int = 5) -> list[dict]:
    """The last changes to the risk flags, ticked or held by a result: when, who, the flags
    after the change, and a clinician's note (clearing a hepatitis B risk)."""
    records = list(patient.history.select_related("history_user").order_by("-history_date")[:20])
    fields = (*RISK_FIELDS, *LAB_HISTORY_FIELDS.values())
    kept = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if older is not None and all(getattr(newer, f) == getattr(older, f) for f in fields):
            continue
        kept.append(newer)
        if len(kept) == limit:
            break
    held = {getattr(r, f) for r in kept for f in LAB_HISTORY_FIELDS.values()} - {None}
    results = LabResult.objects.in_bulk(held) if held else {}
    changes = []
    for record in kept:
        flags = [
            str(Patient._meta.get_field(f).verbose_name) for f in RISK_FIELDS if getattr(record, f)
        ]
        for code, field in LAB_HISTORY_FIELDS.items():
            result = results.get(getattr(record, field))
            if result is not None:
                flags.append(lab_flag_words(code, result.collected_on))
        reason = record.history_change_reason or ""
        changes.append(
            {
                "at": record.history_date,
                "by": record.history_user,
                "flags": flags,
                "note": "" if reason.startswith(LAB_REASON) else reason,
            }
        )
    return changes


def _timeline(entries, injections, alerts) -> list[dict]:
    """Entries, injections and alerts, newest first (the concern's changes are added by the
    caller: one line per change, whatever the number of its alerts)."""
    items = [{"at": entry.recorded_at, "kind": "entry", "entry": entry} for entry in entries]
    for injection in injections:
        items.append({"at": injection.given_at, "kind": "injection", "injection": injection})
    for alert in alerts:
        items.append({"at": alert.fired_at, "kind": "alert", "alert": alert})
    return sorted(items, key=lambda item: item["at"], reverse=True)


# Exports (each one logged) --------------------------------------------------------------


def _attachment(response: Download, filename: str) -> Download:
    """Offer an export as a download named after the patient's reference (never a name)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_download(request: HttpRequest, pk: int, *, rows, action: str, kind: str):
    """A CSV of one patient, streamed: for a spreadsheet in the reader's language by default
    (German and Spanish: semicolons and a decimal comma); `?for=machine`: commas, points and
    English for another program."""
    patient = clinicians_patient(request, pk)
    access_record(request, patient, action)
    machine = request.GET.get("for") == "machine"
    style = exports.CsvStyle.for_reader(machine=machine)
    response = StreamingHttpResponse(
        rows(patient, style=style), content_type=exports.CSV_CONTENT_TYPE
    )
    suffix = "-machine" if machine else ""
    return _attachment(response, f"{patient.reference}-{kind}{suffix}.csv")


@clinician_required
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The entries, one row each."""
    return _csv_download(
        request, pk, rows=exports.csv_rows, action=AccessLog.Action.EXPORT_CSV, kind="entries"
    )


@clinician_required
def export_alerts_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The team alerts and the actions on them."""
    return _csv_download(
        request,
        pk,
        rows=exports.alerts_csv_rows,
        action=AccessLog.Action.EXPORT_ALERTS_CSV,
        kind="alerts",
    )


def _summary_of(request: HttpRequest, patient: Patient) -> Summary:
    return summary_build(patient, days=90 if request.GET.get("days") == "90" else 30)


@clinician_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable pre-visit summary (print CSS): the PDF's facts, from the same Summary."""
    patient = clinicians_patient(request, pk)
    access_record(request, patient, AccessLog.Action.EXPORT_PRINT)
    summary = _summary_of(request, patient)
    return render(
        request,
        "team/summary.html",
        {
            **summary.history,
            "summary": summary,
            "patient": patient,
            "team_alerts": summary.team_alerts,
            "generated_at": summary.generated_at,
            "lab_charts": shown_charts(summary.lab_charts),
        },
    )


@clinician_required
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    access_record(request, patient, AccessLog.Action.EXPORT_PDF)
    summary = _summary_of(request, patient)
    pdf = exports.summary_pdf(summary, reader_zone=timezone.get_current_timezone())
    response = HttpResponse(pdf, content_type="application/pdf")
    return _attachment(response, f"{patient.reference}-summary-{summary.days}d.pdf")


@clinician_required
def export_fhir(request: HttpRequest, pk: int) -> JsonResponse:
    patient = clinicians_patient(request, pk)
    try:
        bundle = fhir.fhir_bundle(patient)
    except fhir.ExportInvalid:
        # Our fault, never the reader's: nothing invalid is sent on, the log says where.
        messages.error(
            request,
            _(
                "The FHIR file could not be made: part of this diary did not pass the FHIR "
                "checks. Nothing was downloaded. The problem has been logged for the "
                "support team; the CSV and PDF exports still work."
            ),
        )
        return redirect("team:patient", pk=patient.pk)
    access_record(request, patient, AccessLog.Action.EXPORT_FHIR)
    response = JsonResponse(bundle, content_type="application/fhir+json")
    return _attachment(response, f"{patient.reference}-fhir.json")


# Enrolment, risk flags, caregivers ----------------------------------------------------------


def _teams(request: HttpRequest):
    return CareTeam.objects.for_clinician(request.user).order_by("name")


@enrolment_allowed
def enrol(request: HttpRequest) -> HttpResponse:
    """A clinician enrols into their teams; an administrator setting up a clinic into any."""
    administrator = request.user.role == User.Role.ADMINISTRATOR
    teams = CareTeam.objects.order_by("name") if administrator else _teams(request)
    initial = {}
    if (chosen := request.GET.get("team", "")).isascii() and chosen.isdigit():
        initial["team"] = teams.filter(pk=chosen).first()
    form = EnrolForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        patient = enrolment.enrol_patient(form.cleaned_data, invited_by=request.user)
        messages.success(
            request,
            _("%(name)s is enrolled as %(ref)s. An invitation to set a password was e-mailed.")
            % {"name": patient.display_name, "ref": patient.reference},
        )
        if administrator:  # the patient's pages are the care team's, not the administrator's
            return redirect("team:setup")
        return redirect("team:patient", pk=patient.pk)
    return render(request, "team/enrol.html", {"form": form})


@clinician_required
def patient_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The team edits who the patient is and how to reach them (with history)."""
    patient = clinicians_patient(request, pk)
    form = IdentityForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        changed = enrolment.patient_identity_update(
            patient=patient, data=form.cleaned_data, by=request.user
        )
        messages.success(
            request, _("Details saved.") if changed else _("Nothing changed: the details stand.")
        )
        return redirect("team:patient", pk=patient.pk)
    access_record(request, patient, AccessLog.Action.VIEW)
    return render(
        request,
        "team/patient_details.html",
        {"patient": patient, "form": form, "changes": _identity_history(patient)},
    )


IDENTITY_FIELDS = ("date_of_birth", "hospital_number", "national_number", "phone")


def _identity_history(patient: Patient, limit: int = 5) -> list[dict]:
    """The last changes to the identity fields: when and who."""
    records = list(patient.history.select_related("history_user").order_by("-history_date")[:30])
    changes = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        fields = [
            str(Patient._meta.get_field(f).verbose_name)
            for f in IDENTITY_FIELDS
            if older is None or getattr(newer, f) != getattr(older, f)
        ]
        if older is not None and not fields:
            continue
        changes.append({"at": newer.history_date, "by": newer.history_user, "fields": fields})
    return changes[:limit]


@require_POST
@clinician_required
def risk_flags(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = RiskFlagsForm(request.POST, instance=patient)
    if form.is_valid():
        form.save()  # django-simple-history keeps who changed what, and when
        messages.success(request, _("Risk flags saved. New entries use them at once."))
    return redirect("team:patient", pk=patient.pk)


@require_POST
@clinician_required
def add_caregiver(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = CaregiverForm(request.POST)
    if form.is_valid():
        enrolment.caregiver_invite(patient, form.cleaned_data, invited_by=request.user)
        # The same words whatever the address is: never whose it is, or whether it exists.
        messages.success(
            request,
            _(
                "We have e-mailed an invitation to %(email)s, if it can be used for a caregiver. "
                "They can fill in the diary once they have accepted, signed in as themselves."
            )
            % {"email": form.cleaned_data["email"]},
        )
    else:
        messages.error(request, _("Please give the caregiver's first name and a valid e-mail."))
    return redirect("team:patient", pk=patient.pk)
