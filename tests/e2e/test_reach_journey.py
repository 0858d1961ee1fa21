"""Issue 35's "Done when", in one browser journey on the production stack.

1. Bob (a 360 px phone) turns on notifications; his daily reminder and then "your team has
   seen this" arrive at the push service, are delivered to his browser and shown.
2. Alice has a device; Bob records an URGENT entry; her notification is shown and its click
   path opens the concern, where she acknowledges it.
3. A night: Erin is on call (the demo rota: Erin every night, Alice her backup). Hannah's
   URGENT is not acknowledged: the paging sweep, run at the night's simulated instants,
   pages Erin by push and text message, then the backup; Erin acknowledges in her browser
   and a later sweep pages nobody.

What is real and what stands in, as in test_push_journey.py: the pages, scripts, service
worker, outbox, transports and sweeps are the product's; the push service and the SMS
provider are local fakes; a subscription is posted to the page's own endpoint with keys
the test holds (headless Chromium has no push service); a received push is decrypted with
those keys and handed to the service worker through the DevTools protocol
(ServiceWorker.deliverPushMessage); the click is the handler's own function
(openFromNotification) called with the notification's data.

Server-side code runs as an operator would run it, through `manage.py shell` on the
stack (its database, broker and settings). The clock is simulated only where the story
needs a time of day: the daily reminder at noon and the night's pages. Those sweeps are
given `now=` (they take it for this); a message written at a simulated future instant is
sent by the outbox sweep at that same instant, since the worker's clock has not got there.

Writes e2e-artifacts/issue-35/ (git-ignored): screenshots and the delivery log of every
message row the journey caused (kind, channel, status, attempts, last error; no
addresses). The copies in docs/screenshots/issue-35/ are taken from a run of it.
"""

from __future__ import annotations

import json
import re
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PHONE, ROOT, go, log_in, tick, wait_for
from tests.e2e.test_clinician_journey import QUEUE_GEOMETRY
from tests.e2e.test_phone_pages import bigger_text, fits_a_phone
from tests.reach.push_service import Browser, PushService

pytestmark = pytest.mark.e2e

SHOTS = ROOT / "e2e-artifacts" / "issue-35"
TITLE = "Kesimpta diary: a message for you"
NOTIFICATIONS_PAGE = "/account/notifications/"
ERIN_NUMBER, ALICE_NUMBER = "+447400123460", "+447400123461"
NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang,
                            data: n.data})))"""
SUBSCRIBE = """async (body) => {
  const token = document.querySelector("#push-device input[name=csrfmiddlewaretoken]").value;
  const url = document.getElementById("push-device").dataset.subscribeUrl;
  const r = await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
    body: JSON.stringify(body)});
  return r.status;
}"""
# Nothing about anyone's health, nor whose it is, in a push or a text.
HEALTH = re.compile(
    r"39[.,]6|°|temperat|slurred|confusion|fever|sepsis|warning sign|"
    r"\bBob\b|Baker|Hannah|Hughes|RX4|4857",
    re.I,
)


# The server's side, run on the stack ------------------------------------------------------

# A time of day in the team's (or a patient's) zone, always ahead of the real clock, so
# that beat (which runs the same sweeps on the real clock) never takes these rows first.
AHEAD = """
from datetime import datetime, time, timedelta
from django.utils import timezone


def ahead(zone, at, *, margin=timedelta(hours=1)):
    now = timezone.now()
    when = datetime.combine(now.astimezone(zone).date(), at, tzinfo=zone)
    while when < now + margin:
        when = datetime.combine(when.date() + timedelta(days=1), at, tzinfo=zone)
    return when
"""

BOBS_DAILY_REMINDER = (
    AHEAD
    + """
from patients.models import Patient, PatientReminder
from symptoms.reminders import daily_reminders_sweep, reminders_send

bob = Patient.objects.get(user__username="bob")
# A noon at least a day ahead: a day Bob has not written his diary yet. The journeys before
# this one write today's, and before today's noon (after midnight) no reminder is due.
noon = ahead(bob.zone, time(12, 0), margin=timedelta(days=1))
daily_reminders_sweep(now=noon)
assert PatientReminder.objects.filter(patient=bob, kind="daily", channel="push").exists()
reminders_send(now=noon)
"""
)

# "Your team has seen this" is written when Alice acknowledges; beat sends it within five
# minutes, outside the patient's quiet hours. The journey sends it at the next noon.
PATIENT_MESSAGES = (
    AHEAD
    + """
