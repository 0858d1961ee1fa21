"""Alice triages: Bob's alert reaches her queue through the real worker, and she acts on it.

Charlie, on another team, cannot reach it.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import go, log_in

pytestmark = pytest.mark.e2e

QUEUE = "/team/"


def first_row(page: Page):
    return page.get_by_role("table", name="Open alerts").get_by_role("row").nth(1)


def resolve(page: Page, action: str, note: str = "") -> None:
    act = page.get_by_role("region", name="Act")
    act.get_by_label("Action taken").select_option(label=action)
    if note:
        act.get_by_label("Note").fill(note)
    act.get_by_role("button", name="Resolve").click()


def test_alice_sees_and_handles_bobs_alert_charlie_cannot(
    browser, browser_context_args, phone, stack, journey
):
    alice = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(alice, stack, "alice")
    expect(alice.get_by_role("heading", name=re.compile("Triage"))).to_be_visible()
    journey.step(alice, "monday queue")

    # Monday morning: first the urgent alerts that waited over the weekend (demo data).
    for _ in range(5):
        alice.goto(QUEUE)
        if "URGENT" not in first_row(alice).inner_text():
            break
        first_row(alice).get_by_role("link").nth(1).click()
        resolve(alice, "Phoned the patient", "Seen in clinic")
    alice.goto(QUEUE)
    expect(first_row(alice)).not_to_contain_text("URGENT")

    # Bob, on his phone, ticks a warning sign.
    bob = journey.watch(phone)
    log_in(bob, stack, "bob")
    go(bob, "Today")
    bob.get_by_label("Your temperature").fill("38.6")
    bob.get_by_label("Extreme shivering or severe muscle pain").check()
    bob.get_by_role("button", name="Save", exact=True).click()
    submitted = time.monotonic()
    expect(bob.get_by_role("region", name="Seek medical attention now")).to_be_visible()
    journey.step(bob, "bob is told to seek attention now")

    # Alice's queue, reloaded as she would: Bob's alert comes to the top.
    waited = None
    while time.monotonic() - submitted < 10:
        alice.goto(QUEUE)
        if "Bob Baker" in first_row(alice).inner_text():
            waited = time.monotonic() - submitted
            break
        time.sleep(0.5)
    assert waited is not None, "Bob's alert did not reach the top of the queue within 10 s"
    print(f"alert on alice's queue {waited:.1f} s after bob saved")
    expect(first_row(alice)).to_contain_text("URGENT")
    journey.step(alice, "bobs alert on top")

    first_row(alice).get_by_role("link").nth(1).click()
    why = alice.get_by_role("region", name="Why this alert")
    expect(why).to_contain_text("SEP-RF")
    expect(why).to_contain_text("Extreme shivering or severe muscle pain")
    expect(alice.get_by_role("region", name="What the patient was told")).to_contain_text(
        "Call the emergency number now"
    )
    expect(alice.get_by_role("region", name="The entry")).to_contain_text("38.6")
    journey.step(alice, "alert detail")
    alert_url = alice.url

    alice.get_by_role("button", name="Acknowledge").click()
    expect(alice.get_by_role("main")).to_contain_text(re.compile("Acknowledged", re.I))
    journey.step(alice, "acknowledged")
    resolve(alice, "Sent to the emergency department", "Told to go to ED; team aware")
    alice.goto(alert_url)
    expect(alice.get_by_role("region", name="Act")).to_contain_text(
        "Resolved by alice: Sent to the emergency department."
    )
    journey.step(alice, "resolved")

    # The same entry's fever alert shows the reading against the rule's threshold.
    alice.goto(QUEUE)
    queue = alice.get_by_role("table", name="Open alerts")
    fever = queue.get_by_role("row").filter(has_text="Bob Baker").filter(has_text="T-FEV-1")
    fever.get_by_role("link", name=re.compile("T-FEV-1")).click()
    why = alice.get_by_role("region", name="Why this alert")
    expect(why).to_contain_text("38.0")  # the threshold the alert fired on
    expect(why).to_contain_text("38.6 °C")  # Bob's reading
    journey.step(alice, "fever alert with threshold")

    # Charlie works for another team: the same address is simply not found.
    charlie = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(charlie, stack, "charlie")
    expect(charlie.get_by_role("main")).not_to_contain_text("Bob Baker")
    journey.step(charlie, "charlies queue")
    response = charlie.goto(alert_url)
    assert response is not None and response.status == 404
    expect(charlie.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(charlie.get_by_role("main")).not_to_contain_text("Bob")
    journey.step(charlie, "charlie gets not found")
    journey.assert_no_script_errors()
