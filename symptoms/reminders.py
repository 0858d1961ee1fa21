"""Messages to patients: the daily reminder at their local time, the missed-days one, a
missed injection, "your team has seen what you sent" and the answer to a call-back request.

Rows in PatientReminder are the record of what is due (unique per patient, kind, local
day and channel), so a sweep run twice, or two beats, send one message per channel. Each
kind goes on the channels the patient chose for its topic (reach.choices: e-mail and, with
a device, push).

`Patient.reminders_enabled` stays the master switch of the reminders to fill in the diary
(daily and missed-days): the Settings page and the e-mail's one-click "stop" (RFC 8058)
set it, and with it off none is written or sent whatever the channels say. The
Notifications page only chooses the channels (and says when the switch is off). A missed
injection, "your team saw this" and the call-back answer are not diary reminders: they
follow their own topics' choices alone.

Times are the patient's wall clock: a 09:00 reminder is at 09:00 on both daylight-saving
change days. Quiet hours (21:00–08:00 local) hold these messages back; nothing clinical
ever waits for them. The rows are sent by the one outbox loop (diary_core/outbox.py); this
module says when a message waits, when it is no longer needed, and what it says.
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

from accounts.languages import speaking_to
from diary_core import mailer
from diary_core.outbox import Cancel, Channel, Defer, DeliveryError, Outcome, deliver_due
from diary_core.publisher import publish_task_on_commit
from patients import dosing
from patients.models import QUIET_END, Injection, Patient, PatientReminder, in_quiet_hours
from reach import push
from reach.choices import channels_for_many
from reach.models import Topic
from symptoms.models import DiaryEntry

SEND_BATCH = 200

Kind = PatientReminder.Kind

# What each kind of message is about, as the patient chooses how to get it.
TOPIC = {
    Kind.DAILY: Topic.DAILY_REMINDER,
    Kind.GAP: Topic.DAILY_REMINDER,
    Kind.TEAM_SAW: Topic.TEAM_SAW,
    Kind.CALL_BACK: Topic.CALL_BACK,
    Kind.DOSE: Topic.MISSED_DOSE,
}
# Reminders to fill in the diary: only while the patient has them on (Settings), and
# cancelled once the diary is filled in.
DIARY_KINDS = frozenset({Kind.DAILY, Kind.GAP})
OPT_OUT_SALT = "patients.reminders.opt-out"  # unchanged: links already sent keep working


def due_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of wall-clock `at` on `day` in `tz`.

    On a spring-forward day a time in the skipped hour maps to the same offset as before
    the change (02:30 → 03:30); on a fall-back day an hour that happens twice means its
    first occurrence. Either way the reminder is due once.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _due_today(now: datetime, **filters) -> dict[date, list[tuple[int, int, str]]]:
    """The monitored patients whose reminder time has come today and who are outside the
    night's quiet hours, by local day: (patient id, user id, zone name)."""
    by_day: dict[date, list[tuple[int, int, str]]] = defaultdict(list)
    # Not while the team has paused the diary or discharged the patient.
    for pk, user_id, zone_name, at in (
        Patient.objects.monitored(now)
        .filter(**filters)
        .values_list("pk", "user_id", "timezone", "reminder_time")
    ):
        tz = ZoneInfo(zone_name)
        local = now.astimezone(tz)
        if in_quiet_hours(local.time()):
            continue
        if now >= due_at(local.date(), at, tz):
            by_day[local.date()].append((pk, user_id, zone_name))
    return by_day


def _rows(
    wanted: list[tuple[int, int, date]], kind: str, *, now: datetime
) -> list[PatientReminder]:
    """One row per (patient id, user id, local day) of `wanted` and channel the patient
    chose for the kind's topic (two queries for all of them)."""
    topic = TOPIC[kind]
    chosen = channels_for_many({user_id for _p, user_id, _d in wanted}, [topic])
    return [
        PatientReminder(
            patient_id=pk,
            kind=kind,
            local_day=day,
            channel=channel,
            created_at=now,
            due_at=now,
        )
        for pk, user_id, day in wanted
        for channel in chosen.get((user_id, topic), [])
    ]