from patients.models import Patient
from symptoms.reminders import reminders_send

reminders_send(now=ahead(Patient.objects.get(user__username="bob").zone, time(12, 0)))
"""
)

# Hannah's URGENT is taken to have come in at 23:00 on the team's clock (the next 23:00 at
# least an hour ahead): its three paging steps, planned when the concern opened, move onto
# that night, out of reach of beat's sweep on the real clock.
TONIGHT = (
    AHEAD
    + """
from alerts.care.models import Concern
from alerts.care.rota_models import PageStep

concern = Concern.objects.get(pk={pk})
team = concern.patient.team
steps = list(PageStep.objects.filter(concern=concern, processed_at__isnull=True).order_by("step"))
assert [s.step for s in steps] == [1, 2, 3], steps
shift = ahead(team.zone, time(23, 0)) - steps[0].wait.at
for s in steps:
    s.due_at += shift
    s.save(update_fields=["due_at"])
"""
)

SWEEP = """
from datetime import timedelta
from alerts.care.oncall import pages_sweep
from alerts.care.rota_models import PageStep
from alerts.delivery.send import notifications_sweep

at = PageStep.objects.get(concern_id={pk}, step={step}).due_at + timedelta(seconds=1)
pages_sweep(now=at)
notifications_sweep(now=at)
"""

# The journey's devices, numbers and quiet hours go with it: the push service it ran stops.
FORGET_DEVICES = """
from reach.models import Phone, PushDevice, QuietHours

people = {"user__username__in": ["bob", "alice", "erin"]}
for model in (PushDevice, Phone, QuietHours):
    model.objects.filter(**people).delete()
"""


def on_the_server(stack, code: str) -> None:
    stack.stack.manage("shell", "-c", textwrap.dedent(code))


def sweep_at(stack, concern: int, step: int) -> None:
    """The paging sweep (and the outbox's) just after the concern's `step` is due."""
    on_the_server(stack, SWEEP.format(pk=concern, step=step))


# The browser's side --------------------------------------------------------------------------


def decrypted(push_service: PushService, device: Browser) -> list[dict]:
    """Every push the device received, decrypted; each checked for health data."""
    messages = [device.decrypt(r) for r in push_service.to(device)]
    for message in messages:
        assert message["title"] == TITLE, message
        assert not HEALTH.search(json.dumps(message, ensure_ascii=False)), message
    return messages


def arrives(push_service: PushService, device: Browser, after: int, url: str = "") -> dict:
    """Wait for a push to the device after its `after` first ones (linking to `url`)."""

    def new() -> list[dict]:
        return [m for m in decrypted(push_service, device)[after:] if not url or m["url"] == url]

    return wait_for(new, f"a push to {device.path} after {after} ({url or 'any'})")[0]


def texts_to(stack, number: str) -> list[str]:
    return [r.form["Body"] for r in stack.sms.requests if r.form.get("To") == number]


def pages_to(stack, number: str, link: str) -> list[str]:
    """The texts to `number` that link to `link`."""
    return [t for t in texts_to(stack, number) if t.endswith(stack.url + link)]


class ServiceWorker:
    """One browser context's service worker, reached through the DevTools protocol."""

    def __init__(self, context: BrowserContext, page: Page, stack) -> None:
        self.context, self.page, self.origin = context, page, stack.url
        self.cdp = context.new_cdp_session(page)
        self.registrations: list[dict] = []
        self.cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: self.registrations.extend(event["registrations"]),
        )
        self.cdp.send("ServiceWorker.enable")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        self.registration_id = wait_for(self._ours, "service worker registration")

    def _ours(self):
        self.page.wait_for_timeout(100)  # lets the protocol's events in
        return next(
            (
                r["registrationId"]
                for r in self.registrations
                if r["scopeURL"] == self.origin + "/" and not r.get("isDeleted")
            ),
            None,
        )

    def deliver(self, message: dict) -> dict:
        """As the push service would: the worker's `push` handler runs; the notification
        it shows (found by its tag). A worker still starting may miss the event: the push
        service then tries again (the tag makes a second delivery replace the first)."""

        def shown() -> list[dict]:
            return [n for n in self.page.evaluate(NOTIFICATIONS) if n["tag"] == message["tag"]]

        for _attempt in range(5):
            self.cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": self.origin,
                    "registrationId": self.registration_id,
                    "data": json.dumps(message),
                },
            )
            try:
                return wait_for(shown, f"notification {message['tag']} shown", seconds=4)[0]
            except AssertionError:
                continue
        raise AssertionError(f"notification {message['tag']} never shown")

    def click(self, notification: dict) -> None:
        """The click's path: the handler's function with the notification's own link."""
        worker = wait_for(
            lambda: next(
                (w for w in self.context.service_workers if w.url.endswith("/sw.js")), None
            ),
            "service worker handle",
        )
        worker.evaluate("(link) => openFromNotification(link)", notification["data"]["url"])


