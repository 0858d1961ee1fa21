"""Web push from the server's side, against a push service on 127.0.0.1 and the browser's
keys: what arrives decrypts to neutral words and the link, signed with VAPID; gone
subscriptions are removed; other failures go through the outbox's one policy."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alerts.care.models import Notification
from alerts.delivery.send import notification_send
from diary_core import outbox
from reach import push
from reach.models import PushDevice
from tests.alerts.factories import submit_entry
from tests.reach.push_service import Browser, vapid_claims

pytestmark = pytest.mark.django_db

TITLE = "Kesimpta diary: a message for you"
BODY = "Open the diary to read it."
# Nothing of this may be in a push: the reading, the patient, the level, the symptoms.
HEALTH_WORDS = (
    "38",
    "bob",
    "baker",
    "urgent",
    "contact",
    "watch",
    "fever",
    "temperature",
    "seizure",
    "seek medical",
)


def push_row(bob, alice, **entry) -> Notification:
    """A concern about Bob (38.5 °C unless told otherwise) and its push message to Alice."""
    now = timezone.now()
    submit_entry(bob, now, **({"temp": "38.5"} | entry))
    told = Notification.objects.filter(recipient=alice).exclude(channel="push").first()
    row, _created = Notification.objects.get_or_create(
        event=told.event,
        recipient=alice,
        channel="push",
        defaults={"concern": told.concern, "kind": told.kind, "due_at": now},
    )
    return row


def assert_neutral(message: dict) -> None:
    text = json.dumps(message).lower()
    found = [word for word in HEALTH_WORDS if word in text]
    assert not found, f"health data in a push payload: {found}"


def test_it_sends_neutral_words_and_the_link_that_only_the_browser_can_read(
    bob, alice, push_service, vapid
):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)

    assert notification_send(row.pk) == "sent"

    [received] = push_service.to(browser)
    assert browser.endpoint.encode() not in received.body and b"Kesimpta" not in received.body
    message = browser.decrypt(received)
    concern = row.concern
    assert message == {
        "title": TITLE,
        "body": BODY,
        "url": reverse("team:concern", args=[concern.pk]),
        "tag": f"concern-{concern.pk}",
        "lang": "en-gb",
    }
    assert_neutral(message)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert PushDevice.objects.get().last_sent_at is not None


def test_the_vapid_signature_verifies_for_the_push_services_origin(bob, alice, push_service, vapid):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    assert notification_send(row.pk) == "sent"

    [received] = push_service.to(browser)
    claims = vapid_claims(received.headers["authorization"], vapid["public"])
    origin = urlsplit(browser.endpoint)
    assert claims["aud"] == f"{origin.scheme}://{origin.netloc}"
    assert claims["sub"] == vapid["subject"]
    assert int(received.headers["ttl"]) == push.DEFAULT_TTL


def test_the_key_is_read_once_and_a_new_key_signs_the_next_message(
    bob, alice, push_service, vapid, settings, monkeypatch
):
    """The VAPID key is parsed once per process, not per message; a new key in the
    settings is parsed and used for the very next message (the parse is keyed by it)."""
    from py_vapid import Vapid

    from reach.vapid import new_key_pair

    parsed = []
    real = Vapid.from_string
    monkeypatch.setattr(Vapid, "from_string", lambda **kw: parsed.append(1) or real(**kw))
    browser = Browser(push_service, "alice-phone")
    browser.device(alice)
    for _ in range(2):
        assert notification_send(push_row(bob, alice).pk) == "sent"
        Notification.objects.filter(channel="push").delete()
    assert len(parsed) <= 1  # once (none when an earlier test parsed this key)

    public, private = new_key_pair()
    settings.WEBPUSH_VAPID_PUBLIC_KEY, settings.WEBPUSH_VAPID_PRIVATE_KEY = public, private
    assert notification_send(push_row(bob, alice).pk) == "sent"
    received = push_service.to(browser)[-1]
    assert vapid_claims(received.headers["authorization"], public)["sub"] == vapid["subject"]


def test_a_push_is_claimed_read_sent_and_marked_in_five_statements(
    bob, alice, push_service, vapid, django_assert_num_queries
):
    """The claim, the message's read and the person's devices before the send; the
    device's last use and the row's outcome after it."""
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    with django_assert_num_queries(5):
        assert notification_send(row.pk) == "sent"


def test_a_signature_by_another_key_does_not_verify(bob, alice, push_service, vapid):
    """The check above can fail: a header signed with another key is refused."""
    from reach.vapid import new_key_pair

    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    notification_send(row.pk)
    [received] = push_service.to(browser)
    other_public, _private = new_key_pair()
    header = received.headers["authorization"].replace(vapid["public"], other_public)
    with pytest.raises(AssertionError):
        vapid_claims(header, other_public)


@pytest.mark.parametrize("language", ["de", "es"])
def test_it_speaks_the_recipients_language(bob, alice, push_service, vapid, language):
    alice.language = language
    alice.save(update_fields=["language"])
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    assert notification_send(row.pk) == "sent"

    message = browser.decrypt(push_service.to(browser)[0])
    assert message["lang"] == language
    with translation.override(language):
        assert message["title"] == translation.gettext(TITLE)
        assert message["body"] == translation.gettext(BODY)


def test_an_urgent_concern_wakes_the_phone_and_a_contact_one_does_not(
    bob, alice, push_service, vapid
):
    browser = Browser(push_service, "alice-phone")
    browser.device(alice)
    contact = push_row(bob, alice)
    assert contact.concern.level == "CONTACT"
    assert notification_send(contact.pk) == "sent"
    urgent = push_row(bob, alice, red_flags=("seizure",))
    assert urgent.concern.level == "URGENT"
    assert notification_send(urgent.pk) == "sent"

    first, second = push_service.to(browser)
    assert first.headers["urgency"] == "normal"
    assert second.headers["urgency"] == "high"
    # The same concern's later message replaces one not yet delivered (RFC 8030 topic).
    # The header goes through the push service in clear: the same opaque digest each time.
    topic = second.headers["topic"]
    assert topic == push.topic_header(f"concern-{urgent.concern.pk}")
    assert len(topic) == 32 and "concern" not in topic
    assert_neutral(browser.decrypt(second))


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    bob, alice, push_service, vapid, status
):
    browser = Browser(push_service, "alice-old-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    push_service.status[browser.path] = status

    assert notification_send(row.pk) == "failed"

    assert not PushDevice.objects.exists()
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.last_error.startswith("no push device")


def test_a_push_service_error_leaves_the_device_and_the_outbox_retries(
    bob, alice, push_service, vapid
):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    push_service.status[browser.path] = 500
    now = timezone.now()

    assert notification_send(row.pk, now=now) == "retry"

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "WebPushException (HTTP 500)"
    assert "127.0.0.1" not in row.last_error and "wpush" not in row.last_error
    assert row.due_at == now + outbox.retry_delay(1)
    assert PushDevice.objects.count() == 1

    # The push service is back: the retry goes through.
    push_service.status.clear()
    assert notification_send(row.pk, now=row.due_at) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(push_service.to(browser)) == 2


def test_a_push_service_out_of_reach_is_retried(bob, alice, push_service, vapid):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    push_service.stop()

    assert notification_send(row.pk) == "retry"
    row.refresh_from_db()
    assert row.last_error == "ConnectionError"
    assert PushDevice.objects.count() == 1


@pytest.mark.parametrize("status", [400, 413])
def test_a_message_the_push_service_refuses_fails_at_once(bob, alice, push_service, vapid, status):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    push_service.status[browser.path] = status

    assert notification_send(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == f"WebPushException (HTTP {status})"
    assert PushDevice.objects.count() == 1


def test_with_one_device_gone_the_other_gets_it_and_the_message_is_sent(
    bob, alice, push_service, vapid
):
    gone = Browser(push_service, "alice-old-phone")
    here = Browser(push_service, "alice-laptop")
    row = push_row(bob, alice)
    gone.device(alice, "Old phone")
    here.device(alice, "Laptop")
    push_service.status[gone.path] = 410

    assert notification_send(row.pk) == "sent"

    assert list(PushDevice.objects.values_list("name", flat=True)) == ["Laptop"]
    assert browser_got(here, push_service)["tag"] == f"concern-{row.concern.pk}"
    row.refresh_from_db()
    assert row.status == "sent"


def browser_got(browser: Browser, service) -> dict:
    [received] = service.to(browser)
    return browser.decrypt(received)


def test_a_device_failing_does_not_stop_the_others(bob, alice, push_service, vapid):
    failing = Browser(push_service, "alice-phone")
    here = Browser(push_service, "alice-laptop")
    row = push_row(bob, alice)
    failing.device(alice, "Phone")
    here.device(alice, "Laptop")
    push_service.status[failing.path] = 503

    assert notification_send(row.pk) == "sent"
    assert PushDevice.objects.count() == 2
    assert PushDevice.objects.get(name="Laptop").last_sent_at is not None
    assert PushDevice.objects.get(name="Phone").last_sent_at is None


def test_someone_without_a_device_fails_at_once(bob, alice, push_service, vapid):
    row = push_row(bob, alice)
    assert notification_send(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", "no push device")
    assert push_service.received == []


def test_with_push_off_on_the_server_nothing_is_tried(bob, alice, push_service, settings):
    Browser(push_service, "alice-phone").device(alice)
    row = push_row(bob, alice)
    settings.WEBPUSH_ENABLED = False
    assert notification_send(row.pk) == "failed"
    assert push_service.received == []


def test_the_outbox_classifies_a_push_error_by_its_http_status():
    from pywebpush import WebPushException
    from requests import Response

    for status, permanent in ((410, True), (400, True), (429, False), (500, False)):
        response = Response()
        response.status_code = status
        error = WebPushException("Push failed: https://push.example/secret-endpoint", response)
        assert outbox.is_permanent(error) is permanent
        assert outbox.describe(error) == f"WebPushException (HTTP {status})"


def test_an_absolute_link_to_this_diary_is_sent_as_its_path(settings):
    settings.DIARY_BASE_URL = "https://diary.example.org"
    assert push.own_path("https://diary.example.org/team/concerns/4/") == "/team/concerns/4/"
    assert push.own_path("/diary/") == "/diary/"
    assert push.own_path("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_a_patients_push_is_as_neutral(bob, push_service, vapid):
    """A patient's message (the reminders' senders call push.send the same way)."""
    browser = Browser(push_service, "bob-phone")
    browser.device(bob.user)
    push.send(bob.user, url=reverse("symptoms:today"), tag="daily-reminder")
    message = browser_got(browser, push_service)
    assert message["url"] == reverse("symptoms:today")
    assert (message["title"], message["body"]) == (TITLE, BODY)
    assert_neutral(message)


def test_a_row_left_due_later_is_not_sent_early(bob, alice, push_service, vapid):
    browser = Browser(push_service, "alice-phone")
    row = push_row(bob, alice)
    browser.device(alice)
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert notification_send(row.pk) == "not pending"
    assert push_service.received == []
