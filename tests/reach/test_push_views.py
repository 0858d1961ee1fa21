"""The push part of the Notifications page: subscribe (JSON from static/js/push.js),
rename, remove, send a test. Only one's own devices; bad input is a clear 400."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from reach.models import PushDevice
from tests.reach.push_service import Browser

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("reach:push_subscribe")
UNSUBSCRIBE = reverse("reach:push_unsubscribe")
PAGE = reverse("reach:notifications")
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def subscribe(client, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(SUBSCRIBE, data, content_type="application/json", headers=headers)


@pytest.fixture
def browser(push_service) -> Browser:
    return Browser(push_service, "bobs-phone")


def test_it_keeps_a_subscription_named_by_the_person(client, bob, browser):
    client.force_login(bob.user)
    response = subscribe(client, {**browser.subscription(), "name": "  Kitchen tablet "})
    assert response.status_code == 201
    device = PushDevice.objects.get()
    assert (device.user, device.name, device.endpoint) == (
        bob.user,
        "Kitchen tablet",
        browser.endpoint,
    )
    assert (device.p256dh, device.auth) == (
        browser.subscription()["keys"]["p256dh"],
        browser.subscription()["keys"]["auth"],
    )
    assert response.json() == {"id": device.pk, "name": "Kitchen tablet", "created": True}
    page = client.get(PAGE)
    assert "Kitchen tablet" in page.content.decode()


@pytest.mark.parametrize(
    "agent, name", [(ANDROID, "Android phone"), (CHROME_WINDOWS, "Chrome on Windows")]
)
def test_without_a_name_it_is_named_after_the_browser(client, bob, browser, agent, name):
    client.force_login(bob.user)
    assert subscribe(client, browser.subscription(), user_agent=agent).status_code == 201
    assert PushDevice.objects.get().name == name


def test_the_same_browser_subscribing_again_updates_its_row(client, bob, browser, push_service):
    client.force_login(bob.user)
    subscribe(client, {**browser.subscription(), "name": "Phone"})
    renewed = Browser(push_service, "unused")  # new keys, same endpoint
    again = {**renewed.subscription(), "endpoint": browser.endpoint, "name": "My phone"}
    response = subscribe(client, again)
    assert response.status_code == 200
    device = PushDevice.objects.get()
    assert (device.name, device.p256dh) == ("My phone", renewed.p256dh)


def test_a_browser_someone_else_subscribed_moves_to_whoever_subscribes_now(
    client, bob, dave, browser
):
    browser.device(dave.user, "Shared tablet")
    client.force_login(bob.user)
    assert subscribe(client, {**browser.subscription(), "name": "Tablet"}).status_code == 201
    device = PushDevice.objects.get()
    assert (device.user, device.name) == (bob.user, "Tablet")


@pytest.mark.parametrize(
    "body, words",
    [
        ("{not json", "That is not a subscription for notifications."),
        ("[1, 2]", "That is not a subscription for notifications."),
        ({"keys": {}}, "The browser sent no usable address for notifications."),
        (
            {"endpoint": "http://push.example.org/x", "keys": {}},
            "The browser sent no usable address for notifications.",
        ),
        (
            {"endpoint": "https://10.0.0.5/x", "keys": {}},
            "The browser sent no usable address for notifications.",
        ),
        (
            {"endpoint": "https://localhost/x", "keys": {}},
            "The browser sent no usable address for notifications.",
        ),
        # Only the browsers' push services: never a name or a port the server should not
        # post to (a name can resolve inside the network; 127.1 is 127.0.0.1).
        *(
            (
                {"endpoint": endpoint, "keys": {}},
                "The browser sent no usable address for notifications.",
            )
            for endpoint in (
                "https://127.1/x",
                "https://2130706433/x",
                "https://intranet.example-hospital.org/x",
                "https://fcm.googleapis.com.evil.example/x",
                "https://fcm.googleapis.com:8443/x",
                "https://evilpush.apple.com/x",
            )
        ),
    ],
)
def test_what_cannot_be_a_subscription_is_a_clear_400(client, bob, push_service, body, words):
    client.force_login(bob.user)
    response = subscribe(client, body)
    assert response.status_code == 400
    assert response.json() == {"error": words}
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"auth": "c2hvcnQ"},  # 5 bytes, not 16
        {"p256dh": "BAAA"},  # not 65 bytes
        {"p256dh": "BA" + "A" * 85},  # 65 bytes, but not a point on P-256
        {"auth": "not base64 !!"},
    ],
)
def test_keys_that_cannot_be_used_are_refused(client, bob, browser, change):
    client.force_login(bob.user)
    body = browser.subscription()
    body["keys"] = {**body["keys"], **change}
    response = subscribe(client, body)
    assert response.status_code == 400
    assert (
        response.json()["error"] == "The browser sent keys for notifications that cannot be used."
    )
    assert not PushDevice.objects.exists()


def test_a_too_long_name_is_refused_with_the_limit(client, bob, browser):
    client.force_login(bob.user)
    response = subscribe(client, {**browser.subscription(), "name": "x" * 61})
    assert response.status_code == 400
    assert "at most 60" in response.json()["error"]


def test_an_https_push_service_is_accepted(client, bob, browser, vapid):
    client.force_login(bob.user)
    body = {**browser.subscription(), "endpoint": "https://fcm.googleapis.com/fcm/send/abc:def"}
    assert subscribe(client, body).status_code == 201


def test_with_push_off_the_page_says_so_and_nothing_is_kept(client, bob, settings):
    settings.WEBPUSH_ENABLED = False
    client.force_login(bob.user)
    response = subscribe(client, {"endpoint": "https://fcm.googleapis.com/x", "keys": {}})
    assert response.status_code == 503
    assert "not set up" in response.json()["error"]
    page = client.get(PAGE).content.decode()
    assert "not set up on this diary" in page
    assert "data-public-key" not in page


def test_the_page_hands_the_public_key_to_the_script_without_inline_code(client, bob, vapid):
    client.force_login(bob.user)
    page = client.get(PAGE, headers={"user-agent": ANDROID}).content.decode()
    assert f'data-public-key="{vapid["public"]}"' in page
    assert 'value="Android phone"' in page
    assert "Turn on notifications on this device" in page
    assert vapid["private"] not in page
    assert "<script>" not in page and "onclick" not in page


def test_subscribing_is_rate_limited(client, bob, push_service):
    client.force_login(bob.user)
    codes = []
    for n in range(31):
        codes.append(subscribe(client, Browser(push_service, f"b{n}").subscription()).status_code)
        PushDevice.objects.all().delete()  # under the cap of devices: only the rate counts
    assert codes[:30] == [201] * 30
    assert codes[30] == 429


def test_a_person_has_at_most_ten_devices_and_is_told_what_to_do(client, bob, push_service):
    client.force_login(bob.user)
    for n in range(10):
        assert subscribe(client, Browser(push_service, f"b{n}").subscription()).status_code == 201
    response = subscribe(client, Browser(push_service, "b10").subscription())
    assert response.status_code == 409
    assert "Remove one you no longer use" in response.json()["error"]
    assert PushDevice.objects.filter(user=bob.user).count() == 10
    # The same browser again is an update, not an eleventh device.
    assert subscribe(client, Browser(push_service, "b3").subscription()).status_code == 200


def test_anonymous_is_sent_to_log_in(client, browser):
    for url, method in (
        (SUBSCRIBE, client.post),
        (UNSUBSCRIBE, client.post),
        (PAGE, client.get),
        (reverse("reach:push_test", args=[1]), client.post),
        (reverse("reach:push_remove", args=[1]), client.post),
        (reverse("reach:push_rename", args=[1]), client.post),
    ):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_rename_remove_and_test_someone_elses_device_are_not_found(client, bob, dave, browser):
    device = browser.device(dave.user, "Dave's phone")
    client.force_login(bob.user)
    for name, data in (
        ("push_rename", {"name": "Mine now"}),
        ("push_remove", {}),
        ("push_test", {}),
    ):
        assert client.post(reverse(f"reach:{name}", args=[device.pk]), data).status_code == 404
    assert (
        client.post(
            UNSUBSCRIBE, json.dumps({"endpoint": browser.endpoint}), content_type="application/json"
        ).status_code
        == 404
    )
    device.refresh_from_db()
    assert (device.user, device.name) == (dave.user, "Dave's phone")
    assert browser.service.to(browser) == []


def test_rename(client, bob, browser):
    device = browser.device(bob.user, "Phone")
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_rename", args=[device.pk]), {"name": "Work phone"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "Work phone"


def test_an_empty_new_name_is_refused_and_what_was_typed_stays(client, bob, browser):
    device = browser.device(bob.user, "Phone")
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_rename", args=[device.pk]), {"name": "   "})
    assert response.status_code == 400
    assert "Please type a name for this device." in response.content.decode()
    too_long = "y" * 61
    response = client.post(reverse("reach:push_rename", args=[device.pk]), {"name": too_long})
    assert response.status_code == 400
    assert f'value="{too_long}"' in response.content.decode()
    device.refresh_from_db()
    assert device.name == "Phone"


def test_remove(client, bob, browser):
    device = browser.device(bob.user, "Phone")
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_remove", args=[device.pk]), follow=True)
    assert not PushDevice.objects.exists()
    assert "“Phone” will not get notifications any more." in response.content.decode()


def test_turning_off_this_browser_forgets_its_subscription(client, bob, browser):
    browser.device(bob.user, "Phone")
    client.force_login(bob.user)
    response = client.post(
        UNSUBSCRIBE, json.dumps({"endpoint": browser.endpoint}), content_type="application/json"
    )
    assert response.status_code == 200
    assert not PushDevice.objects.exists()


def test_send_a_test_reaches_that_device_only(client, bob, browser, push_service):
    device = browser.device(bob.user, "Phone")
    other = Browser(push_service, "bobs-laptop")
    other.device(bob.user, "Laptop")
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_test", args=[device.pk]), follow=True)
    assert "A test was sent to “Phone”" in response.content.decode()
    [received] = push_service.received
    message = browser.decrypt(received)
    assert message["title"] == "Kesimpta diary: a message for you"
    assert message["url"] == PAGE
    assert message["tag"] == "test"


def test_send_a_test_to_a_device_that_is_gone_takes_it_off_the_list(
    client, bob, browser, push_service
):
    device = browser.device(bob.user, "Old phone")
    push_service.status[browser.path] = 410
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_test", args=[device.pk]), follow=True)
    assert "does not accept notifications any more" in response.content.decode()
    assert not PushDevice.objects.exists()


def test_send_a_test_that_fails_says_to_try_later(client, bob, browser, push_service):
    device = browser.device(bob.user, "Phone")
    push_service.status[browser.path] = 500
    client.force_login(bob.user)
    response = client.post(reverse("reach:push_test", args=[device.pk]), follow=True)
    assert "could not be sent just now" in response.content.decode()
    assert PushDevice.objects.count() == 1


@pytest.mark.parametrize("url", [SUBSCRIBE, UNSUBSCRIBE])
def test_a_form_post_instead_of_json_is_a_clear_400(client, bob, push_service, url):
    client.force_login(bob.user)
    response = client.post(url, {"endpoint": "https://fcm.googleapis.com/x"})
    assert response.status_code == 400
    assert response.json() == {"error": "That is not a subscription for notifications."}


def test_a_body_too_large_to_be_a_subscription_is_refused(client, bob, push_service):
    client.force_login(bob.user)
    response = subscribe(client, json.dumps({"endpoint": "https://a.example/" + "x" * 9000}))
    assert response.status_code == 400
    assert response.json() == {"error": "That is not a subscription for notifications."}


def test_the_page_costs_the_same_queries_for_one_device_or_five(
    client, bob, push_service, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(bob.user)
    Browser(push_service, "first").device(bob.user, "First")
    with CaptureQueriesContext(connection) as one:
        assert client.get(PAGE).status_code == 200
    for n in range(4):
        Browser(push_service, f"more{n}").device(bob.user, f"Device {n}")
    with django_assert_max_num_queries(len(one)):
        page = client.get(PAGE)
    assert page.content.decode().count("data-endpoint-hash") == 5
