"""One outbox for every message: one retry policy, one permanent/transient rule, error
text without addresses, one claim per row, and the sweep re-driving a lost publish — for
the team's notifications, account e-mails and patient reminders alike."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException

from alerts.delivery import send
from alerts.models import Notification
from alerts.tasks import send_due_notifications
from diary_core import outbox
from patients.mail import account_email_queue, account_emails_send
from patients.models import AccountEmail, PatientReminder
from patients.tasks import send_due_account_emails
from symptoms import reminders
from tests.alerts.factories import submit_entry
from tests.concurrency import race

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
ADDRESS = "bob.baker@example.org"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (12, 60)],
)
def test_it_waits_longer_after_each_failed_attempt(attempts, minutes):
    assert outbox.retry_delay(attempts) == timedelta(minutes=minutes)


class HttpError(Exception):
    """The shape of a push or SMS library's error: an HTTP response with a status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"{status} for https://push.example.org/{ADDRESS}")
        self.response = mock.Mock(status_code=status)


REFUSED = smtplib.SMTPRecipientsRefused({ADDRESS: (550, f"5.1.1 <{ADDRESS}> unknown".encode())})

# (error, permanent, what last_error says)
ERRORS = [
    (REFUSED, True, "SMTPRecipientsRefused (SMTP 550)"),
    (
        smtplib.SMTPRecipientsRefused({ADDRESS: (450, b"mailbox busy")}),
        False,
        "SMTPRecipientsRefused (SMTP 450)",
    ),
    (smtplib.SMTPDataError(554, b"message refused"), True, "SMTPDataError (SMTP 554)"),
    (smtplib.SMTPResponseException(451, b"try later"), False, "SMTPResponseException (SMTP 451)"),
    (
        smtplib.SMTPAuthenticationError(535, b"bad login"),
        False,
        "SMTPAuthenticationError (SMTP 535)",
    ),
    (smtplib.SMTPServerDisconnected(f"lost {ADDRESS}"), False, "SMTPServerDisconnected"),
    (ConnectionRefusedError(111, f"refused for {ADDRESS}"), False, "ConnectionRefusedError"),
    (TimeoutError(f"timed out sending to {ADDRESS}"), False, "TimeoutError"),
    (OSError(f"no route for {ADDRESS}"), False, "OSError"),
    (HttpError(410), True, "HttpError (HTTP 410)"),
    (HttpError(429), False, "HttpError (HTTP 429)"),
    (HttpError(503), False, "HttpError (HTTP 503)"),
    (outbox.DeliveryError("no address", permanent=True), True, "no address"),
    (ValueError(f"bad template for {ADDRESS}"), False, "ValueError"),
]


def twilio_error(status: int) -> TwilioRestException:
    """The SMS library's error: the status as `.status`, the number in its text."""
    uri = "/2010-04-01/Accounts/AC0/Messages.json"
    return TwilioRestException(status, uri, "The 'To' number +447400123456 is not valid")


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (404, True), (429, False), (500, False), (503, False)]
)
def test_it_reads_the_sms_librarys_status_and_never_stores_the_number(status, permanent):
    error = twilio_error(status)
    assert outbox.is_permanent(error) is permanent
    assert outbox.describe(error) == f"TwilioRestException (HTTP {status})"


@pytest.mark.parametrize(("error", "permanent", "described"), ERRORS)
def test_it_tells_permanent_from_transient_and_never_stores_an_address(error, permanent, described):
    assert outbox.is_permanent(error) is permanent
    assert outbox.describe(error) == described
    assert "@" not in outbox.describe(error)


# Each kind of message: (make one pending, due at `now`) -> (row, now, sweep(at)).
def _notification(bob, alice):
    now = timezone.now()
    submit_entry(bob, now, temp="38.5")
    row = Notification.objects.get(channel="email")
    return row, now, lambda at: send.notifications_sweep(now=at)


def _account_email(bob, alice):
    now = timezone.now()
    row = account_email_queue(alice, AccountEmail.Kind.PASSWORD_RESET, now=now)
    return row, now, lambda at: account_emails_send(now=at)


def _reminder(bob, alice):
    now = utc(2026, 6, 10, 9, 0)  # 10:00 in London: not in the quiet hours
    reminders.gap_reminders([bob], now=now)
    return PatientReminder.objects.get(), now, lambda at: reminders.reminders_send(now=at)


