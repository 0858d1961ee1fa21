"""The care-team loop: one message per change of a concern, reminders while nobody has
acknowledged it, delivery failures, and no health data in any message."""

from __future__ import annotations

import smtplib
import weakref
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from alerts.care import notify
from alerts.care.concerns import concern_acknowledge
from alerts.delivery import send
from alerts.models import Concern, EscalationStep, Notification
from diary_core import outbox
from tests.alerts.factories import submit_entry
from tests.concurrency import race

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def fever(bob, at, temp="38.5", **kwargs) -> Concern:
    """A CONTACT concern from a fever (T-FEV-1), saved at `at`."""
    submit_entry(bob, at, temp=temp, note="my secret note", **kwargs)
    return Concern.objects.get(patient=bob, status="open")


def urgent(bob, at) -> Concern:
    """38.6 °C with low immunoglobulins: T-FEV-ER-1, an URGENT concern."""
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, at, temp="38.6")
    return Concern.objects.get(patient=bob, status="open")


def test_it_tells_the_primaries_in_app_and_by_email(bob, alice, charlie, erin, mailoutbox):
    concern = fever(bob, timezone.now())
    rows = Notification.objects.filter(concern=concern)
    assert {(n.recipient.username, n.channel, n.kind) for n in rows} == {
        ("alice", "in_app", "opened"),
        ("alice", "email", "opened"),
    }
    # The in-app message is delivered by being written; the e-mail by a worker.
    assert Notification.objects.get(concern=concern, channel="in_app").status == "sent"
    assert send.notifications_sweep() == 1
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert all(n.status == "sent" for n in Notification.objects.filter(concern=concern))


def test_an_email_carries_no_health_data(bob, alice, mailoutbox):
    bob.user.first_name, bob.user.last_name = "Robert", "Zebedee"
    bob.user.save()
    concern = fever(bob, timezone.now(), temp="38.7", symptoms={"chills": 2, "dysuria": 2})
    send.notifications_sweep()
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
        "INF-FLU",
        "GU-UTI",
    ):
        assert secret not in text
    assert bob.reference in text
    assert f"/team/concerns/{concern.pk}/" in message.body


def test_an_email_links_to_the_configured_web_address(bob, alice, mailoutbox, settings):
    settings.DIARY_BASE_URL = "https://diary.example.org"
    concern = fever(bob, timezone.now())
    send.notifications_sweep()
    assert f"https://diary.example.org/team/concerns/{concern.pk}/" in mailoutbox[0].body


def test_running_the_sender_twice_sends_once(bob, alice, mailoutbox):
    fever(bob, timezone.now())
    send.notifications_sweep()
    send.notifications_sweep()
    assert len(mailoutbox) == 1


def test_a_published_email_is_claimed_read_and_marked_in_three_statements(
    bob, alice, mailoutbox, django_assert_num_queries
):
    """Nothing between the commit and the send but the claim (one conditional UPDATE) and
    one read of what the message says; the row is marked sent after the server took it."""
    fever(bob, timezone.now())
    email = Notification.objects.get(channel="email")
    with django_assert_num_queries(3):
        assert send.notification_send(email.pk) == "sent"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("status", ["sending", "sent", "cancelled", "failed"])
def test_a_published_message_another_worker_has_claimed_is_not_sent_again(
    bob, alice, mailoutbox, status
):
    fever(bob, timezone.now())
    email = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=email.pk).update(status=status, attempts=1)
    assert send.notification_send(email.pk) == "not pending"
    email.refresh_from_db()
    assert (email.status, email.attempts, mailoutbox) == (status, 1, [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_on_one_notification_send_it_once(bob, alice, mailoutbox):
    fever(bob, timezone.now())
    email = Notification.objects.get(channel="email")
    results, errors = race(lambda: send.notification_send(email.pk))
    assert errors == []
    assert sorted(results) == ["not pending", "sent"]
    assert len(mailoutbox) == 1


def test_an_urgent_nobody_acknowledges_is_past_its_target_after_15_minutes_and_adds_the_backup(
    bob, alice, erin
):
    at = timezone.now()
    concern = urgent(bob, at)
    assert concern.due_at == at + timedelta(minutes=15)
    step = EscalationStep.objects.get(concern=concern, step=1)
    assert step.due_at == at + timedelta(minutes=15)
    assert notify.escalations_sweep(now=at + timedelta(minutes=14)) == 0
    assert notify.escalations_sweep(now=at + timedelta(minutes=15)) == 1
    overdue = Notification.objects.filter(concern=concern, kind="overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {"alice", "erin"}
    assert EscalationStep.objects.get(concern=concern, step=2).due_at == at + timedelta(minutes=30)
    # The same step again sends nothing more.
    assert notify.escalations_sweep(now=at + timedelta(minutes=16)) == 0
    assert overdue.count() == 4


def test_acknowledging_before_the_target_stops_every_reminder(bob, alice, erin):
    at = timezone.now()
    concern = urgent(bob, at)
    assert concern_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=5))
    assert not concern_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=6))
    notify.escalations_sweep(now=at + timedelta(hours=2))
    assert not Notification.objects.filter(concern=concern, kind__in=["overdue", "reminder"])
    assert EscalationStep.objects.get(concern=concern, step=1).outcome == "acknowledged"