def daily_reminders_sweep(*, now: datetime | None = None) -> int:
    """Create today's daily reminders for patients who are due and have not logged, one
    per channel they chose.

    A fixed number of queries whatever the number of patients: the patients, then one
    read of today's entries and one of existing reminders per distinct local day (at most
    a few), the patients' choices and devices, then one bulk insert. Returns how many
    reminders were created.
    """
    now = now or timezone.now()
    created = 0
    for day, due in _due_today(now, reminders_enabled=True).items():
        ids = [pk for pk, _u, _z in due]
        logged = set(
            DiaryEntry.objects.filter(patient_id__in=ids, local_day=day).values_list(
                "patient_id", flat=True
            )
        )
        done = set(
            PatientReminder.objects.filter(
                patient_id__in=ids, kind=Kind.DAILY, local_day=day
            ).values_list("patient_id", flat=True)
        )
        wanted = [
            (pk, user_id, day) for pk, user_id, _z in due if pk not in logged and pk not in done
        ]
        if not wanted:
            continue
        new = _rows(wanted, Kind.DAILY, now=now)
        PatientReminder.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def missed_dose_reminders(*, now: datetime | None = None) -> int:
    """Remind patients of an injection not logged in time (patients/dosing.py, as
    INJ-MISSED): once per missed dose (the row's local day is the dose's due day), at the
    patient's daily reminder time, whether or not daily reminders are on (the patient
    chooses this one's channels on its own). A fixed number of queries: the patients, their
    doses, the reminders already written, their choices, the insert. Returns how many
    were created."""
    now = now or timezone.now()
    due = [item for items in _due_today(now).values() for item in items]
    if not due:
        return 0
    ids = [pk for pk, _u, _z in due]
    doses: dict[int, list[tuple[datetime, int | None]]] = defaultdict(list)
    for pk, given_at, number in Injection.objects.filter(
        patient_id__in=ids, given_at__lte=now
    ).values_list("patient_id", "given_at", "dose_number"):
        doses[pk].append((given_at, number))
    first = dict(
        Patient.objects.filter(pk__in=ids, first_dose_at__isnull=False).values_list(
            "pk", "first_dose_at"
        )
    )
    missed = []
    for pk, user_id, zone_name in due:
        dose = dosing.missed_dose(
            doses.get(pk, []), tz=ZoneInfo(zone_name), as_of=now, first_dose_at=first.get(pk)
        )
        if dose is not None:
            missed.append((pk, user_id, dose.due))
    if not missed:
        return 0
    done = set(
        PatientReminder.objects.filter(
            patient_id__in=[pk for pk, _u, _d in missed], kind=Kind.DOSE
        ).values_list("patient_id", "local_day")
    )
    wanted = [(pk, user_id, day) for pk, user_id, day in missed if (pk, day) not in done]
    if not wanted:
        return 0
    new = _rows(wanted, Kind.DOSE, now=now)
    PatientReminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def patient_told(patient: Patient, kind: str, *, now: datetime) -> int:
    """Tell the patient there is something from their team (TEAM_SAW, CALL_BACK) on the
    channels they chose, in the caller's transaction: one message per kind and local day
    (a second acknowledgement the same day adds nothing). Returns how many were written."""
    rows = _rows([(patient.pk, patient.user_id, patient.local_day(now))], kind, now=now)
    written = len(PatientReminder.objects.bulk_create(rows, ignore_conflicts=True))
    if written:
        # Sent as soon as the team's action is committed, not at beat's next round; if the
        # publish is lost, that round sends it.
        publish_task_on_commit("symptoms.tasks.send_due_patient_messages")
    return written


def gap_reminders(patients: list[Patient], *, now: datetime) -> None:
    """Record today's DIARY-GAP-2 reminders (sent by reminders_send; quiet hours apply)."""
    PatientReminder.objects.bulk_create(
        _rows([(p.pk, p.user_id, p.local_day(now)) for p in patients], Kind.GAP, now=now),
        ignore_conflicts=True,  # one a day: a second sweep finds it there
    )


