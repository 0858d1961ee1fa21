"""Erin, on call at night for Team A, finds who is on call from the queue, opens the rota,
makes a mistake adding a swap (told what to fix, nothing typed lost), then adds it; at
1280 and 1024 px wide nothing runs off the side (issue 35)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

WIDER_THAN_SCREEN = """() => {
  const vw = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main *, body > div *")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > vw + 1;
  }).map((el) => el.tagName + "." + el.className).slice(0, 5);
}"""


def test_erin_reads_and_changes_the_rota(page: Page, stack, journey):
    journey.watch(page)
    log_in(page, stack, "erin")
    page.goto("/team/")
    expect(page.locator(".on-call-now")).to_contain_text("On call now:")
    journey.step(page, "queue with who is on call")

    page.locator(".on-call-now").get_by_role("link", name="Rota").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("On-call rota — Team A")
    expect(page.get_by_text("All times are the team's time: Europe/London.")).to_be_visible()
    journey.step(page, "the rota")

    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    swap = page.get_by_role("region", name="Swaps")
    swap.get_by_label("From").fill(f"{day}T19:00")
    swap.get_by_label("Until").fill(f"{day}T08:00")
    swap.get_by_label("On call instead").select_option(label="Alice Adams")
    swap.get_by_role("button", name="Add the swap").click()
    swap = page.get_by_role("region", name="Swaps")
    expect(swap.get_by_text("The end must be after the start.")).to_be_visible()
    expect(swap.get_by_label("From")).to_have_value(f"{day}T19:00")
    journey.step(page, "a swap refused")

    swap.get_by_label("Until").fill(f"{day}T23:00")
    swap.get_by_role("button", name="Add the swap").click()
    expect(page.get_by_text("The swap is added.")).to_be_visible()
    expect(page.get_by_role("region", name="Swaps")).to_contain_text("Alice Adams")
    journey.step(page, "a swap added")

    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(re.sub(r"\?.*$", "", page.url))
        assert page.evaluate(WIDER_THAN_SCREEN) == [], width
        journey.step(page, f"the rota at {width}", axe=False)
    journey.assert_no_script_errors()