def test_acknowledging_after_the_target_cancels_the_reminders_not_yet_sent(bob, alice, erin):
    at = timezone.now()
    concern = urgent(bob, at)
    notify.escalations_sweep(now=at + timedelta(minutes=16))
    waiting = Notification.objects.filter(concern=concern, kind="overdue", status="pending")
    assert waiting.count() == 2  # the e-mails to alice and erin (in the app: delivered)
    concern_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=17))
    assert waiting.count() == 0
    notify.escalations_sweep(now=at + timedelta(minutes=45))
    assert not Notification.objects.filter(concern=concern, kind="reminder").exists()


def test_a_contact_concern_is_due_after_four_working_hours(bob, alice):
    # Friday 16:00 London: 2 working hours left that day, 2 more on Monday from 08:00.
    at = datetime(2026, 11, 27, 16, 0, tzinfo=LONDON)
    concern = fever(bob, at)
    assert concern.due_at.astimezone(LONDON) == datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)
    step = EscalationStep.objects.get(concern=concern, step=1)
    assert step.due_at == concern.due_at


def test_a_refused_smtp_connection_is_retried_then_marked_failed_and_in_app_still_sent(bob, alice):
    concern = fever(bob, timezone.now())
    now = timezone.now()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    ):
        for minute in range(0, 24 * 60, 30):
            send.notifications_sweep(now=now + timedelta(minutes=minute))
    email = Notification.objects.get(concern=concern, channel="email")
    in_app = Notification.objects.get(concern=concern, channel="in_app")
    assert in_app.status == "sent"
    assert email.status == "failed"
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert email.last_error == "ConnectionRefusedError"


def test_a_permanent_smtp_error_fails_at_once(bob, alice):
    concern = fever(bob, timezone.now())
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"no")}),
    ):
        send.notifications_sweep()
    email = Notification.objects.get(concern=concern, channel="email")
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == "SMTPRecipientsRefused (SMTP 550)"  # not the address


def test_a_later_entry_at_the_same_level_tells_nobody(bob, alice):
    now = timezone.now()
    concern = fever(bob, now - timedelta(hours=3))
    fever(bob, now, temp="38.4", symptoms={"dysuria": 2})
    assert Notification.objects.filter(concern=concern).count() == 2  # the first entry's
    assert concern.events.filter(kind="joined").count() == 1


def test_each_worker_process_loads_the_email_before_its_first_alert(monkeypatch):
    """worker_process_init warms the URL resolver, templates and catalogues (each
    template rendered once in each language), so the first alert after a deploy does not
    pay for them; a broken template fails the start, loudly."""
    from celery.signals import worker_process_init

    from alerts import tasks
    from alerts.delivery import transports

    tasks._warm_each_process()  # what a worker's worker_init does (test_worker_connections)
    receivers = [  # weak references, or the function itself (weak=False)
        ref() if isinstance(ref, weakref.ref) else ref
        for _key, ref in worker_process_init.receivers
    ]
    assert tasks._warm in receivers
    loaded = []
    real = transports.get_template

    def get_template(name):
        loaded.append(name)
        return real(name)

    monkeypatch.setattr(transports, "get_template", get_template)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # the signal sets it
    worker_process_init.send(sender=None)
    assert sorted(loaded) == sorted(transports.TEMPLATES * len(settings.LANGUAGES))


def test_the_warm_up_connects_and_prepares_the_push_keys_without_sending(settings, monkeypatch):
    """The rest of what a first message paid for (bench: 21.8 and 38.5 ms for the first
    two alerts against about 10 ms after): the database connection, the VAPID key, the
    push session and encryption, this host's name for EHLO. Nothing goes out."""
    from reach import push
    from scripts.push_sink import vapid_pair

    settings.WEBPUSH_VAPID_PUBLIC_KEY, settings.WEBPUSH_VAPID_PRIVATE_KEY = vapid_pair()
    settings.WEBPUSH_ENABLED = True
    push._vapid.cache_clear()
    push._session.cache_clear()
    monkeypatch.setattr(push, "webpush", lambda *a, **k: pytest.fail("the warm-up sent a push"))
    send.delivery_warm()
    assert push._vapid.cache_info().currsize == 1
    assert push._session.cache_info().currsize == 1
    assert mail.outbox == []


def test_the_warm_up_without_push_keys_skips_push(settings):
    from alerts.delivery import transports
    from reach import push

    settings.WEBPUSH_ENABLED = False
    push._vapid.cache_clear()
    transports.transports_warm()
    assert push._vapid.cache_info().currsize == 0