def add_device(page: Page, device: Browser, name: str) -> None:
    page.goto(NOTIFICATIONS_PAGE)
    expect(page.locator("#push-device")).to_be_visible()
    assert page.evaluate(SUBSCRIBE, {**device.subscription(), "name": name}) == 201
    page.reload()
    expect(page.get_by_role("listitem").filter(has_text=name)).to_be_visible()


def confirm_number(page: Page, stack, typed: str, number: str) -> None:
    """The text-message part of the Notifications page, with the code the text carried."""
    page.goto(NOTIFICATIONS_PAGE)
    part = page.locator("section", has=page.get_by_role("heading", name="Text messages"))
    part.get_by_label("Mobile number").fill(typed)
    part.get_by_role("button", name="Save and send a code").click()
    expect(page.get_by_text(re.compile("We sent a 6-digit code to"))).to_be_visible()
    [text] = wait_for(lambda: texts_to(stack, number), f"the code's text to {number}")
    part.get_by_label("Code from the text message").fill(re.search(r"\b(\d{6})\b", text)[1])
    part.get_by_role("button", name="Confirm number").click()
    expect(page.get_by_text("Your number is confirmed")).to_be_visible()


def urgent_entry(page: Page) -> None:
    go(page, "Today")
    page.get_by_label("Your temperature").fill("39.6")
    tick(page, "Slurred speech or new confusion")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("region", name="Seek medical attention now")).to_be_visible()


def acknowledge(page: Page) -> None:
    """On the concern's page: take it, or acknowledge it when it is taken already."""
    page.get_by_role("button", name=re.compile("^(I'll take this|Acknowledge)$")).first.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("Acknowledged by"))


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    # 256 colours are plenty for a page of text: a third of the bytes in the repository.
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path


def urgent_concern_of(stack, username: str) -> int:
    """The patient's open URGENT concern (the entry's evaluation opens it)."""
    found = wait_for(
        lambda: stack.query(
            "SELECT c.id FROM alerts_concern c JOIN patients_patient p ON p.id = c.patient_id "
            "JOIN patients_user u ON u.id = p.user_id WHERE u.username = %s "
            "AND c.level = 'URGENT' AND c.status = 'open' ORDER BY c.id DESC",
            (username,),
        ),
        f"{username}'s URGENT concern",
    )
    return found[0][0]


# The journey ---------------------------------------------------------------------------------


