"""Clinician pages about patients: the list (status, last entry, next dose, risk flags)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alerts.models import Alert, Level
from alerts.views import clinician_required
from patients import dosing
from patients.models import Injection, Patient

PAGE_SIZE = 25
LEVEL_RANK = Case(
    When(level=Level.URGENT, then=Value(3)),
    When(level=Level.CONTACT, then=Value(2)),
    When(level=Level.WATCH, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
RANK_LEVEL = {3: Level.URGENT, 2: Level.CONTACT, 1: Level.WATCH}
SORTS = {
    "status": ("-status_rank", "-last_entry_at"),
    # Longest silence first; never logged at all is the longest.
    "last_entry": (F("last_entry_at").asc(nulls_first=True),),
    "name": ("user__last_name", "user__first_name"),
}


def _open_rank():
    """Highest level of the patient's open team alerts, as a number (0 = none)."""
    alerts = (
        Alert.objects.filter(patient=OuterRef("pk"), team_alert=True)
        .exclude(status=Alert.Status.RESOLVED)
        .annotate(rank=LEVEL_RANK)
        .order_by("-rank")
        .values("rank")[:1]
    )
    # No open alert is rank 0, not NULL (PostgreSQL sorts NULL first when descending).
    return Coalesce(Subquery(alerts, output_field=IntegerField()), Value(0))


@clinician_required
def patient_list(request: HttpRequest) -> HttpResponse:
    """The clinician's patients, most urgent first; search by name or reference."""
    query = (request.GET.get("q") or "").strip()[:80]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "status"
    patients = (
        Patient.objects.for_clinician(request.user)
        .select_related("user", "team")
        .annotate(status_rank=_open_rank(), last_entry_at=Max("entries__recorded_at"))
        .prefetch_related(
            Prefetch(
                "injections",
                queryset=Injection.objects.order_by("given_at"),
                to_attr="injection_list",
            )
        )  # fmt: skip
    )
    if query:
        patients = patients.filter(
            Q(reference__iexact=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )
    patients = patients.order_by(*SORTS[sort], "pk")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for patient in page.object_list:
        doses = [(i.given_at, i.dose_number) for i in patient.injection_list]
        due = dosing.next_due(doses, tz=patient.zone, first_dose_at=patient.first_dose_at)
        missed = dosing.missed_dose(doses, tz=patient.zone, as_of=now,
                                    first_dose_at=patient.first_dose_at)  # fmt: skip
        days_since = (
            (patient.local_day(now) - patient.local_day(patient.last_entry_at)).days
            if patient.last_entry_at
            else None
        )
        rows.append({
            "patient": patient,
            "level": RANK_LEVEL.get(patient.status_rank or 0),
            "days_since": days_since,
            "next_dose": due,
            "missed": missed,
            "risk": sorted(patient.elevated_risk) + (["hbv"] if patient.hbv_risk else []),
        })  # fmt: skip
    return render(
        request,
        "patients/team_list.html",
        {"page": page, "rows": rows, "q": query, "sort": sort, "sorts": list(SORTS)},
    )
