"""Web push in Chromium: Bob turns notifications on for his phone, the server pushes
through a push service, the service worker shows the notification, and its click path
opens the page it links to.

What is real and what stands in (headless Chromium has no push service of its own):
- the page, its script and the service worker are the product's, on the production stack;
- if `pushManager.subscribe` works (a browser with a push service), the page's own button
  subscribes; headless it usually cannot, and the test then posts a subscription to the
  same endpoint the script uses, with keys it holds itself (tests/reach/push_service.py);
- "Send a test" makes the server encrypt and send a real push to a push service on this
  machine; the test decrypts it with the subscription's keys, as the browser would, and
  hands the clear message to the service worker through the DevTools protocol
  (ServiceWorker.deliverPushMessage), which fires the worker's `push` handler;
- a click on a notification cannot be made through DevTools: the test calls the handler's
  function (openFromNotification) in the worker with the notification's own data, which
  navigates the open window, as a click does. The `notificationclick` listener itself and
  the new-window path (clients.openWindow, which needs a real click) are not exercised.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, log_in, wait_for
from tests.e2e.test_phone_pages import fits_a_phone
from tests.reach.push_service import Browser

pytestmark = pytest.mark.e2e

TITLE = "Kesimpta diary: a message for you"
PAGE = "/account/notifications/"
NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang,
                            data: n.data, icon: n.icon})))"""


def test_bob_turns_on_push_and_a_notification_opens_its_page(
    browser, browser_context_args, stack, journey, push_service
):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    )
    context.grant_permissions(["notifications"], origin=stack.url)
    page = journey.watch(context.new_page())
    log_in(page, stack, "bob")
    page.goto(PAGE)

    # This browser can: the button, a name field with a name from the browser.
    section = page.locator("#push-device")
    expect(section.get_by_role("heading", name="On this device")).to_be_visible()
    turn_on = page.get_by_role("button", name="Turn on notifications on this device")
    expect(turn_on).to_be_visible()
    expect(page.get_by_text("None yet.")).to_be_visible()
    journey.step(page, "notifications page before")
    fits_a_phone(page, "notifications page")
    page.reload()

    # The page's own button. Headless Chromium has no push service: then it says so calmly.
    page.get_by_label("Name for this device").fill("Bob's phone")
    turn_on.click()
    message = page.locator("[data-push-message]")
    expect(message).not_to_have_text("One moment…", timeout=20000)
    subscribed_by_page = "Notifications are on for" in page.content()
    if not subscribed_by_page:
        expect(message).to_have_text(re.compile("could not turn on notifications"))
        journey.step(page, "the browser could not subscribe")

    # A subscription this test can read, posted to the page's own endpoint.
    phone = Browser(push_service, "bobs-phone")
    response = page.evaluate(
        """async (body) => {
          const token = document.querySelector("#push-device input[name=csrfmiddlewaretoken]").value;
          const url = document.getElementById("push-device").dataset.subscribeUrl;
          const r = await fetch(url, {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify(body)});
          return {status: r.status, body: await r.json()};
        }""",
        {**phone.subscription(), "name": "Bob's phone"},
    )
    assert response["status"] == 201, response
    page.reload()
    device = page.get_by_role("listitem").filter(has_text="Bob's phone")
    expect(device).to_be_visible()
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    journey.step(page, "bob's phone on the list")
    fits_a_phone(page, "notifications page with a device")
    page.reload()

    # "Send a test": the server encrypts and sends it to the push service.
    device.get_by_role("button", name=re.compile("^Send a test")).click()
    expect(page.get_by_text("A test was sent to “Bob's phone”")).to_be_visible()
    [received] = wait_for(lambda: push_service.to(phone), "push at the push service")
    pushed = phone.decrypt(received)
    assert pushed["title"] == TITLE and pushed["url"] == PAGE and pushed["lang"] == "en-gb"

    # The push service delivers it to the browser's service worker (DevTools protocol).
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")

    def ours():
        page.wait_for_timeout(100)  # lets the protocol's events in
        return next(
            (
                r["registrationId"]
                for r in registrations
                if r["scopeURL"] == stack.url + "/" and not r.get("isDeleted")
            ),
            None,
        )

    registration_id = wait_for(ours, "service worker registration")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": stack.url, "registrationId": registration_id, "data": json.dumps(pushed)},
    )
    shown = wait_for(lambda: page.evaluate(NOTIFICATIONS), "notification shown")
    assert len(shown) == 1
    [notification] = shown
    assert notification["title"] == TITLE
    assert notification["body"] == "This is a test. Notifications work on this device."
    assert notification["tag"] == "test" and notification["lang"] == "en-gb"
    assert notification["data"] == {"url": PAGE}
    assert notification["icon"].endswith(".png")

    # A later message with the same tag replaces it, not adds to it.
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": stack.url, "registrationId": registration_id, "data": json.dumps(pushed)},
    )
    page.wait_for_timeout(500)
    assert len(page.evaluate(NOTIFICATIONS)) == 1

    # The click's path: the open window goes to the notification's page.
    page.goto("/diary/")
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    worker = wait_for(
        lambda: next((w for w in context.service_workers if w.url.endswith("/sw.js")), None),
        "service worker handle",
    )
    worker.evaluate(
        """() => self.registration.getNotifications()
             .then(([n]) => openFromNotification(n.data.url).then(() => n.close()))"""
    )
    expect(page).to_have_url(stack.url + PAGE)
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()

    # A link to another site is never opened: the diary's home instead.
    worker.evaluate("() => openFromNotification('https://elsewhere.example/phish')")
    expect(page).to_have_url(re.compile(r"/diary/$"))

    # Bob takes the phone off the list.
    page.goto(PAGE)
    page.get_by_role("listitem").filter(has_text="Bob's phone").get_by_role(
        "button", name=re.compile("^Remove")
    ).click()
    expect(page.get_by_text("“Bob's phone” will not get notifications any more.")).to_be_visible()
    expect(page.get_by_text("None yet.")).to_be_visible()
    journey.step(page, "removed")
    # Chromium's own words when a page subscribes in a throwaway profile (every Playwright
    # context is one), not the page's: it says so on the console and refuses.
    journey.errors = [e for e in journey.errors if "Push API in incognito mode" not in e]
    journey.assert_no_script_errors()


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("case", ["blocked", "iphone", "no push"])
def test_a_browser_that_cannot_says_what_to_do(browser, browser_context_args, stack, journey, case):
    extra = {"user_agent": IPHONE} if case == "iphone" else {}
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True},
        **extra,
    )
    if case in ("iphone", "no push"):
        # Safari in a tab, or an old browser: no Push API at all.
        context.add_init_script("delete window.PushManager;")
    page = journey.watch(context.new_page())
    if case == "blocked":
        target = context.new_cdp_session(page).send("Target.getTargetInfo")["targetInfo"]
        browser.new_browser_cdp_session().send(
            "Browser.setPermission",
            {
                "permission": {"name": "notifications"},
                "setting": "denied",
                "origin": stack.url,
                "browserContextId": target["browserContextId"],
            },
        )
    log_in(page, stack, "bob")
    page.goto(PAGE)
    words = {
        "blocked": "Notifications from the diary are blocked in this browser.",
        "iphone": "On an iPhone or iPad, add the diary to your home screen first.",
        "no push": "This browser cannot show notifications from the diary.",
    }[case]
    expect(page.get_by_text(words)).to_be_visible()
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_hidden()
    journey.step(page, case)
    fits_a_phone(page, f"notifications page, {case}")
    journey.assert_no_script_errors()
    context.close()