def test_push_and_text_reach_patients_the_team_and_whoever_is_on_call(
    browser, browser_context_args, stack, journey, push_service
):
    started = time.monotonic()
    phone_args = {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    desk = {**browser_context_args, "viewport": {"width": 1280, "height": 900}}
    first_notification = stack.query("SELECT coalesce(max(id), 0) FROM alerts_notification")[0][0]
    first_reminder = stack.query("SELECT coalesce(max(id), 0) FROM patients_patientreminder")[0][0]

    # 1. Bob turns on notifications on his phone ------------------------------------------
    bob_context = browser.new_context(**phone_args)
    bob_context.grant_permissions(["notifications"], origin=stack.url)
    bob = journey.watch(bob_context.new_page())
    log_in(bob, stack, "bob")
    bobs_phone = Browser(push_service, "bobs-phone")
    add_device(bob, bobs_phone, "Bob's phone")
    fits_a_phone(bob, "bob's notifications page")  # at 100 % and 200 % text
    bob.reload()
    shot(bob, "bob-notifications-360-en")
    bigger_text(bob)
    shot(bob, "bob-notifications-360-200pct-text")
    bob_worker = ServiceWorker(bob_context, bob, stack)

    # His daily reminder is written and sent: it shows, and opens the diary.
    on_the_server(stack, BOBS_DAILY_REMINDER)
    reminder = arrives(push_service, bobs_phone, 0)
    assert reminder["url"] == "/diary/" and reminder["tag"].startswith("daily-")
    assert reminder["lang"] == "en-gb"
    shown = bob_worker.deliver(reminder)
    assert shown["title"] == TITLE and shown["body"] == "Open the diary to read it."
    bob.goto(NOTIFICATIONS_PAGE)
    bob_worker.click(shown)
    expect(bob).to_have_url(stack.url + "/diary/")
    expect(bob.get_by_role("heading", name="Today's diary")).to_be_visible()

    # 2. Alice has a device; Bob's URGENT entry reaches it; the click opens the concern ----
    alice_context = browser.new_context(**desk)
    alice_context.grant_permissions(["notifications"], origin=stack.url)
    alice = journey.watch(alice_context.new_page())
    log_in(alice, stack, "alice")
    alices_laptop = Browser(push_service, "alices-laptop")
    add_device(alice, alices_laptop, "Alice's laptop")
    confirm_number(alice, stack, "07400 123461", ALICE_NUMBER)
    quiet = alice.get_by_role("group", name="Quiet hours")
    quiet.get_by_label("Quiet from").fill("22:00")
    quiet.get_by_label("Quiet until").fill("07:00")
    alice.get_by_role("button", name="Save choices").click()
    expect(alice.get_by_text("Your choices are saved.")).to_be_visible()
    alice.set_viewport_size({"width": 1024, "height": 800})
    alice.goto(NOTIFICATIONS_PAGE)
    assert alice.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(alice, "alice-notifications-1024")
    alice.set_viewport_size(desk["viewport"])
    alice_worker = ServiceWorker(alice_context, alice, stack)

    urgent_entry(bob)
    bobs_concern = urgent_concern_of(stack, "bob")
    urgent = arrives(push_service, alices_laptop, 0, f"/team/concerns/{bobs_concern}/")
    shown = alice_worker.deliver(urgent)
    assert shown["title"] == TITLE and shown["tag"] == f"concern-{bobs_concern}"
    alice.goto("/team/")
    alice_worker.click(shown)
    expect(alice).to_have_url(stack.url + urgent["url"])
    expect(alice.get_by_role("main")).to_contain_text("Bob Baker")
    acknowledge(alice)

    # Bob's "your team has seen this" arrives and shows; it opens his diary.
    on_the_server(stack, PATIENT_MESSAGES)
    saw = arrives(push_service, bobs_phone, 1)
    assert saw["tag"].startswith("team_saw-") and saw["url"] == "/diary/"
    shown = bob_worker.deliver(saw)
    assert shown["title"] == TITLE
    assert {n["tag"] for n in bob.evaluate(NOTIFICATIONS)} == {reminder["tag"], saw["tag"]}
    bob_worker.click(shown)
    expect(bob).to_have_url(stack.url + "/diary/")
    expect(bob.get_by_role("main")).to_contain_text(re.compile("Your team saw this"))

    # 3. The night: Erin on call, Alice her backup --------------------------------------------
    erin_context = browser.new_context(**desk)
    erin_context.grant_permissions(["notifications"], origin=stack.url)
    erin = journey.watch(erin_context.new_page())
    log_in(erin, stack, "erin")
    erins_phone = Browser(push_service, "erins-phone")
    add_device(erin, erins_phone, "Erin's phone")
    confirm_number(erin, stack, "07400 123460", ERIN_NUMBER)
    erin_worker = ServiceWorker(erin_context, erin, stack)

    hannah = journey.watch(browser.new_context(**phone_args).new_page())
    log_in(hannah, stack, "hannah")
    urgent_entry(hannah)
    # A new URGENT goes to the primary clinician's devices at once (Alice's), not by text.
    hannahs = urgent_concern_of(stack, "hannah")
    assert hannahs != bobs_concern
    link = f"/team/concerns/{hannahs}/"
    arrives(push_service, alices_laptop, 0, link)
    # Erin, the backup clinician, is not written to yet; nobody is texted about it.
    assert link not in [m["url"] for m in decrypted(push_service, erins_phone)]
    assert pages_to(stack, ERIN_NUMBER, link) == pages_to(stack, ALICE_NUMBER, link) == []

    # Nobody acknowledges. The night's first step pages Erin by push and text message.
    on_the_server(stack, TONIGHT.format(pk=hannahs))
    erins_before = len(push_service.to(erins_phone))
    alices_before = len(push_service.to(alices_laptop))
    sweep_at(stack, hannahs, 1)
    paged = arrives(push_service, erins_phone, erins_before, link)
    # (Every URGENT nobody acknowledged is paged that night: the demo's own too.)
    [text] = wait_for(lambda: pages_to(stack, ERIN_NUMBER, link), "the page's text to Erin")
    assert text == f"Kesimpta diary: an URGENT message for you. Open {stack.url}{link}"
    assert not HEALTH.search(text)
    assert link not in [m["url"] for m in decrypted(push_service, alices_laptop)[alices_before:]]
    alice.goto(f"/team/concerns/{hannahs}/")
    events = alice.locator(".concern-events")
    expect(events).to_contain_text("Paged: Erin Evans (on call) by push and text message")

    # The second step pages the backup, Alice (quiet hours hold no page).
    sweep_at(stack, hannahs, 2)
    arrives(push_service, alices_laptop, alices_before, link)
    wait_for(lambda: pages_to(stack, ALICE_NUMBER, link), "the page's text to Alice")
    alice.reload()
    expect(events).to_contain_text("Paged: Alice Adams (backup) by push and text message")
    alice.set_viewport_size({"width": 1280, "height": 900})
    shot(alice, "concern-timeline-paging-1280")

    # Erin's page shows on her phone; its click opens the concern and she acknowledges.
    shown = erin_worker.deliver(paged)
    erin.goto("/team/")
    erin_worker.click(shown)
    expect(erin).to_have_url(stack.url + paged["url"])
    acknowledge(erin)

    # A later sweep pages nobody: no push, no text.
    def pages() -> tuple[int, ...]:
        return (
            *(
                [m["url"] for m in decrypted(push_service, d)].count(link)
                for d in (erins_phone, alices_laptop)
            ),
            len(pages_to(stack, ERIN_NUMBER, link)),
            len(pages_to(stack, ALICE_NUMBER, link)),
        )

    before = pages()
    sweep_at(stack, hannahs, 3)
    time.sleep(3)  # what the worker would have sent, had anything been written
    assert pages() == before
    assert stack.query(
        "SELECT step, outcome FROM alerts_pagestep WHERE concern_id = %s ORDER BY step",
        (hannahs,),
    ) == [(1, "paged"), (2, "paged"), (3, "acknowledged")]
    for body in texts_to(stack, ERIN_NUMBER)[1:] + texts_to(stack, ALICE_NUMBER)[1:]:
        assert not HEALTH.search(body), body

    # The staff pages around it, for the record.
    erin.set_viewport_size({"width": 1024, "height": 800})
    erin.goto("/team/")
    expect(erin.locator(".on-call-now")).to_contain_text("On call now:")
    # The queue's rows fit (issue 33's limits): nothing sideways at 1024 px, a row at most
    # 110 px at 1280 px, also a row showing the out-of-hours route (the demo's URGENT that
    # nobody answered, when the journeys before this one left it open).
    marked = erin.locator("table.queue tbody tr", has=erin.locator(".out-of-hours-mark"))
    if marked.count():
        expect(marked.first).to_contain_text("Out of hours:")
    narrow = erin.evaluate(QUEUE_GEOMETRY)
    assert narrow["table"] <= narrow["box"] + 1 and narrow["rightmostAction"] <= 1024, narrow
    erin.set_viewport_size({"width": 1280, "height": 800})
    assert max(erin.evaluate(QUEUE_GEOMETRY)["heights"]) <= 110
    erin.set_viewport_size({"width": 1024, "height": 800})
    shot(erin, "queue-on-call-now-1024", full_page=False)
    erin.locator(".on-call-now").get_by_role("link", name="Rota").click()
    expect(erin.get_by_role("heading", level=1)).to_contain_text("On-call rota")
    for width in (1024, 1280):
        erin.set_viewport_size({"width": width, "height": 800})
        erin.reload()
        assert erin.evaluate("document.documentElement.scrollWidth") <= width
        shot(erin, f"rota-{width}")

    # Bob's page in Spanish and German (the switch at the foot of every page).
    for language, code in (("Español", "es"), ("Deutsch", "de")):
        bob.goto(NOTIFICATIONS_PAGE)
        bob.get_by_role("contentinfo").get_by_role("button", name=language, exact=True).click()
        expect(bob.locator("html")).to_have_attribute("lang", code)
        bob.goto(NOTIFICATIONS_PAGE)
        fits_a_phone(bob, f"bob's notifications page ({code})")
        if code == "de":  # the longest words: the choices at 200 % text, one screen
            bob.locator(".reach-preferences").scroll_into_view_if_needed()
            shot(bob, "bob-notifications-360-de-200pct-text-choices", full_page=False)
        bob.reload()
        shot(bob, f"bob-notifications-360-{code}")
    bob.get_by_role("contentinfo").get_by_role("button", name="English", exact=True).click()

    # Alice closes both concerns, so the journeys after this one start clean.
    for concern in (bobs_concern, hannahs):
        alice.goto(f"/team/concerns/{concern}/")
        alice.get_by_label("Action taken").select_option(label="Phoned the patient")
        alice.get_by_label(re.compile("^Note")).fill("Phoned; seen in clinic today.")
        alice.get_by_role("button", name="Resolve ticked").click()
        expect(alice.get_by_role("main")).to_contain_text(re.compile(r"Resolved \d+ alerts?"))
    on_the_server(stack, FORGET_DEVICES)

    write_delivery_log(
        stack,
        first_notification,
        first_reminder,
        {bobs_concern: "act 2: Bob's URGENT", hannahs: "act 3: Hannah's, at night"},
    )
    journey.errors = [e for e in journey.errors if "Push API in incognito mode" not in e]
    journey.assert_no_script_errors()
    print(f"journey took {time.monotonic() - started:.0f} s")


def write_delivery_log(
    stack, first_notification: int, first_reminder: int, concerns: dict[int, str]
) -> None:
    """Every message row the journey wrote, as the outbox recorded it (no addresses)."""
    team = stack.query(
        "SELECT n.id, n.kind, n.channel, n.status, n.attempts, n.last_error, u.username, "
        "c.id FROM alerts_notification n JOIN patients_user u ON u.id = n.recipient_id "
        "JOIN alerts_concern c ON c.id = n.concern_id WHERE n.id > %s ORDER BY n.id",
        (first_notification,),
    )
    patients = stack.query(
        "SELECT r.id, r.kind, r.channel, r.status, r.attempts, r.last_error, u.username "
        "FROM patients_patientreminder r JOIN patients_patient p ON p.id = r.patient_id "
        "JOIN patients_user u ON u.id = p.user_id WHERE r.id > %s ORDER BY r.id",
        (first_reminder,),
    )
    lines = [
        "Outbox delivery log of tests/e2e/test_reach_journey.py (issue 35)",
        "One line per message row the journey caused: no addresses, no endpoints.",
        "",
        "Team messages (alerts.care.models.Notification). The concerns:",
        *(f"  {pk}: {words}" for pk, words in concerns.items()),
        "  others: the demo's own concerns (their messages, and pages on the journey's night)",
        "",
        f"{'id':>5}  {'to':<8} {'concern':>7}  {'kind':<13} {'channel':<7} {'status':<9} "
        "attempts  last_error",
    ]
    for pk, kind, channel, status, attempts, error, who, concern in team:
        lines.append(
            f"{pk:>5}  {who:<8} {concern:>7}  {kind:<13} {channel:<7} {status:<9} "
            f"{attempts:>8}  {error or '-'}"
        )
    lines += [
        "",
        "Patient messages (patients.models.PatientReminder; the daily reminders are every",
        "demo patient's, written by the sweep at the simulated noon)",
        f"{'id':>5}  {'to':<8} {'kind':<13} {'channel':<7} {'status':<9} attempts  last_error",
    ]
    for pk, kind, channel, status, attempts, error, who in patients:
        lines.append(
            f"{pk:>5}  {who:<8} {kind:<13} {channel:<7} {status:<9} {attempts:>8}  {error or '-'}"
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "delivery-log.txt").write_text("\n".join(lines) + "\n")
