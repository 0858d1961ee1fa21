"""Which blood tests patients are due (LAB-DUE, docs/clinical-rules.md §6): the rows read
for the pure function alerts/rules/labs_due.py.

Every date it needs is an annotation (`with_lab_dates`), so the team's list reads any number
of patients in a fixed number of queries: the first logged injection, the latest
immunoglobulin (IgG or IgM) result in force and the latest result of each hepatitis B marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from alerts import rules
from alerts.rules.labs_due import (
    DueItem,
    LabDueInput,
    LabDueParams,
    labs_due,
    listed,
    next_immunoglobulins,
)
from alerts.ruleset.loading import rule_configs
from patients.lab_tests import BY_NAME, HBV_MARKERS, IMMUNOGLOBULINS
from patients.models import Injection, LabResult, Patient

IG_CODES = tuple(BY_NAME[name].loinc for name in IMMUNOGLOBULINS)
# The annotation that holds the latest result of each HBV marker.
HBV_FIELDS = {"HBsAg": "lab_hbsag_on", "anti-HBc": "lab_anti_hbc_on"}
assert set(HBV_FIELDS) == set(HBV_MARKERS)


def _latest_of(codes: tuple[str, ...]) -> Subquery:
    rows = (
        LabResult.objects.in_force()
        .filter(patient=OuterRef("pk"), test__in=codes)
        .order_by("-collected_on")
        .values("collected_on")[:1]
    )
    return Subquery(rows)


def with_lab_dates(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """`patients` with the dates LAB-DUE reads, as annotations (no extra query)."""
    first_injection = (
        Injection.objects.filter(patient=OuterRef("pk"))
        .values("patient")
        .annotate(first=Min("given_at"))
        .values("first")
    )
    return patients.annotate(
        lab_first_injection_at=Subquery(first_injection),
        lab_ig_on=_latest_of(IG_CODES),
        **{f: _latest_of((BY_NAME[name].loinc,)) for name, f in HBV_FIELDS.items()},
    )


def params(ruleset: rules.RuleSet | None = None) -> LabDueParams:
    return LabDueParams.of(ruleset or rule_configs())


def due_input(patient: Patient, *, now: datetime) -> LabDueInput:
    """The pure function's input for a patient annotated by `with_lab_dates`."""
    first_at = patient.lab_first_injection_at or patient.first_dose_at
    return LabDueInput(
        today=patient.today(now=now),
        first_dose=patient.local_day(first_at) if first_at else None,
        stopped_on=patient.treatment_stopped_on,
        recovery_on=patient.b_cell_recovery_on,
        ig_dates=[patient.lab_ig_on] if patient.lab_ig_on else [],
        hbv_dates={
            name: [getattr(patient, f)] if getattr(patient, f) else []
            for name, f in HBV_FIELDS.items()
        },
        discharged=patient.is_discharged,
    )


@dataclass(frozen=True)
class PatientDue:
    patient: Patient
    items: list[DueItem]  # every test due, soonest first
    listed: list[DueItem]  # those on the team's list (overdue or within the horizon)
    latest_ig_on: date | None


def patient_labs_due(
    patient: Patient, *, now: datetime | None = None, ruleset: rules.RuleSet | None = None
) -> PatientDue:
    """One patient's tests due (three queries: the rules, the engine settings, the dates)."""
    now = now or timezone.now()
    ruleset = ruleset or rule_configs()
    due_params = params(ruleset)
    annotated = with_lab_dates(Patient.objects.filter(pk=patient.pk)).get()
    # LAB-DUE switched off in the admin: nothing is listed as due.
    items = labs_due(due_input(annotated, now=now), due_params) if ruleset.active["LAB-DUE"] else []
    return PatientDue(
        patient=patient,
        items=items,
        listed=listed(items, due_params),
        latest_ig_on=annotated.lab_ig_on,
    )


@dataclass(frozen=True)
class DueRow:
    patient: Patient
    item: DueItem


def labs_due_list(
    patients: QuerySet[Patient],
    *,
    now: datetime | None = None,
    ruleset: rules.RuleSet | None = None,
) -> list[DueRow]:
    """The team's "tests due" list for `patients` (already scoped to the clinician): every
    item overdue or due within the horizon, the longest overdue first, then by due date.
    A fixed number of queries whatever the number of patients."""
    now = now or timezone.now()
    ruleset = ruleset or rule_configs()
    if not ruleset.active["LAB-DUE"]:
        return []
    due_params = params(ruleset)
    rows = []
    annotated = with_lab_dates(
        patients.filter(discharged_at__isnull=True, b_cell_recovery_on__isnull=True)
        .select_related("user", "team")
        .order_by()
    )
    for patient in annotated:
        for item in listed(labs_due(due_input(patient, now=now), due_params), due_params):
            rows.append(DueRow(patient=patient, item=item))
    rows.sort(key=lambda r: (r.item.due_on, r.patient.display_name.lower(), r.patient.pk))
    return rows


def next_immunoglobulin_test(patient: Patient, *, now: datetime | None = None) -> DueItem | None:
    """What the patient's injections page says (§6): the next immunoglobulin test, only when
    the team has at least one immunoglobulin result on record (else None)."""
    found = patient_labs_due(patient, now=now)
    if found.latest_ig_on is None:
        return None
    return next_immunoglobulins(found.items)
