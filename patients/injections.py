"""Logging, correcting and removing injections: the one way a dose is written from the
patient's pages.

A dose the schedule did not expect (before its expected date, or a second one on a day
that has one) is logged only once the patient has confirmed it; it is then marked on the
dose and the care team is told (docs/clinical-safety.md, "Doses outside the schedule").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from patients import dosing
from patients.mail import dose_check_queue
from patients.models import Injection, Patient, User


@dataclass(frozen=True)
class DoseResult:
    """What happened: the dose saved (created False when the client key had saved it
    already), or nothing saved and the question to ask first."""

    injection: Injection | None
    created: bool = False
    question: dosing.DoseQuestion | None = None


def _doses(
    patient: Patient, *, leaving_out: Injection | None = None
) -> list[tuple[datetime, int | None]]:
    """The patient's logged doses as (time, number), the one being corrected left out."""
    doses = patient.injections.order_by("given_at")
    if leaving_out is not None:
        doses = doses.exclude(pk=leaving_out.pk)
    return list(doses.values_list("given_at", "dose_number"))


def _question(patient: Patient, doses, given_at: datetime) -> dosing.DoseQuestion | None:
    return dosing.dose_question(
        doses, given_at, tz=patient.zone, first_dose_at=patient.first_dose_at
    )


def _mark(injection: Injection, question: dosing.DoseQuestion | None) -> None:
    if question is None:
        injection.off_schedule, injection.expected_on = "", None
        return
    injection.off_schedule = (
        Injection.OffSchedule.REPEAT if question.repeat else Injection.OffSchedule.EARLY
    )
    injection.expected_on = question.expected


def injection_record(
    *,
    patient: Patient,
    logged_by: User,
    client_key: uuid.UUID,
    given_at: datetime,
    site: str,
    confirmed: bool = False,
) -> DoseResult:
    """Log one dose; a repeated client key logs nothing (a double tap, a retry).

    A dose outside the schedule is saved only when `confirmed`; then the team is told in
    the same transaction. The repeat is found by its key first, so a second tap is told
    "already saved" rather than asked about a "second dose today" (its own first tap),
    and by the unique constraint when two requests race.
    """
    existing = patient.injections.filter(client_key=client_key).first()
    if existing is not None:
        return DoseResult(existing)
    doses = _doses(patient)
    question = _question(patient, doses, given_at)
    if question is not None and not confirmed:
        return DoseResult(None, question=question)
    injection = Injection(
        patient=patient,
        client_key=client_key,
        given_at=given_at,
        site=site,
        dose_number=dosing.number_at(
            doses, given_at, tz=patient.zone, first_dose_at=patient.first_dose_at
        ),
        logged_by=logged_by,
    )
    _mark(injection, question)
    try:
        with transaction.atomic():
            injection.save()
            if question is not None:
                dose_check_queue(injection)
    except IntegrityError:
        existing = patient.injections.filter(client_key=client_key).first()
        if existing is None:
            raise
        return DoseResult(existing)
    return DoseResult(injection, created=True)


@transaction.atomic
def injection_correct(
    *,
    injection: Injection,
    given_at: datetime,
    site: str,
    by: User,
    confirmed: bool = False,
) -> DoseResult:
    """Change a dose's time or site (history keeps what it said). The schedule follows
    at once: every due date is counted from the logged doses. A corrected time the
    schedule did not expect asks first, as logging does, and tells the team again."""
    patient = injection.patient
    question = _question(patient, _doses(patient, leaving_out=injection), given_at)
    if question is not None and not confirmed:
        return DoseResult(None, question=question)
    was_flagged = (injection.off_schedule, injection.expected_on)
    injection.given_at, injection.site = given_at, site
    _mark(injection, question)
    injection._history_user = by
    injection._change_reason = "corrected by the patient's side"
    injection.save()
    if question is not None and (injection.off_schedule, injection.expected_on) != was_flagged:
        dose_check_queue(injection)
    return DoseResult(injection, created=False)


@transaction.atomic
def injection_remove(*, injection: Injection, by: User) -> None:
    """Remove a dose logged in error. The row is deleted, so that every reader of the
    doses (the schedule, the rules, the sweep, the exports) stops counting it at once;
    its history keeps the whole row, who removed it and when, and the team's page lists
    it (Patient.removed_injections)."""
    injection._history_user = by
    injection._change_reason = "removed by the patient's side"
    injection.delete()
