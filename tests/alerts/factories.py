"""Build diary entries directly through the models (independent of the diary forms)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from symptoms.models import DiaryEntry, Symptom, SymptomReport, TemperatureReading


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
    entry = DiaryEntry.objects.create(
        patient=patient, recorded_at=at, local_day=patient.local_day(at), **fields
    )
    if temp is not None:
        TemperatureReading.objects.create(
            entry=entry, value=Decimal(temp), unit=unit, confirmed=confirmed, measured_at=at
        )
    codes = {**(symptoms or {}), **dict.fromkeys(red_flags, 1)}
    by_code = Symptom.objects.in_bulk(list(codes), field_name="code")
    SymptomReport.objects.bulk_create(
        SymptomReport(entry=entry, symptom=by_code[code], grade=grade)
        for code, grade in codes.items()
    )
    return entry
