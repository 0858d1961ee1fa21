"""Bob on a bad day, on a 360 px phone: emergency first, advice that stands when Carol
adds a milder reading, his change shown to the nurse, a decimal comma, and 200 % text."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, go, log_in, tick

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 360 px phone"


def test_bob_on_a_bad_day(browser, browser_context_args, phone, stack, journey):
    bob = journey.watch(phone)
    log_in(bob, stack, "bob")
    go(bob, "Today")
    # Emergency first: the warning signs and the number to call open the form.
    red_flags = bob.get_by_role("group", name="Any warning signs right now?")
    expect(red_flags).to_be_in_viewport()
    expect(red_flags.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    journey.step(bob, "the diary opens with the warning signs")

    # A red flag with a fever: URGENT, the call button first, the rest folded.
    bob.get_by_label("Your temperature").fill("38,6")  # a decimal comma
    tick(bob, "Slurred speech or new confusion")  # the full list is one tap away
    bob.get_by_role("button", name="Save", exact=True).click()
    prompt = bob.get_by_role("region", name="Seek medical attention now")
    call = prompt.get_by_role("link", name="Call 999 now")
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).to_be_in_viewport()
    why = prompt.get_by_role("heading", name="Why")
    assert call.bounding_box()["y"] < why.bounding_box()["y"]
    expect(prompt.get_by_text("Also noted (less urgent)")).to_be_visible()
    expect(bob.get_by_role("main")).to_contain_text("38.6 °C")  # "38,6" read as 38.6
    no_sideways_scroll(bob)
    journey.step(bob, "urgent result with the call button first")

    # Carol, his caregiver, adds a milder reading a minute later: the advice still stands.
    carol = journey.watch(
        browser.new_context(**{**browser_context_args, "viewport": PHONE}).new_page()
    )
    log_in(carol, stack, "carol")
    expect(carol.get_by_role("note").filter(has_text="Bob's diary")).to_be_visible()
    carol.get_by_label("Bob's temperature").fill("37.9")  # about Bob, not "your"
    carol.get_by_role("button", name="Save", exact=True).click()
    standing = carol.get_by_role("region", name=re.compile("Earlier advice still stands"))
    expect(standing).to_contain_text("advised Bob")
    expect(standing.get_by_role("link", name="Call 999")).to_be_visible()
    expect(carol.get_by_role("main")).not_to_contain_text("nothing needs a call")
    expect(carol.get_by_role("main")).not_to_contain_text("nothing needs action")
    journey.step(carol, "carol sees the advice still stands")

    # Bob corrects his entry (the thermometer was wrong): the nurse sees it as an amendment.
    go(bob, "Today")
    today_so_far = bob.get_by_role("region", name="Today so far")
    today_so_far.get_by_role("listitem").filter(has_text="38.6").get_by_role("link").click()
    bob.get_by_label("Your temperature").fill("37.0")
    tick(bob, "Slurred speech or new confusion", uncheck=True)  # ticked by mistake
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(
        bob.get_by_role("region", name=re.compile("Earlier advice still stands"))
    ).to_be_visible()
    journey.step(bob, "the changed entry keeps the advice standing")

    alice = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(alice, stack, "alice")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        alice.goto("/team/?rule=SEP-RF")
        row = alice.get_by_role("row").filter(has_text="Bob Baker")
        if row.count():
            break
        time.sleep(0.5)
    row.first.get_by_role("link", name=re.compile("^Open")).click()
    amended = alice.get_by_role("note").filter(has_text="changed this entry after the alert")
    expect(amended).to_contain_text("Temperature: 38.6 °C → 37.0 °C")
    expect(amended).to_contain_text("Slurred speech or new confusion: Yes (warning sign) → none")
    journey.step(alice, "the nurse sees the amendment")
    # Alice phones Bob and closes the alert (the journeys after this one start clean).
    alice.get_by_label("Action taken").select_option(label="Phoned the patient")
    alice.get_by_label(re.compile("^Note")).fill("Thermometer was wrong; no confusion.")
    alice.get_by_role("button", name="Resolve ticked").click()
    expect(alice.get_by_role("main")).to_contain_text(re.compile(r"Resolved \d+ alerts?"))

    # 200 % text: every page reflows on the phone, nothing scrolls sideways.
    bob.add_style_tag(content="html { font-size: 200% !important; }")
    for link in ("Today", "History"):
        go(bob, link)
        bob.add_style_tag(content="html { font-size: 200% !important; }")
        no_sideways_scroll(bob)
        journey.step(bob, f"{link.lower()} at 200 percent text", axe=False)
    journey.assert_no_script_errors()
