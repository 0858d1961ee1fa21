"""Recording diary entries: one transaction, idempotent on the form's client key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from patients.models import Caregiver, Patient, User
from symptoms.models import (
    DiaryEntry,
    EntryAmendment,
    Symptom,
    SymptomReport,
    TemperatureReading,
)
from symptoms.readings import local_number

VITALS = ("heart_rate", "resp_rate", "spo2", "systolic_bp")
VITAL_NAMES = {
    "heart_rate": _("Heart rate"),
    "resp_rate": _("Breathing rate"),
    "spo2": _("Oxygen level"),
    "systolic_bp": _("Blood pressure (top number)"),
}


@dataclass(frozen=True)
class Reading:
    """One temperature as typed (the unit as entered; °C is derived on save)."""

    value: Decimal
    unit: str = "C"
    site: str = ""
    confirmed: bool = False  # a re-measure asked for by an earlier prompt


@dataclass(frozen=True)
class EntryData:
    """What the patient (or their caregiver) recorded, already validated."""

    grades: dict[str, int] = field(default_factory=dict)  # symptom and red-flag codes
    readings: tuple[Reading, ...] = ()
    recorded_at: datetime | None = None
    vitals: dict[str, tuple[int, bool]] = field(default_factory=dict)  # name: (value, re-checked)
    antipyretic_6h: bool = False
    planned_vaccine: str = ""
    planned_vaccine_live: bool = False  # the patient's own tick; VAC-LIVE reads the text too
    note: str = ""
    feels_fine: bool = False
    no_thermometer: bool = False

    @classmethod
    def from_form(cls, cleaned: dict, grades: dict[str, int], *, feels_fine: bool) -> EntryData:
        temperature = cleaned.get("temperature")
        reading = Reading(
            value=temperature,
            unit=cleaned.get("unit") or "C",
            site=cleaned.get("site") or "",
            confirmed=bool(cleaned.get("confirmed")),
        )
        return cls(
            grades=grades,
            readings=(reading,) if temperature is not None else (),
            recorded_at=cleaned.get("measured_at"),
            vitals={
                name: (cleaned[name], bool(cleaned.get(f"{name}_confirmed")))
                for name in VITALS
                if cleaned.get(name) is not None
            },
            antipyretic_6h=bool(cleaned.get("antipyretic_6h")),
            planned_vaccine=cleaned.get("planned_vaccine") or "",
            planned_vaccine_live=bool(cleaned.get("planned_vaccine_live")),
            note=cleaned.get("note") or "",
            feels_fine=feels_fine,
            no_thermometer=bool(cleaned.get("no_thermometer")) and temperature is None,
        )


def _fields(data: EntryData, at: datetime, patient: Patient) -> dict:
    vitals = {}
    for name in VITALS:
        value, confirmed = data.vitals.get(name, (None, False))
        vitals[name] = value
        vitals[f"{name}_confirmed"] = confirmed
    return {
        "recorded_at": at,
        "local_day": patient.local_day(at),
        "feels_fine": data.feels_fine,
        "no_thermometer": data.no_thermometer,
        "note": data.note,
        "antipyretic_6h": data.antipyretic_6h,
        "planned_vaccine": data.planned_vaccine,
        "planned_vaccine_live": data.planned_vaccine_live,
        **vitals,
    }


def _write_details(
    entry: DiaryEntry, data: EntryData, at: datetime, catalogue: dict[str, Symptom] | None
) -> None:
    """Write the entry's readings and reports, and keep them as the entry's prefetched
    ones: what the Save's evaluation reads of the entry it has just written. A reading
    has one decimal place (the form, replay and the demo data refuse more: clinical-safety
    decision 32); one written past them is kept as its column stores it, rounded half up
    as PostgreSQL rounds, so the evaluation reads what the row says."""
    readings = [
        TemperatureReading.objects.create(
            entry=entry,
            value=Decimal(reading.value).quantize(TENTH, rounding=ROUND_HALF_UP),
            unit=reading.unit,
            site=reading.site,
            confirmed=reading.confirmed,
            measured_at=at,
        )
        for reading in data.readings
    ]
    reports = []
    if data.grades:
        symptoms = catalogue or Symptom.objects.in_bulk(list(data.grades), field_name="code")
        # With history, so that an edit can show what the entry said before.
        reports = bulk_create_with_history(
            [
                SymptomReport(entry=entry, symptom=symptoms[code], grade=grade)
                for code, grade in data.grades.items()
            ],
            SymptomReport,
        )
    entry._prefetched_objects_cache = {
        "temperatures": _prefetched(entry.temperatures.get_queryset(), readings),
        "reports": _prefetched(entry.reports.get_queryset(), reports),
    }


def _prefetched(rows, written: list):
    """`rows` (a related manager's queryset) holding `written`, as prefetch_related leaves
    it: .all(), .first(), .count() answer from it."""
    rows._result_cache = list(written)
    rows._prefetch_done = True
    return rows


TENTH = Decimal("0.1")


def entry_record(
    *,
    patient: Patient,
    entered_by: User | None,
    data: EntryData,
    client_key: uuid.UUID | None = None,
    caregiver: Caregiver | None = None,
    now: datetime | None = None,
    catalogue: dict[str, Symptom] | None = None,
    checked: bool = False,
    evaluated_at: datetime | None = None,
) -> tuple[DiaryEntry, bool]:
    """Save one entry (pending its outcome, unless the caller records it in this same
    transaction: `evaluated_at`); a repeated client_key creates nothing.

    The one way an entry is written: the diary form (through alerts.care.recording.entry_submit,
    which records its outcome in the same transaction), scenario replay, the demo data and
    the tests' factories all come through here.

    Returns (entry, created), the entry with its readings and reports as prefetched. An
    entry saved pending is recorded by the beat sweep
    (alerts.care.recording.pending_entries_sweep), so nothing saved is ever left
    unevaluated. A repeat is found by the unique constraint on (patient, client_key), in a
    savepoint: correct under a concurrent double submit too. `checked`: the caller holds
    the patient's lock and has looked the key up under it (entry_submit), so the entry is
    written without the savepoint. `catalogue` (code -> Symptom) saves a query when the
    caller has already loaded it. `evaluated_at`: the caller records the entry's outcome
    in this same transaction (entry_submit), so the entry is written evaluated at that
    time, not pending and then marked by a second statement; if the recording fails, the
    transaction is rolled back with the entry in it.
    """
    at = data.recorded_at or now or timezone.now()
    client_key = client_key or uuid.uuid4()

    def write() -> DiaryEntry:
        entry = DiaryEntry.objects.create(
            patient=patient,
            client_key=client_key,
            entered_by=entered_by,
            reported_by=(
                DiaryEntry.ReportedBy.PROXY if caregiver else DiaryEntry.ReportedBy.PATIENT
            ),
            caregiver=caregiver,
            **_fields(data, at, patient),
            **_evaluated(evaluated_at),
        )
        _write_details(entry, data, at, catalogue)
        return entry

    if checked:
        return write(), True
    try:
        with transaction.atomic():
            entry = write()
    except IntegrityError:
        # A double submit (or a retried request) already saved this client_key.
        existing = DiaryEntry.objects.filter(patient=patient, client_key=client_key).first()
        if existing is None:
            raise
        return existing, False
    return entry, True


def _evaluated(at: datetime | None) -> dict:
    """The columns of an entry whose outcome is recorded in the transaction that saves it."""
    if at is None:
        return {}
    return {
        "evaluation_state": DiaryEntry.EvaluationState.EVALUATED,
        "evaluated_at": at,
        "evaluation_attempts": 1,
    }


class EntryChanged(Exception):
    """The entry was changed (in another tab, by a caregiver) after this copy was opened:
    nothing was saved. `entry` is what is saved now."""

    def __init__(self, entry: DiaryEntry) -> None:
        super().__init__(f"entry {entry.pk} is at version {entry.version}")
        self.entry = entry


def entry_update(
    *,
    entry: DiaryEntry,
    data: EntryData,
    by: User | None = None,
    catalogue: dict[str, Symptom] | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> DiaryEntry:
    """Amend an entry: history keeps the old rows, an EntryAmendment says in words what
    changed (the nurse reads it beside any alert already raised), and the entry is pending
    its next outcome (alerts.care.recording.entry_amend records it in the same transaction).
    Alerts already raised stay: a change can add alerts, never cancel one.

    The entry's row is locked and read again here, so two saves at once are one after the
    other; with `expected_version` (the version the form was opened on), a save made on a
    copy that has changed since raises EntryChanged and writes nothing. A save that changes
    nothing (same_entry) writes nothing either. Returns the entry as saved."""
    with transaction.atomic():
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        current.patient = entry.patient
        if expected_version is not None and current.version != expected_version:
            raise EntryChanged(current)
        at = data.recorded_at or current.recorded_at
        if same_entry(entry_data(current), replace(data, recorded_at=at)):
            return current  # nothing changed: nothing written, the version stays
        before = entry_summary(current)
        for name, value in _fields(data, at, current.patient).items():
            setattr(current, name, value)
        current.evaluation_state = DiaryEntry.EvaluationState.PENDING
        # The sweep's tries are counted per version: the entry's earlier evaluations must
        # not use up the ones this change's recording may need.
        current.evaluation_attempts = 0
        current.version += 1
        current.save()
        # Delete row by row so django-simple-history records each removed reading/report.
        for reading in current.temperatures.all():
            reading.delete()
        for report in current.reports.all():
            report.delete()
        _write_details(current, data, at, catalogue)
        # Every accepted change is an amendment: who and when, and what it says in words.
        changes = amendment_text(before, entry_summary(current)) or str(
            _("Saved again with the same answers")
        )
        EntryAmendment.objects.create(
            entry=current, amended_by=by, amended_at=now or timezone.now(), summary=changes
        )
    return current


def entry_summary(entry: DiaryEntry) -> dict[str, str]:
    """What an entry says, item by item in words (for amendments): {item: value}."""
    reports = SymptomReport.objects.filter(entry=entry).select_related("symptom")
    return data_summary(
        entry_data(entry, reports),
        patient=entry.patient,
        symptoms={report.symptom.code: report.symptom for report in reports},
    )


def entry_data(entry: DiaryEntry, reports=None) -> EntryData:
    """A saved entry as the data it was saved from (what a form would hold)."""
    reports = reports if reports is not None else entry.reports.select_related("symptom")
    return EntryData(
        grades={report.symptom.code: report.grade for report in reports},
        readings=tuple(
            Reading(r.value, r.unit, r.site, r.confirmed)
            for r in TemperatureReading.objects.filter(entry=entry)
        ),
        recorded_at=entry.recorded_at,
        vitals={
            name: (getattr(entry, name), getattr(entry, f"{name}_confirmed"))
            for name in VITALS
            if getattr(entry, name) is not None
        },
        antipyretic_6h=entry.antipyretic_6h,
        planned_vaccine=entry.planned_vaccine,
        planned_vaccine_live=entry.planned_vaccine_live,
        note=entry.note,
        feels_fine=entry.feels_fine,
        no_thermometer=entry.no_thermometer,
    )


def same_entry(first: EntryData, second: EntryData) -> bool:
    """Whether two versions of an entry say the same: every answer, tick and reading, the
    time to the minute (what the form shows), symptoms left at "none" not counted."""

    def comparable(data: EntryData) -> EntryData:
        at = data.recorded_at
        return replace(
            data,
            grades={code: grade for code, grade in data.grades.items() if grade},
            recorded_at=at.replace(second=0, microsecond=0) if at else None,
        )

    return comparable(first) == comparable(second)


def data_summary(
    data: EntryData, *, patient: Patient, symptoms: dict[str, Symptom]
) -> dict[str, str]:
    """What an entry (saved, or only typed) says, item by item in words: {item: value}.
    The one wording of an entry for amendments and for the "changed while you were
    editing" page."""
    summary: dict[str, str] = {}
    for reading in data.readings:
        mark = _("re-measure")
        again = f" ({mark})" if reading.confirmed else ""
        summary[str(_("Temperature"))] = f"{local_number(reading.value)} °{reading.unit}{again}"
        if reading.site:
            site = TemperatureReading.Site(reading.site).label
            summary[str(_("Where did you measure?"))] = str(site)
    if data.no_thermometer:
        summary[str(_("I have no thermometer"))] = str(_("yes"))
    for code, grade in data.grades.items():
        if grade and code in symptoms:
            summary[symptoms[code].label] = symptoms[code].grade_words(grade)
    for name in VITALS:
        if name in data.vitals:
            value, rechecked = data.vitals[name]
            mark = _("Re-checked")
            again = f" ({mark})" if rechecked else ""
            summary[str(VITAL_NAMES[name])] = f"{value}{again}"
    if data.recorded_at is not None:
        summary[str(_("Time"))] = timezone.localtime(data.recorded_at, patient.zone).strftime(
            "%d %b %H:%M"
        )
    if data.feels_fine:
        summary[str(_("Feeling fine"))] = str(_("yes"))
    if data.planned_vaccine:
        live = " (" + _("live") + ")" if data.planned_vaccine_live else ""
        summary[str(_("Planned vaccine"))] = f"{data.planned_vaccine}{live}"
    if data.antipyretic_6h:
        summary[str(_("Fever medicine in the last 6 hours"))] = str(_("yes"))
    if data.note:
        summary[str(_("Note"))] = data.note
    return summary


def summary_changes(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """(item, before, after) for each item two summaries say differently, in the order
    they list them ("none" for an item one of them leaves out)."""
    none = str(_("none"))
    items = [*before, *(key for key in after if key not in before)]
    return [
        (item, before.get(item, none), after.get(item, none))
        for item in items
        if before.get(item, none) != after.get(item, none)
    ]


def amendment_text(before: dict[str, str], after: dict[str, str]) -> str:
    """ "Temperature: 39.4 °C → 37.0 °C; Chills or shivering: Moderate → none"."""
    return "; ".join(
        str(_("Note changed")) if item == str(_("Note")) else f"{item}: {old} → {new}"
        for item, old, new in summary_changes(before, after)
    )
