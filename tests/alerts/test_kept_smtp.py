"""A worker keeps its connection to the mail relay between messages
(alerts.delivery.transports.kept_connection): checked before each use, given up when idle
or after a failed send, so a kept connection never costs a message."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.utils import timezone

from alerts.delivery import transports
from alerts.models import Concern, Notification
from scripts.smtp_sink import SmtpSink
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay(settings):
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    transports.kept_connection_close()
    sink.stop()


@pytest.fixture
def email(bob, alice) -> Notification:
    submit_entry(bob, timezone.now(), temp="38.5")  # a CONTACT concern: alice is e-mailed
    concern = Concern.objects.get(patient=bob)
    return Notification.objects.get(concern=concern, channel="email", recipient=alice)


def send(notification: Notification) -> None:
    transports.Email().notify(notification)


def test_messages_in_a_row_go_on_one_connection(relay, email):
    for _ in range(3):
        send(email)
    assert len(relay.messages()) == 3
    assert len(set(relay.connections())) == 1


def test_a_connection_idle_too_long_is_not_used_again(relay, email):
    send(email)
    transports._kept.used_at -= transports.KEPT_IDLE_SECONDS + 1
    send(email)
    assert len(relay.messages()) == 2
    assert len(set(relay.connections())) == 2


def test_a_relay_that_dropped_the_connection_gets_a_new_one_and_the_message(relay, email):
    send(email)
    relay.stop()  # the relay restarts: every connection it held is gone
    again = SmtpSink(port=relay.port).start()
    try:
        send(email)
        assert len(again.messages()) == 1  # sent once, on a new connection
    finally:
        again.stop()
    assert len(relay.messages()) == 1


def test_a_failed_send_keeps_no_connection(relay, email):
    send(email)
    refused = smtplib.SMTPDataError(451, b"try later")
    with mock.patch(
        "django.core.mail.backends.smtp.EmailBackend.send_messages", side_effect=refused
    ):
        with pytest.raises(smtplib.SMTPDataError):
            send(email)
    assert transports._kept.backend is None
    send(email)
    assert len(relay.messages()) == 2
    assert len(set(relay.connections())) == 2
