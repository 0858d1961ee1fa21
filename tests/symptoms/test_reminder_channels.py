"""Patients' messages on the channels they chose: the daily reminder, "your team has seen
what you sent", the answer to a call-back request, a missed injection. Each written once,
sent by e-mail or push, and saying nothing about their health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.care.concerns import concern_acknowledge, concern_callback, concern_called_back
from patients.models import PatientReminder
from reach.models import Preference, PushDevice, Topic
from symptoms import reminders
from tests.alerts.factories import make_entry
from tests.alerts.test_notify import fever
from tests.conftest import make_user

# Push and SMS are configured: a device or a verified phone reaches its person.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels_on")]
Kind = PatientReminder.Kind


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


MORNING = utc(2026, 6, 10, 9, 30)  # 10:30 in London: bob's 09:00 reminder is due


def device(patient):
    PushDevice.objects.create(
        user=patient.user, name="phone", endpoint="https://push.example/b", p256dh="k", auth="a"
    )


def prefer(patient, topic, **channels):
    for channel, enabled in channels.items():
        Preference.objects.create(user=patient.user, topic=topic, channel=channel, enabled=enabled)


def rows(**filters) -> list[tuple[str, str]]:
    return sorted(PatientReminder.objects.filter(**filters).values_list("kind", "channel"))


def test_no_device_means_one_email_as_before(bob):
    assert reminders.daily_reminders_sweep(now=MORNING) == 1
    assert rows() == [("daily", "email")]


def test_a_device_adds_a_push_reminder_once(bob):
    device(bob)
    assert reminders.daily_reminders_sweep(now=MORNING) == 2
    assert reminders.daily_reminders_sweep(now=MORNING + timedelta(minutes=5)) == 0
    assert rows() == [("daily", "email"), ("daily", "push")]


def test_the_patient_chooses_push_only(bob):
    device(bob)
    prefer(bob, Topic.DAILY_REMINDER, email=False)
    reminders.daily_reminders_sweep(now=MORNING)
    assert rows() == [("daily", "push")]


def test_reminders_off_in_settings_is_the_master_switch(bob):
    device(bob)
    bob.reminders_enabled = False
    bob.save()
    assert reminders.daily_reminders_sweep(now=MORNING) == 0
    # A row written before it was turned off is not sent on either channel.
    bob.reminders_enabled = True
    bob.save()
    reminders.daily_reminders_sweep(now=MORNING)
    bob.reminders_enabled = False
    bob.save()
    with mock.patch("reach.push.send") as push:
        assert reminders.reminders_send(now=MORNING) == 0
    push.assert_not_called()
    assert set(PatientReminder.objects.values_list("status", flat=True)) == {"cancelled"}


def test_a_push_reminder_is_sent_through_reach_push_with_a_link_and_no_data(bob):
    device(bob)
    prefer(bob, Topic.DAILY_REMINDER, email=False)
    reminders.daily_reminders_sweep(now=MORNING)
    with mock.patch("reach.push.send") as push:
        assert reminders.reminders_send(now=MORNING) == 1
    push.assert_called_once()
    (user,), kwargs = push.call_args
    assert user == bob.user
    assert kwargs["url"].endswith("/") and "diary" not in kwargs["tag"].lower()
    assert kwargs["tag"] == "daily-2026-06-10"
    assert not mail.outbox
    assert PatientReminder.objects.get().status == "sent"


def test_a_push_without_a_device_is_recorded_like_any_failure(bob):
    device(bob)
    prefer(bob, Topic.DAILY_REMINDER, email=False)
    reminders.daily_reminders_sweep(now=MORNING)
    with mock.patch(
        "reach.push.send", side_effect=reminders.DeliveryError("no device", permanent=True)
    ):
        reminders.reminders_send(now=MORNING)
    row = PatientReminder.objects.get()
    assert (row.status, row.last_error) == ("failed", "no device")


# "Your team has seen what you sent" and the call back ---------------------------------


def test_team_saw_is_written_once_when_the_team_acknowledges(bob, alice):
    device(bob)
    prefer(bob, Topic.TEAM_SAW, email=True)
    now = timezone.now()
    fever(bob, now)
    assert concern_acknowledge(patient=bob, by=alice, now=now)
    assert not concern_acknowledge(patient=bob, by=alice, now=now)
    assert rows(kind=Kind.TEAM_SAW) == [("team_saw", "email"), ("team_saw", "push")]


def test_team_saw_by_default_is_push_only(bob, alice):
    now = timezone.now()
    fever(bob, now)
    concern_acknowledge(patient=bob, by=alice, now=now)
    assert rows(kind=Kind.TEAM_SAW) == []  # no device: the diary's page says it


def test_team_saw_goes_by_push_to_a_patient_with_a_device(bob, alice):
    device(bob)
    now = timezone.now()
    fever(bob, now)
    concern_acknowledge(patient=bob, by=alice, now=now)
    assert rows(kind=Kind.TEAM_SAW) == [("team_saw", "push")]


def test_the_answer_to_a_call_back_request_is_written_once(bob, alice):
    now = timezone.now()
    fever(bob, now)
    concern_callback(patient=bob, by=bob.user, now=now)
    assert concern_called_back(patient=bob, by=alice, now=now)
    assert not concern_called_back(patient=bob, by=alice, now=now)
    assert rows(kind=Kind.CALL_BACK) == [("call_back", "email")]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (Kind.TEAM_SAW, "Your care team has seen what you sent."),
        (Kind.CALL_BACK, "Your care team has answered your request to call you back."),
        (Kind.DOSE, "An injection may be due."),
    ],
)
def test_the_emails_say_only_that_there_is_something_to_see(bob, kind, words):
    bob.user.last_name = "Zebedee"
    bob.user.save()
    make_entry(bob, MORNING - timedelta(hours=3), temp="38.9", note="secret note")
    day = (MORNING - timedelta(days=9)).date() if kind == Kind.DOSE else MORNING.date()
    if kind == Kind.DOSE:
        bob.first_dose_at = MORNING - timedelta(days=9)
        bob.save()
    PatientReminder.objects.create(patient=bob, kind=kind, local_day=day, due_at=MORNING)
    assert reminders.reminders_send(now=MORNING) == 1
    message = mail.outbox[0]
    text = message.subject + message.body + message.alternatives[0][0]
    assert words in message.body
    assert "do not wait for the diary: call the emergency number" in message.body
    for private in ("38.9", "secret note", "Zebedee", "fever", "temperature"):
        assert private not in text
    assert "/account/notifications/" in message.body  # where to change how
    assert "List-Unsubscribe" not in message.extra_headers  # not a reminder to opt out of


# A missed injection ---------------------------------------------------------------------


def test_a_missed_dose_is_reminded_once_at_the_reminder_time(bob):
    bob.first_dose_at = utc(2026, 6, 1, 10, 0)  # due 1 June, missed from 3 June
    bob.save()
    prefer(bob, Topic.MISSED_DOSE, email=True)
    assert reminders.missed_dose_reminders(now=utc(2026, 6, 2, 9, 30)) == 0  # in its grace
    assert reminders.missed_dose_reminders(now=utc(2026, 6, 3, 7, 30)) == 0  # before 09:00
    assert reminders.missed_dose_reminders(now=utc(2026, 6, 3, 8, 30)) == 1
    assert reminders.missed_dose_reminders(now=utc(2026, 6, 4, 8, 30)) == 0  # the same dose
    assert rows(kind=Kind.DOSE) == [("dose", "email")]
    assert PatientReminder.objects.get().local_day.isoformat() == "2026-06-01"


def test_a_missed_dose_is_reminded_even_with_daily_reminders_off(bob):
    bob.first_dose_at = utc(2026, 6, 1, 10, 0)
    bob.reminders_enabled = False
    bob.save()
    device(bob)
    assert reminders.missed_dose_reminders(now=MORNING) == 1
    assert rows() == [("dose", "push")]  # its default: push


def test_a_dose_logged_before_the_send_cancels_the_reminder(bob):
    bob.first_dose_at = utc(2026, 6, 1, 10, 0)
    bob.save()
    prefer(bob, Topic.MISSED_DOSE, email=True)
    reminders.missed_dose_reminders(now=MORNING)
    bob.injections.create(given_at=MORNING - timedelta(minutes=5), dose_number=1)
    assert reminders.reminders_send(now=MORNING) == 0
    assert PatientReminder.objects.get().status == "cancelled"


def test_the_missed_dose_sweep_takes_the_same_queries_for_one_or_many(bob, dave, team_a):
    for patient in (bob, dave):
        patient.first_dose_at = utc(2026, 6, 1, 10, 0)
        patient.save()
    with CaptureQueriesContext(connection) as two:
        assert reminders.missed_dose_reminders(now=MORNING) == 0  # push only, no device
    for n in range(5):
        user = make_user(f"p{n}")
        type(bob).objects.create(
            user=user, team=team_a, timezone="Europe/London", first_dose_at=bob.first_dose_at
        )
        Preference.objects.create(user=user, topic=Topic.MISSED_DOSE, channel="email", enabled=True)
    with CaptureQueriesContext(connection) as seven:
        assert reminders.missed_dose_reminders(now=MORNING) == 5
    assert len(seven.captured_queries) == len(two.captured_queries) + 1  # + the insert


def test_team_saw_is_handed_to_a_worker_once_the_acknowledgement_commits(
    bob, alice, django_capture_on_commit_callbacks
):
    """Not at beat's next round: the publish follows the commit (and a lost publish is
    sent by that round anyway)."""
    device(bob)
    now = timezone.now()
    fever(bob, now)
    with mock.patch("diary_core.publisher.publish_task") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            assert concern_acknowledge(patient=bob, by=alice, now=now)
    assert mock.call("symptoms.tasks.send_due_patient_messages") in publish.call_args_list
