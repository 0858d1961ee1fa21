"""What stands (clinical-rules.md §5), in the browser: Ian's advice stands after a milder
entry and says what he ticked; Alice's queue puts his URGENT first with the value that
raised it; he asks for a call back and sees that the team saw it; Julia's re-measure shows
on her row; passing Ian on tells Erin; his answer and the team's resolving end the advice.

The clock is the machine's: the midnight and clock-change stories are unit tests
(tests/alerts/test_standing_advice.py).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, go, log_in, tick

pytestmark = pytest.mark.e2e

STANDS = re.compile("Earlier advice still stands: seek medical attention now")


def row_of(page: Page, name: str, seconds: float = 15):
    """The queue's row of `name`, reloading as a nurse would until it is there."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto("/team/")
        row = page.get_by_role("row").filter(has_text=name)
        if row.count() or time.monotonic() > deadline:
            return row.first
        time.sleep(0.5)


def names_in_queue(page: Page) -> list[str]:
    cells = page.locator("table.queue tbody tr td:nth-child(2) strong")
    return [c.inner_text() for c in cells.all()]


def save_entry(page: Page, temperature: str = "", *, flag: str = "", remeasure=False) -> None:
    go(page, "Today")
    if temperature:
        page.get_by_label("Your temperature").fill(temperature)
    if flag:
        tick(page, flag)
    if remeasure:
        tick(page, re.compile("re-measure", re.I))
    button = "Save" if temperature or flag else "I feel fine — save"
    page.get_by_role("button", name=button, exact=True).click()


def test_what_stands_for_ian_and_julia(browser, browser_context_args, stack, journey):
    phone = {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    ian = journey.watch(browser.new_context(**phone).new_page())
    log_in(ian, stack, "ian")

    # Ian ticks only "slurred speech or new confusion": the reason quotes it first.
    save_entry(ian, flag="Slurred speech or new confusion")
    prompt = ian.get_by_role("region", name="Seek medical attention now")
    expect(prompt).to_contain_text("You ticked: Slurred speech or new confusion.")
    lead = prompt.locator(".prompt-lead")
    expect(lead).to_contain_text("Reason: Possible sepsis signs")
    expect(lead).not_to_contain_text("Severe breathing problem")
    journey.step(ian, "ian is told why in his own words")

    # A milder entry later (Ian measures in °F): the advice and its call button stay.
    save_entry(ian, "98.4")
    standing = ian.get_by_role("region", name=STANDS)
    expect(standing.get_by_role("link", name="Call 999")).to_be_visible()
    expect(standing).to_contain_text("You ticked: Slurred speech or new confusion.")
    expect(ian.get_by_role("main")).not_to_contain_text("nothing needs action")
    journey.step(ian, "a milder entry keeps the advice standing")

    # Julia: a fever, then a confirmed 35.0 °C re-measure (T-HYPO-2, URGENT).
    julia = journey.watch(browser.new_context(**phone).new_page())
    log_in(julia, stack, "julia")
    save_entry(julia, "38.3")
    save_entry(julia, "35.0", remeasure=True)
    expect(julia.get_by_role("region", name="Seek medical attention now")).to_contain_text(
        "You recorded: 35.0 °C"
    )
    journey.step(julia, "julia's re-measure is urgent")

    # Alice's queue: the URGENTs nobody has seen first, each with the value that raised it.
    alice = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(alice, stack, "alice")
    ians_row = row_of(alice, "Ian Irving")
    expect(ians_row).to_contain_text("URGENT")
    expect(ians_row.locator("ul.values li").first).to_have_text(
        "Warning sign: Slurred speech or new confusion"
    )
    julias_row = row_of(alice, "Julia Jones")
    expect(julias_row.locator("ul.values li").first).to_contain_text("35.0 °C")
    order = names_in_queue(alice)
    acknowledged = [
        c.inner_text()
        for c in alice.locator("table.queue tbody tr.acknowledged td:nth-child(2) strong").all()
    ]
    for name in acknowledged:  # e.g. Łukasz, whom Erin took overnight
        assert order.index(name) > order.index("Ian Irving")
        assert order.index(name) > order.index("Julia Jones")
    journey.step(alice, "unacknowledged urgent first with the value that raised it")

    # Ian asks for a call back: his row says so.
    go(ian, "Today")
    ian.get_by_role("button", name="Ask the team to call me").click()
    expect(ian.get_by_role("status")).to_contain_text("asked to call you back")
    expect(ian.get_by_role("region", name=STANDS)).to_contain_text("You asked the team to call")
    journey.step(ian, "ian asked for a call back")
    expect(row_of(alice, "Ian Irving")).to_contain_text("Asked for a call back at")
    journey.step(alice, "the call back on ians row")

    # Alice takes him: Ian sees that his team saw it.
    row_of(alice, "Ian Irving").get_by_role("button", name=re.compile("I'll take this")).click()
    expect(row_of(alice, "Ian Irving")).to_contain_text("Acknowledged by Alice")
    go(ian, "Today")
    expect(ian.get_by_role("region", name=STANDS)).to_contain_text(
        re.compile(r"Your team saw this on \w+ \d\d:\d\d\.")
    )
    journey.step(ian, "your team saw this")

    # She passes him on to Erin, who is told; Alice is no longer written to about him.
    row_of(alice, "Ian Irving").get_by_role("link", name=re.compile("^Open")).click()
    alice.get_by_label("Pass to").select_option(label="Erin Evans")
    alice.get_by_role("button", name="Pass on").click()
    expect(alice.get_by_role("main")).to_contain_text("is now with Erin Evans")
    erin = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(erin, stack, "erin")
    erin.goto("/team/notifications/")
    expect(erin.get_by_role("main")).to_contain_text("passed to you by Alice")
    journey.step(erin, "erin is told ian was passed to her")

    # Ian says he reached his GP: the advice no longer stands, but where to call does.
    go(ian, "Today")
    ian.get_by_role("radio", name="Yes, my GP").check()
    ian.get_by_role("button", name="Send answer").click()
    reached = ian.get_by_role("region", name=re.compile("You told us you reached the GP"))
    expect(reached.get_by_role("link", name="Call 999")).to_be_visible()
    expect(ian.get_by_role("main")).not_to_contain_text("Earlier advice still stands")
    journey.step(ian, "ian reached his gp")

    # Erin resolves it (an URGENT needs a note): the card goes from Ian's pages.
    row_of(erin, "Ian Irving").get_by_role("link", name=re.compile("^Open")).click()
    erin.get_by_label("Action taken").select_option(label="Phoned the patient")
    erin.get_by_label(re.compile("^Note")).fill("Spoke to Ian and his GP; seen today.")
    erin.get_by_role("button", name="Resolve ticked").click()
    expect(erin.get_by_role("main")).to_contain_text(re.compile(r"Resolved \d+ alerts?"))
    go(ian, "Today")
    expect(ian.get_by_role("main")).not_to_contain_text("You told us you reached")
    expect(ian.get_by_role("main")).not_to_contain_text("Earlier advice still stands")
    journey.step(ian, "resolved by the team")

    # Julia's URGENT is closed too, so the journeys after this one start clean.
    row_of(alice, "Julia Jones").get_by_role("link", name=re.compile("^Open")).click()
    alice.get_by_label("Action taken").select_option(label="Phoned the patient")
    alice.get_by_label(re.compile("^Note")).fill("Thermometer checked; 36.6 °C now.")
    alice.get_by_role("button", name="Resolve ticked").click()
    expect(alice.get_by_role("main")).to_contain_text(re.compile(r"Resolved \d+ alerts?"))
    journey.assert_no_script_errors()
