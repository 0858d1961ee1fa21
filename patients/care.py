"""The team's care settings for one patient: pause the diary, resume it, discharge.

A pause (holiday, hospital stay) and a discharge stop the daily reminders
(symptoms/reminders.py) and the periodic rules (alerts.services.periodic_rules_sweep) through
`Patient.objects.monitored`. Entries made during a pause are evaluated and alert as always;
a discharged patient's diary takes no more entries (docs/clinical-safety.md).
Each change is kept in the patient's history with who made it and why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from patients.models import Patient, User

# A pause is for a holiday or a stay in hospital, not a way to stop monitoring.
MAX_PAUSE_DAYS = 90


def pause_end(patient: Patient, resume_on: date) -> datetime:
    """The instant a pause ending on `resume_on` ends: that day's local midnight."""
    return datetime.combine(resume_on, time.min, tzinfo=patient.zone)


def _save(patient: Patient, *, by: User, reason: str, fields: list[str]) -> None:
    patient._history_user = by
    patient._change_reason = reason[:100]
    patient.save(update_fields=fields)


@transaction.atomic
def patient_pause(
    *, patient: Patient, resume_on: date, reason: str, by: User, now: datetime | None = None
) -> Patient:
    """Pause reminders and the periodic rules until the local day `resume_on` begins."""
    now = now or timezone.now()
    today = patient.local_day(now)
    if not today < resume_on <= today + timedelta(days=MAX_PAUSE_DAYS):
        raise ValueError("resume_on must be after today and within the maximum pause")
    patient.paused_until = pause_end(patient, resume_on)
    patient.pause_reason = reason
    _save(patient, by=by, reason="diary paused", fields=["paused_until", "pause_reason"])
    return patient


@transaction.atomic
def patient_resume(*, patient: Patient, by: User, now: datetime | None = None) -> bool:
    """End a pause now (False if none was running). `paused_until` keeps the moment it
    ended, so the missed-diary rules count from then."""
    now = now or timezone.now()
    if not patient.is_paused(now=now):
        return False
    patient.paused_until = now
    _save(patient, by=by, reason="diary resumed", fields=["paused_until"])
    return True


@transaction.atomic
def patient_discharge(
    *, patient: Patient, reason: str, by: User, now: datetime | None = None
) -> bool:
    """End the team's care: no reminders, no periodic rules, no new entries (False if the
    patient was discharged already). The account and its history stay."""
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.discharged_at is not None:
        return False
    patient.discharged_at = now or timezone.now()
    patient.discharge_reason = reason
    _save(patient, by=by, reason="discharged", fields=["discharged_at", "discharge_reason"])
    return True
