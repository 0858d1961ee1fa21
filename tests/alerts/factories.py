"""Build diary entries the way the diary does: through symptoms.services.entry_record."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from symptoms.models import DiaryEntry
from symptoms.services import EntryData, Reading, entry_record


def make_entry(
    patient,
    at: datetime,
    *,
    temp: str | None = None,
    unit: str = "C",
    symptoms: dict[str, int] | None = None,
    red_flags: tuple[str, ...] = (),
    confirmed: bool = False,
    **fields,
) -> DiaryEntry:
    """An entry of `patient` at `at`; `fields` are EntryData's (note, antipyretic_6h, …)."""
    readings = (Reading(Decimal(temp), unit, confirmed=confirmed),) if temp is not None else ()
    grades = {**(symptoms or {}), **dict.fromkeys(red_flags, 1)}
    data = EntryData(grades=grades, readings=readings, recorded_at=at, **fields)
    entry, _created = entry_record(patient=patient, entered_by=patient.user, data=data)
    return entry


def submit_entry(
    patient,
    at: datetime,
    *,
    temp: str | None = None,
    unit: str = "C",
    symptoms: dict[str, int] | None = None,
    red_flags: tuple[str, ...] = (),
    confirmed: bool = False,
    now: datetime | None = None,
    caregiver=None,
    **fields,
) -> DiaryEntry:
    """An entry saved as the diary saves one: written and recorded in one transaction
    (alerts.care.recording.entry_submit), with the clock at `now` (default: the entry's time)."""
    from alerts.care.recording import entry_submit

    readings = (Reading(Decimal(temp), unit, confirmed=confirmed),) if temp is not None else ()
    grades = {**(symptoms or {}), **dict.fromkeys(red_flags, 1)}
    data = EntryData(grades=grades, readings=readings, recorded_at=at, **fields)
    entry, _created = entry_submit(
        patient=patient,
        entered_by=caregiver.user if caregiver else patient.user,
        data=data,
        caregiver=caregiver,
        now=now or at,
    )
    return entry
