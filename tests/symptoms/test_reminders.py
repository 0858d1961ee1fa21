"""Patient reminders: at the patient's wall-clock time (both DST change days), once, opt-out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from diary_core import outbox
from patients.models import PatientReminder
from symptoms import reminders
from tests.alerts.factories import make_entry


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (zone, local day, reminder time, the UTC instant it is due) — worked out by hand.
DST_DAYS = [
    ("Europe/London", (2026, 3, 29), time(9, 0), utc(2026, 3, 29, 8, 0)),  # BST starts 01:00
    ("Europe/London", (2026, 10, 25), time(9, 0), utc(2026, 10, 25, 9, 0)),  # BST ends 02:00
    ("America/New_York", (2026, 3, 8), time(9, 0), utc(2026, 3, 8, 13, 0)),  # EDT starts
    ("America/New_York", (2026, 11, 1), time(9, 0), utc(2026, 11, 1, 14, 0)),  # EDT ends
    ("Europe/London", (2026, 3, 28), time(9, 0), utc(2026, 3, 28, 9, 0)),  # the day before
    ("America/New_York", (2026, 11, 2), time(9, 0), utc(2026, 11, 2, 14, 0)),  # the day after
]


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "day", "at", "due"), DST_DAYS)
def test_daily_reminder_at_local_time_on_dst_days(bob, zone, day, at, due):
    bob.timezone, bob.reminder_time = zone, at
    bob.enrolled_at = due - timedelta(days=30)
    bob.save()
    assert reminders.daily_reminders_sweep(now=due - timedelta(minutes=1)) == 0
    assert reminders.daily_reminders_sweep(now=due) == 1
    assert reminders.daily_reminders_sweep(now=due + timedelta(minutes=5)) == 0  # once
    reminder = PatientReminder.objects.get(patient=bob)
    assert reminder.local_day == datetime(*day).date()
    assert reminders.reminders_send(now=due + timedelta(minutes=5)) == 1
    assert reminders.reminders_send(now=due + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # 02:30 does not exist on 8 March in New York: it is due once, at 03:30 EDT.
        ("America/New_York", (2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        # 01:30 happens twice on 1 November: the first one (EDT).
        ("America/New_York", (2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    ],
)
def test_due_time_in_a_skipped_or_repeated_hour(zone, day, at, expected):
    assert reminders.due_at(datetime(*day).date(), at, ZoneInfo(zone)) == expected


@pytest.mark.django_db
def test_no_reminder_once_the_diary_is_filled_in_or_when_turned_off(bob, dave):
    now = utc(2026, 6, 10, 9, 30)  # 10:30 in London
    make_entry(bob, now - timedelta(hours=2), temp="36.8")
    dave.reminders_enabled = False
    dave.save()
    assert reminders.daily_reminders_sweep(now=now) == 0


@pytest.mark.django_db
def test_quiet_hours_hold_reminders_back(bob):
    reminders.gap_reminders([bob], now=utc(2026, 6, 10, 22, 0))  # 23:00 in London
    assert reminders.reminders_send(now=utc(2026, 6, 10, 22, 0)) == 0
    assert reminders.reminders_send(now=utc(2026, 6, 11, 6, 30)) == 0  # 07:30: still quiet
    # 08:30 the next morning: the missed-days reminder goes out then.
    assert reminders.reminders_send(now=utc(2026, 6, 11, 7, 30)) == 1


@pytest.mark.django_db
def test_reminders_that_are_no_longer_needed_are_skipped(bob):
    reminders.gap_reminders([bob], now=utc(2026, 6, 10, 22, 0))
    make_entry(bob, utc(2026, 6, 11, 6, 0), temp="36.8")  # logged at 07:00, before quiet ends
    assert reminders.reminders_send(now=utc(2026, 6, 11, 7, 30)) == 0
    assert PatientReminder.objects.get().status == PatientReminder.Status.CANCELLED
    daily = PatientReminder.objects.create(
        patient=bob,
        kind=PatientReminder.Kind.DAILY,
        local_day=datetime(2026, 6, 11).date(),
        due_at=utc(2026, 6, 11, 8, 0),
    )
    assert reminders.reminders_send(now=utc(2026, 6, 12, 9, 0)) == 0  # its day has passed
    daily.refresh_from_db()
    assert daily.status == PatientReminder.Status.CANCELLED


@pytest.mark.django_db
def test_reminder_email_has_no_health_data_and_a_working_opt_out(client, bob):
    bob.user.email = "bob@example.org"
    bob.user.save()
    make_entry(bob, utc(2026, 6, 9, 8, 0), temp="38.9", note="secret note", symptoms={"cough": 3})
    reminders.daily_reminders_sweep(now=utc(2026, 6, 10, 9, 0))
    reminders.reminders_send(now=utc(2026, 6, 10, 9, 0))
    message = mail.outbox[0]
    text = message.body + message.alternatives[0][0] + message.subject
    for private in ("38.9", "secret note", "Cough", "cough", "Baker"):
        assert private not in text
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"To stop these reminders: (\S+)", message.body).group(1)
    path = link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")
    page = client.get(path)
    assert page.status_code == 200 and "Stop reminders" in page.content.decode()
    bob.refresh_from_db()
    assert bob.reminders_enabled  # a GET (e.g. a link scanner) changes nothing
    client.post(path)
    bob.refresh_from_db()
    assert not bob.reminders_enabled


@pytest.mark.django_db
def test_a_forged_opt_out_token_is_refused(client, bob):
    response = client.post(reverse("patients:reminders_off", args=["not-a-token"]))
    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.reminders_enabled


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_then_recorded(bob, settings):
    settings.EMAIL_BACKEND = "tests.symptoms.test_reminders.BrokenBackend"
    bob.user.email = "bob@example.org"
    bob.user.save()
    reminders.gap_reminders([bob], now=utc(2026, 6, 10, 9, 0))
    for minutes in range(0, 60, 5):  # beat's five-minute sweep, for an hour
        reminders.reminders_send(now=utc(2026, 6, 10, 9, minutes))
    reminder = PatientReminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    # The type only: the error's own text ("connection refused to bob@…") is not stored.
    assert reminder.last_error == "ConnectionRefusedError"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused while sending to bob@example.org")


@pytest.mark.django_db
def test_settings_refuse_a_reminder_at_night(client, bob):
    client.force_login(bob.user)
    response = client.post(
        reverse("patients:settings"),
        {
            "temperature_unit": "C",
            "timezone": "Europe/London",
            "reminders_enabled": "on",
            "reminder_time": "23:30",
        },
    )
    assert response.status_code == 200
    assert "we do not send reminders at night" in response.content.decode()


@pytest.mark.django_db
def test_gap_sweep_queues_one_missed_days_reminder(bob):
    from alerts.care.sweeps import periodic_rules_sweep

    bob.enrolled_at = utc(2026, 6, 1, 9, 0)
    bob.save()
    make_entry(bob, utc(2026, 6, 7, 9, 0), temp="36.8")
    periodic_rules_sweep(now=utc(2026, 6, 10, 9, 0))  # 8 and 9 June missed
    periodic_rules_sweep(now=utc(2026, 6, 10, 9, 15))
    assert list(PatientReminder.objects.values_list("kind", flat=True)) == ["gap"]
