"""The care-team loop: notices, escalation, acknowledgement, failures, no health data."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alerts import notify, services
from alerts.models import Alert, EscalationStep, Notification
from alerts.triage import patient_acknowledge
from tests.alerts.factories import make_entry
from tests.concurrency import race

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def fever_alert(bob, at, temp="38.5", **kwargs) -> Alert:
    entry = make_entry(bob, at, temp=temp, note="my secret note", **kwargs)
    services.entry_evaluate(entry.pk, now=at)
    return Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")


def urgent_alert(bob, at) -> Alert:
    """38.6 °C with low immunoglobulins: T-FEV-ER-1, URGENT, with its escalation steps."""
    bob.er_low_ig = True
    bob.save()
    entry = make_entry(bob, at, temp="38.6")
    services.entry_evaluate(entry.pk, now=at)
    return Alert.objects.get(entry=entry, rule__rule_id="T-FEV-ER-1")


def test_it_notifies_the_primaries_in_app_and_by_email(bob, alice, charlie, erin, mailoutbox):
    alert = fever_alert(bob, timezone.now())
    rows = Notification.objects.filter(alert=alert)
    assert {(n.recipient.username, n.channel) for n in rows} == {
        ("alice", "in_app"),
        ("alice", "email"),
    }
    assert notify.notifications_sweep() == 2
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert all(n.status == "sent" for n in Notification.objects.filter(alert=alert))


def test_an_email_carries_no_health_data(bob, alice, mailoutbox):
    bob.user.first_name, bob.user.last_name = "Robert", "Zebedee"
    bob.user.save()
    alert = fever_alert(bob, timezone.now(), temp="38.7", symptoms={"chills": 2, "dysuria": 2})
    notify.notifications_sweep()
    message = mailoutbox[0]
    text = message.subject + message.body + message.alternatives[0][0]
    for secret in (
        "38.7",
        "38,7",
        "chills",
        "Chills",
        "dysuria",
        "urine",
        "my secret note",
        "Robert",
        "Zebedee",
        "fever",
        "Fever",
    ):
        assert secret not in text
    assert bob.reference in text
    assert f"/team/alerts/{alert.pk}/" in "".join(m.body for m in mailoutbox)


def test_an_email_links_to_the_configured_web_address(bob, alice, mailoutbox, settings):
    settings.DIARY_BASE_URL = "https://diary.example.org"
    alert = fever_alert(bob, timezone.now())
    notify.notifications_sweep()
    assert f"https://diary.example.org/team/alerts/{alert.pk}/" in mailoutbox[0].body


def test_running_the_sender_twice_sends_once(bob, alice, mailoutbox):
    fever_alert(bob, timezone.now())
    notify.notifications_sweep()
    notify.notifications_sweep()
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_on_one_notification_send_it_once(bob, alice, mailoutbox):
    fever_alert(bob, timezone.now())
    email = Notification.objects.get(channel="email")
    results, errors = race(lambda: notify.notification_send(email.pk))
    assert errors == []
    assert sorted(results) == ["not pending", "sent"]
    assert len(mailoutbox) == 1


def test_unacknowledged_urgent_re_notifies_after_15_minutes_and_adds_the_backup(bob, alice, erin):
    at = timezone.now()
    urgent = urgent_alert(bob, at)
    step = EscalationStep.objects.get(alert=urgent, step=1)
    assert step.due_at == at + timedelta(minutes=15)
    assert notify.escalations_sweep(now=at + timedelta(minutes=14)) == 0
    assert notify.escalations_sweep(now=at + timedelta(minutes=15)) >= 1
    recipients = set(
        Notification.objects.filter(alert=urgent, step=1).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"alice", "erin"}
    assert EscalationStep.objects.get(alert=urgent, step=2).due_at == at + timedelta(minutes=30)


def test_acknowledging_before_the_first_step_stops_all_reminders(bob, alice, erin):
    at = timezone.now()
    urgent = urgent_alert(bob, at)
    # The entry raised T-FEV-1 too: the nurse acknowledges the patient's alerts together.
    assert patient_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=5)) == 2
    assert not urgent.acknowledge(by=alice)
    notify.escalations_sweep(now=at + timedelta(hours=2))
    assert not Notification.objects.filter(alert=urgent, step__gt=0).exists()
    assert EscalationStep.objects.get(alert=urgent, step=1).outcome == "acknowledged"


def test_acknowledging_after_the_first_step_cancels_pending_reminders(bob, alice, erin):
    at = timezone.now()
    urgent = urgent_alert(bob, at)
    notify.escalations_sweep(now=at + timedelta(minutes=16))
    assert Notification.objects.filter(alert=urgent, step=1, status="pending").count() == 4
    patient_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=17))
    assert Notification.objects.filter(alert=urgent, step=1, status="pending").count() == 0
    notify.escalations_sweep(now=at + timedelta(minutes=45))
    assert not Notification.objects.filter(alert=urgent, step=2).exists()


def test_contact_escalates_after_four_working_hours(bob, alice):
    # Friday 16:00 London: 2 working hours left that day, 2 more on Monday from 08:00.
    at = datetime(2026, 11, 27, 16, 0, tzinfo=LONDON)
    alert = fever_alert(bob, at)
    step = EscalationStep.objects.get(alert=alert, step=1)
    assert step.due_at.astimezone(LONDON) == datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)


def test_a_refused_smtp_connection_is_retried_then_marked_failed_and_in_app_still_sent(bob, alice):
    alert = fever_alert(bob, timezone.now())
    now = timezone.now()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    ):
        for minute in range(0, 24 * 60, 30):
            notify.notifications_sweep(now=now + timedelta(minutes=minute))
    email = Notification.objects.get(alert=alert, channel="email")
    in_app = Notification.objects.get(alert=alert, channel="in_app")
    assert in_app.status == "sent"
    assert email.status == "failed"
    assert email.attempts == notify.MAX_ATTEMPTS
    assert "ConnectionRefusedError" in email.last_error


def test_a_permanent_smtp_error_fails_at_once(bob, alice):
    alert = fever_alert(bob, timezone.now())
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"no")}),
    ):
        notify.notifications_sweep()
    email = Notification.objects.get(alert=alert, channel="email")
    assert (email.status, email.attempts) == ("failed", 1)


def test_a_deduplicated_firing_notifies_nobody(bob, alice):
    now = timezone.now()
    fever_alert(bob, now - timedelta(hours=3))
    second = fever_alert(bob, now)
    assert second.team_alert is False
    assert not Notification.objects.filter(alert=second).exists()
