"""Reminders to patients: the daily one at their local time, and the missed-days one.

Rows in PatientReminder are the record of what is due (unique per patient, kind and local
day), so a sweep run twice, or two beats, send one e-mail. Times are the patient's wall
clock: a 09:00 reminder is at 09:00 on both daylight-saving change days. Quiet hours
(21:00–08:00 local) hold reminders back; nothing clinical ever waits for them. The rows
are sent by the one outbox loop (diary_core/outbox.py); this module says when a reminder
waits, when it is no longer needed, and what it says.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from diary_core.outbox import Cancel, Defer, DeliveryError, Outcome, deliver_due
from patients.languages import speaking_to
from patients.models import QUIET_END, Patient, PatientReminder, in_quiet_hours
from symptoms.models import DiaryEntry

SEND_BATCH = 200
OPT_OUT_SALT = "patients.reminders.opt-out"  # unchanged: links already sent keep working


def due_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of wall-clock `at` on `day` in `tz`.

    On a spring-forward day a time in the skipped hour maps to the same offset as before
    the change (02:30 → 03:30); on a fall-back day an hour that happens twice means its
    first occurrence. Either way the reminder is due once.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def daily_reminders_sweep(*, now: datetime | None = None) -> int:
    """Create today's daily reminders for patients who are due and have not logged.

    A fixed number of queries whatever the number of patients: the patients, then one
    read of today's entries and one of existing reminders per distinct local day (at most
    a few), then one bulk insert. Returns how many reminders were created.
    """
    now = now or timezone.now()
    by_day: dict[date, list[int]] = defaultdict(list)
    # Not while the team has paused the diary or discharged the patient.
    for pk, zone_name, at in (
        Patient.objects.monitored(now)
        .filter(reminders_enabled=True)
        .values_list("pk", "timezone", "reminder_time")
    ):
        tz = ZoneInfo(zone_name)
        local = now.astimezone(tz)
        if in_quiet_hours(local.time()):
            continue
        if now >= due_at(local.date(), at, tz):
            by_day[local.date()].append(pk)
    created = 0
    for day, ids in by_day.items():
        logged = set(
            DiaryEntry.objects.filter(patient_id__in=ids, local_day=day).values_list(
                "patient_id", flat=True
            )
        )
        done = set(
            PatientReminder.objects.filter(
                patient_id__in=ids, kind=PatientReminder.Kind.DAILY, local_day=day
            ).values_list("patient_id", flat=True)
        )
        new = [
            PatientReminder(
                patient_id=pk,
                kind=PatientReminder.Kind.DAILY,
                local_day=day,
                created_at=now,
                due_at=now,
            )
            for pk in ids
            if pk not in logged and pk not in done
        ]
        PatientReminder.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def gap_reminders(patients: list[Patient], *, now: datetime) -> None:
    """Record today's DIARY-GAP-2 reminders (sent by reminders_send; quiet hours apply)."""
    PatientReminder.objects.bulk_create(
        [
            PatientReminder(
                patient=patient,
                kind=PatientReminder.Kind.GAP,
                local_day=patient.local_day(now),
                created_at=now,
                due_at=now,
            )
            for patient in patients
        ],
        ignore_conflicts=True,  # one a day: a second sweep finds it there
    )


_LOAD = PatientReminder.objects.select_related("patient__user")


def reminders_send(*, now: datetime | None = None, batch: int = SEND_BATCH) -> int:
    """Send due reminders through the outbox (diary_core/outbox.py: claimed, retried under
    its one policy) outside the patient's quiet hours. Returns how many were sent."""
    return deliver_due(_LOAD, _remind, now=now, batch=batch)[Outcome.SENT]


def _remind(reminder: PatientReminder, now: datetime) -> Cancel | Defer | None:
    """The outbox's send_one for a reminder: held through the night, cancelled once no
    longer needed, else e-mailed."""
    patient = reminder.patient
    local = now.astimezone(patient.zone)
    if in_quiet_hours(local.time()):
        # A missed-days reminder waits out the night (a daily one is cancelled next day).
        morning = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
        return Defer(due_at(morning, QUIET_END, patient.zone))
    daily = reminder.kind == PatientReminder.Kind.DAILY
    stale = daily and reminder.local_day != patient.local_day(now)
    paused = patient.is_paused(now=now) or patient.is_discharged
    if stale or paused or not patient.reminders_enabled or not patient.user.is_active:
        return Cancel("no longer due")  # a daily reminder belongs to its day
    logged = DiaryEntry.objects.filter(patient=patient)
    if daily:
        logged = logged.filter(local_day=reminder.local_day)
    else:
        logged = logged.filter(created_at__gte=reminder.created_at)
    if logged.exists():
        return Cancel("diary already filled in")
    _email(reminder)
    return None


def _email(reminder: PatientReminder) -> None:
    user = reminder.patient.user
    if not user.email:
        raise DeliveryError("the patient has no e-mail address", permanent=True)
    token = opt_out_token(reminder.patient)
    opt_out = settings.DIARY_BASE_URL + reverse("patients:reminders_off", args=[token])
    ctx = {
        "name": user.first_name or user.username,
        "kind": reminder.kind,
        "link": settings.DIARY_BASE_URL + reverse("symptoms:today"),
        "opt_out": opt_out,
    }
    with speaking_to(user):  # in the patient's language (patients/languages.py)
        message = EmailMultiAlternatives(
            subject=render_to_string("emails/reminder-subject.txt", ctx).strip(),
            body=render_to_string("emails/reminder-body.txt", ctx),
            to=[user.email],
            # RFC 8058: mail apps can offer a one-click "unsubscribe" that POSTs to opt_out.
            headers={
                "List-Unsubscribe": f"<{opt_out}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(render_to_string("emails/reminder-body.html", ctx), "text/html")
    message.send()


def opt_out_token(patient: Patient) -> str:
    """A signed token naming the patient (a reference, no health data); it does not expire."""
    return signing.dumps({"p": patient.pk}, salt=OPT_OUT_SALT, compress=True)


def patient_from_token(token: str) -> Patient | None:
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.filter(pk=data.get("p")).select_related("user").first()
