"""The team's care settings for one patient: pause the diary, resume it, discharge.

A pause (holiday, hospital stay) and a discharge stop the daily reminders
(symptoms/reminders.py) and the periodic rules (alerts.care.sweeps.periodic_rules_sweep) through
`Patient.objects.monitored`. Entries made during a pause are evaluated and alert as always;
a discharged patient's diary takes no more entries (docs/clinical-safety.md).
Each change is kept in the patient's history with who made it and why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

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


# A discharge can be undone by anyone of the team on its first day (a slip of the hand);
# later only by a second person, not the one who discharged (a decision, confirmed).
UNDO_ALONE_WITHIN = timedelta(days=1)


class Undo(StrEnum):
    UNDONE = "undone"
    NOT_DISCHARGED = "not_discharged"
    NEEDS_SECOND_PERSON = "needs_second_person"


def discharged_by(patient: Patient) -> User | None:
    """Who discharged the patient, from the history (the change that recorded it)."""
    record = (
        patient.history.filter(history_change_reason="discharged")
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    return record.history_user if record is not None else None


@transaction.atomic
def patient_discharge_undo(
    *, patient: Patient, reason: str, by: User, now: datetime | None = None
) -> Undo:
    """Take a discharged patient back into care: reminders, the periodic rules and new
    entries start again. Within a day of the discharge anyone of the team may; after it,
    someone other than the person who discharged. Recorded with who and why."""
    now = now or timezone.now()
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.discharged_at is None:
        return Undo.NOT_DISCHARGED
    if now - locked.discharged_at > UNDO_ALONE_WITHIN and discharged_by(locked) == by:
        return Undo.NEEDS_SECOND_PERSON
    patient.discharged_at = None
    patient.discharge_reason = ""
    # The missed-diary rules count from now, as after a pause: the days of the discharge
    # are nobody's missed days (DIARY-GAP-3 fired at once for a 20-day discharge).
    patient.paused_until = now
    _save(
        patient,
        by=by,
        reason=f"discharge undone: {reason}",
        fields=["discharged_at", "discharge_reason", "paused_until"],
    )
    return Undo.UNDONE
