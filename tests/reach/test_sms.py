"""Text messages through the provider's API (a local fake of it): sent once, with the
account's credentials, to the verified number only; retried on 5xx, 429 and a dead
connection, failed at once on 4xx, the outcome recorded on the outbox row without the
number; and the text says nothing about anyone's health."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.checks import Warning
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from alerts.delivery import send
from alerts.models import Concern, Notification
from diary_core.outbox import DeliveryError
from reach import checks, sms
from reach.models import Phone
from tests.alerts.factories import submit_entry
from tests.reach.conftest import ACCOUNT, SENDER, TOKEN

pytestmark = pytest.mark.django_db
NUMBER = "+447400123456"
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


def verified(user, number: str = NUMBER) -> Phone:
    return Phone.objects.create(user=user, number=number, verified_at=timezone.now())


def test_it_sends_once_to_the_verified_number_with_the_accounts_credentials(sms_provider, alice):
    verified(alice)
    sid = sms.send(alice, "Kesimpta diary: a message for you.")
    [request] = sms_provider.requests
    assert sid.startswith("SM")
    assert request.path == MESSAGES
    assert (request.username, request.password) == (ACCOUNT, TOKEN)
    assert request.form == {
        "To": NUMBER,
        "From": SENDER,
        "Body": "Kesimpta diary: a message for you.",
    }


def test_a_messaging_service_is_named_as_the_sender(sms_provider, alice, settings):
    settings.SMS_FROM = "MG" + "f" * 32
    settings.SMS_STATUS_CALLBACK = "https://diary.example.org/sms/status/"
    verified(alice)
    sms.send(alice, "hello")
    [request] = sms_provider.requests
    assert request.form["MessagingServiceSid"] == settings.SMS_FROM
    assert request.form["StatusCallback"] == "https://diary.example.org/sms/status/"
    assert "From" not in request.form


def test_an_unverified_number_is_never_sent_to(sms_provider, alice):
    Phone.objects.create(user=alice, number=NUMBER)
    with pytest.raises(DeliveryError) as refused:
        sms.send(alice, "hello")
    assert (refused.value.reason, refused.value.permanent) == ("no verified phone", True)
    assert sms_provider.requests == []


def test_nothing_is_sent_when_sms_is_not_set_up(sms_provider, alice, settings):
    settings.SMS_AUTH_TOKEN = ""
    verified(alice)
    with pytest.raises(DeliveryError) as refused:
        sms.send(alice, "hello")
    assert refused.value.permanent
    assert sms_provider.requests == []


# The team's messages: a Notification row on the SMS channel, sent by the outbox.


def urgent_sms(bob, alice, at) -> Notification:
    """An URGENT concern (38.6 °C with low immunoglobulins) and a text about it to Alice."""
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, at, temp="38.6", note="my secret note")
    concern = Concern.objects.get(patient=bob, status="open")
    email = Notification.objects.get(concern=concern, recipient=alice, channel="email")
    return Notification.objects.create(
        concern=concern,
        event=email.event,
        kind=email.kind,
        recipient=alice,
        channel=Notification.Channel.SMS,
        due_at=at,
        created_at=at,
    )


def test_an_urgent_text_says_only_that_there_is_a_message_and_links_to_it(sms_provider, bob, alice):
    bob.user.first_name, bob.user.last_name = "Robert", "Zebedee"
    bob.user.save()
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    assert send.notification_send(row.pk, now=now) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, now, "")
    [request] = sms_provider.requests
    link = settings.DIARY_BASE_URL + reverse("team:concern", args=[row.concern_id])
    body = request.form["Body"]
    assert body == f"Kesimpta diary: an URGENT message for you. Open {link}"
    assert len(body) <= 160
    for health in ("38", "Robert", "Zebedee", "secret", "fever", "immuno", bob.reference):
        assert health not in body


def test_a_server_error_is_retried_under_the_outbox_policy(sms_provider, bob, alice):
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    sms_provider.answer(500)
    assert send.notification_send(row.pk, now=now) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.due_at == now + timedelta(minutes=1)
    assert row.last_error == "TwilioRestException (HTTP 500)"
    # Not before it is due; then sent.
    assert send.notification_send(row.pk, now=now + timedelta(seconds=30)) == "not pending"
    assert send.notification_send(row.pk, now=now + timedelta(minutes=1)) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [r.form["To"] for r in sms_provider.requests] == [NUMBER, NUMBER]


def test_too_many_requests_is_retried(sms_provider, bob, alice):
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    sms_provider.answer(429)
    assert send.notification_send(row.pk, now=now) == "retry"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("pending", "TwilioRestException (HTTP 429)")


def test_a_refused_message_fails_at_once_without_the_number_stored(sms_provider, bob, alice):
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    sms_provider.answer(400)
    assert send.notification_send(row.pk, now=now) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "TwilioRestException (HTTP 400)"
    assert "7400" not in row.last_error
    # Failed is final: nothing more is sent.
    assert send.notification_send(row.pk, now=now + timedelta(hours=1)) == "not pending"
    assert len(sms_provider.requests) == 1


def test_an_unreachable_provider_is_retried(sms_provider, bob, alice, settings):
    verified(alice)
    sms_provider.stop()  # nothing listens on its port any more
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    assert send.notification_send(row.pk, now=now) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionError")


def test_a_provider_that_does_not_answer_in_time_is_retried(sms_provider, bob, alice, monkeypatch):
    assert sms.TIMEOUT == 10
    monkeypatch.setattr(sms, "TIMEOUT", 0.2)
    sms._client.cache_clear()
    sms_provider.hang(1)
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    try:
        assert send.notification_send(row.pk, now=now) == "retry"
    finally:
        sms._client.cache_clear()  # the next test gets a client with the real timeout
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ReadTimeout")


def test_a_text_to_someone_without_a_verified_number_fails_at_once(sms_provider, bob, alice):
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    assert send.notification_send(row.pk, now=now) == "failed"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", "no verified phone")
    assert sms_provider.requests == []


# The provider's delivery reports (SMS_STATUS_CALLBACK).

CALLBACK = "https://diary.example.org/sms/status/"


def report(client, params: dict, token: str = TOKEN):
    signature = RequestValidator(token).compute_signature(CALLBACK, params)
    return client.post(reverse("sms_status"), params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_the_providers_report_is_noted_on_the_message(sms_provider, bob, alice, client, settings):
    settings.SMS_STATUS_CALLBACK = CALLBACK
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    send.notification_send(row.pk, now=now)
    [request] = sms_provider.requests
    assert request.form["StatusCallback"] == CALLBACK
    row.refresh_from_db()
    assert row.provider_id.startswith("SM")
    params = {"MessageSid": row.provider_id, "MessageStatus": "delivered", "To": NUMBER}
    assert report(client, params).status_code == 204
    row.refresh_from_db()
    assert row.provider_status == "delivered"
    # A late "sent" does not take the final word back.
    assert report(client, {**params, "MessageStatus": "sent"}).status_code == 204
    row.refresh_from_db()
    assert row.provider_status == "delivered"


def test_a_report_not_signed_with_the_accounts_token_is_refused(
    sms_provider, bob, alice, client, settings
):
    settings.SMS_STATUS_CALLBACK = CALLBACK
    verified(alice)
    now = timezone.now()
    row = urgent_sms(bob, alice, now)
    send.notification_send(row.pk, now=now)
    row.refresh_from_db()
    params = {"MessageSid": row.provider_id, "MessageStatus": "undelivered"}
    assert report(client, params, token="someone-elses-token").status_code == 403
    assert client.post(reverse("sms_status"), params).status_code == 403
    row.refresh_from_db()
    assert row.provider_status == ""


def test_reports_are_not_taken_without_a_callback_set(sms_provider, client, settings):
    settings.SMS_STATUS_CALLBACK = ""
    assert report(client, {"MessageSid": "SM1", "MessageStatus": "failed"}).status_code == 404


# `check --deploy`


def test_a_partly_set_up_provider_is_warned_about(settings):
    settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN, settings.SMS_FROM = ACCOUNT, "", SENDER
    [warning] = checks.sms_check_configured(None)
    assert isinstance(warning, Warning)
    assert warning.id == "reach.W101"
    assert "SMS_AUTH_TOKEN" in warning.msg
    assert TOKEN not in warning.msg
    settings.SMS_AUTH_TOKEN = TOKEN
    assert checks.sms_check_configured(None) == []
    settings.SMS_ACCOUNT_SID = settings.SMS_AUTH_TOKEN = settings.SMS_FROM = ""
    assert checks.sms_check_configured(None) == []


def test_a_provider_without_tls_is_warned_about_outside_debug(settings):
    settings.DEBUG = False
    settings.SMS_API_BASE_URL = "http://sms.example.org"
    [warning] = checks.sms_check_https(None)
    assert warning.id == "reach.W102"
    settings.SMS_API_BASE_URL = "https://api.twilio.com"
    assert checks.sms_check_https(None) == []
    settings.DEBUG = True
    settings.SMS_API_BASE_URL = "http://127.0.0.1:8080"
    assert checks.sms_check_https(None) == []