KINDS = {"notification": _notification, "account e-mail": _account_email, "reminder": _reminder}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_address_fails_at_once_and_is_not_stored(kind, bob, alice):
    row, now, sweep = KINDS[kind](bob, alice)
    with mock.patch(SEND, side_effect=REFUSED):
        assert sweep(now) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "SMTPRecipientsRefused (SMTP 550)"
    with mock.patch(SEND, side_effect=AssertionError("tried again")):
        sweep(now + timedelta(hours=1))  # failed is final


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_error_is_retried_on_the_one_schedule_then_fails(kind, bob, alice):
    row, now, sweep = KINDS[kind](bob, alice)
    at = now
    with mock.patch(SEND, side_effect=ConnectionError(f"reset while sending to {ADDRESS}")):
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            assert sweep(at) == 0
            row.refresh_from_db()
            assert row.attempts == attempt
            if attempt < outbox.MAX_ATTEMPTS:
                assert (row.status, row.due_at) == ("pending", at + outbox.retry_delay(attempt))
                assert sweep(row.due_at - timedelta(seconds=1)) == 0  # not before it is due
                at = row.due_at
    assert (row.status, row.last_error) == ("failed", "ConnectionError")
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_message_that_goes_through_is_sent_once(kind, bob, alice):
    row, now, sweep = KINDS[kind](bob, alice)
    assert sweep(now) == 1
    assert sweep(now + timedelta(hours=1)) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, now, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_never_send_a_message_twice(alice):
    now = timezone.now()
    rows = [account_email_queue(alice, AccountEmail.Kind.DEVICE_ADDED, now=now) for _ in range(20)]
    results, errors = race(lambda: account_emails_send(now=now))
    assert errors == []
    assert sum(results) == 20
    assert len(mail.outbox) == 20
    sent = AccountEmail.objects.filter(pk__in=[r.pk for r in rows])
    assert set(sent.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "task"),
    [
        (_notification, send_due_notifications),
        (_account_email, send_due_account_emails),
    ],
)
def test_the_beat_sweep_sends_a_message_whose_publish_was_lost(
    make, task, bob, alice, django_capture_on_commit_callbacks
):
    lost = []
    with mock.patch("diary_core.publisher.publish_task", lambda *args: lost.append(args)):
        with django_capture_on_commit_callbacks(execute=True):
            row, _now, _sweep = make(bob, alice)
    assert lost and mail.outbox == []  # Redis was down: the publish went nowhere
    task()  # beat's minute sweep
    task()
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("attempts", "after"), [(1, "sent"), (outbox.MAX_ATTEMPTS, "failed")])
def test_a_message_whose_worker_died_while_sending_is_taken_back(alice, attempts, after):
    now = timezone.now()
    row = account_email_queue(alice, AccountEmail.Kind.DEVICE_ADDED, now=now)
    AccountEmail.objects.filter(pk=row.pk).update(status="sending", attempts=attempts, due_at=now)
    assert account_emails_send(now=now + timedelta(minutes=5)) == 0  # still its worker's
    account_emails_send(now=now + outbox.STUCK_AFTER + timedelta(minutes=1))
    row.refresh_from_db()
    assert row.status == after
    assert len(mail.outbox) == (1 if after == "sent" else 0)


@pytest.mark.django_db
def test_quiet_hours_hold_a_reminder_without_counting_an_attempt(bob):
    night = utc(2026, 6, 10, 22, 0)  # 23:00 in London
    reminders.gap_reminders([bob], now=night)
    assert reminders.reminders_send(now=night) == 0
    reminder = PatientReminder.objects.get()
    # Due again at 08:00 in London (07:00 UTC), the end of the quiet hours.
    assert (reminder.status, reminder.attempts, reminder.due_at) == (
        "pending",
        0,
        utc(2026, 6, 11, 7, 0),
    )


@pytest.mark.parametrize(
    ("ahead", "outcome"),
    [
        (timedelta(0), "sent"),
        (timedelta(seconds=4), "sent"),  # the writer's clock a little ahead of the worker's
        (outbox.CLOCK_SLACK + timedelta(seconds=1), "not pending"),
        (timedelta(minutes=2), "not pending"),  # a retry that is not due yet waits its turn
    ],
)
def test_a_published_message_is_sent_at_once_across_a_small_clock_difference(
    bob, alice, ahead, outcome
):
    row, now, _sweep = _notification(bob, alice)
    Notification.objects.filter(pk=row.pk).update(due_at=now + ahead)
    assert send.notification_send(row.pk, now=now) == outcome
    row.refresh_from_db()
    assert row.status == ("sent" if outcome == "sent" else "pending")


def test_a_published_message_is_claimed_while_it_is_sent_then_recorded(bob, alice):
    """The claim compiled once (outbox._published_claim) and the record of the send: while
    the transport runs, the row is "sending", one attempt more, claimed now (so the sweep
    takes it back only if its worker dies); after it, "sent" at that time."""
    row, now, _sweep = _notification(bob, alice)
    seen = []

    def while_sending(messages):
        seen.append(Notification.objects.values("status", "attempts", "due_at").get(pk=row.pk))
        return len(messages)

    with mock.patch(SEND, side_effect=while_sending):
        assert send.notification_send(row.pk, now=now) == "sent"
    assert seen == [{"status": "sending", "attempts": 1, "due_at": now}]
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.last_error) == ("sent", now, "")
    assert send.notification_send(row.pk, now=now) == "not pending"  # claimed once only