_LOAD = PatientReminder.objects.select_related("patient__user")


def reminders_send(*, now: datetime | None = None, batch: int = SEND_BATCH) -> int:
    """Send due reminders through the outbox (diary_core/outbox.py: claimed, retried under
    its one policy) outside the patient's quiet hours. Returns how many were sent."""
    return deliver_due(_LOAD, _remind, now=now, batch=batch)[Outcome.SENT]


def _remind(reminder: PatientReminder, now: datetime) -> Cancel | Defer | None:
    """The outbox's send_one for a patient's message: held through the night, cancelled
    once no longer needed, else sent on its channel."""
    patient = reminder.patient
    local = now.astimezone(patient.zone)
    if in_quiet_hours(local.time()):
        # A missed-days reminder waits out the night (a daily one is cancelled next day).
        morning = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
        return Defer(due_at(morning, QUIET_END, patient.zone))
    kind = reminder.kind
    daily = kind == Kind.DAILY
    stale = daily and reminder.local_day != patient.local_day(now)
    paused = patient.is_paused(now=now) or patient.is_discharged
    if stale or paused or not patient.user.is_active:
        return Cancel("no longer due")  # a daily reminder belongs to its day
    if kind in DIARY_KINDS:
        if not patient.reminders_enabled:
            return Cancel("no longer due")
        logged = DiaryEntry.objects.filter(patient=patient)
        if daily:
            logged = logged.filter(local_day=reminder.local_day)
        else:
            logged = logged.filter(created_at__gte=reminder.created_at)
        if logged.exists():
            return Cancel("diary already filled in")
    if kind == Kind.DOSE:
        dose = patient.missed_dose(now=now)
        if dose is None or dose.due != reminder.local_day:
            return Cancel("dose logged")
    if reminder.channel == Channel.PUSH:
        push.send(
            patient.user,
            url=settings.DIARY_BASE_URL + _page(kind),
            tag=f"{kind}-{reminder.local_day.isoformat()}",
        )
    else:
        _email(reminder)
    return None


def _page(kind: str) -> str:
    """The diary's page that says the rest after sign-in."""
    # The diary's first page shows the standing advice, with "your team saw this" and the
    # call-back request's state.
    return reverse("patients:injections" if kind == Kind.DOSE else "symptoms:today")


def _email(reminder: PatientReminder) -> None:
    user = reminder.patient.user
    if not user.email:
        raise DeliveryError("the patient has no e-mail address", permanent=True)
    ctx = {
        "name": user.first_name or user.username,
        "kind": reminder.kind,
        "link": settings.DIARY_BASE_URL + _page(reminder.kind),
        "settings_link": settings.DIARY_BASE_URL + reverse("reach:notifications"),
    }
    headers = {}
    if reminder.kind in DIARY_KINDS:
        token = opt_out_token(reminder.patient)
        ctx["opt_out"] = settings.DIARY_BASE_URL + reverse("patients:reminders_off", args=[token])
        # RFC 8058: mail apps can offer a one-click "unsubscribe" that POSTs to opt_out.
        headers = {
            "List-Unsubscribe": f"<{ctx['opt_out']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        names = "reminder"
    else:
        names = f"message-{reminder.kind.replace('_', '-')}"
    with speaking_to(user):  # in the patient's language (accounts/languages.py)
        message = EmailMultiAlternatives(
            subject=render_to_string(f"emails/{names}-subject.txt", ctx).strip(),
            body=render_to_string(f"emails/{names}-body.txt", ctx),
            to=[user.email],
            headers=headers,
        )
        message.attach_alternative(render_to_string(f"emails/{names}-body.html", ctx), "text/html")
    mailer.send(message)


def opt_out_token(patient: Patient) -> str:
    """A signed token naming the patient (a reference, no health data); it does not expire."""
    return signing.dumps({"p": patient.pk}, salt=OPT_OUT_SALT, compress=True)


def patient_from_token(token: str) -> Patient | None:
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.filter(pk=data.get("p")).select_related("user").first()
