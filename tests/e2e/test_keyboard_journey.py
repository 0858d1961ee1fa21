"""The patient journey with the keyboard only: no mouse, no touch (WCAG 2.1.1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, tab_to
from tests.e2e.stack import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_fiona_records_100_3_f_with_the_keyboard_only(
    browser, browser_context_args, stack, journey
):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = journey.watch(context.new_page())
    page.goto("/accounts/login/")
    tab_to(page, "Username")
    page.keyboard.type("fiona")
    assert tab_to(page, "Password", limit=1)
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    journey.step(page, "diary reached by keyboard")

    tab_to(page, re.compile(r"› Your temperature$"))
    page.keyboard.type("100.3")
    assert tab_to(page, "Unit › °C", limit=1)  # her usual unit is chosen
    page.keyboard.press("ArrowRight")  # arrows move within a radio group
    expect(page.get_by_role("radio", name="°F")).to_be_checked()
    tab_to(page, "General")  # the body-system group opens when she says yes to it
    page.keyboard.press("Enter")
    tab_to(page, re.compile(r"^Headache › "))
    page.keyboard.press("ArrowRight")
    expect(
        page.get_by_role("group", name="Headache").get_by_role("radio", name="Mild")
    ).to_be_checked()
    journey.step(page, "filled in by keyboard", axe=False)
    tab_to(page, "Save")
    page.keyboard.press("Enter")

    prompt = page.get_by_role("region", name="Keep monitoring")
    expect(prompt).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("100.3 °F")
    journey.step(page, "keep monitoring")

    # The skip link is the first stop and moves focus past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    journey.assert_no_script_errors()
    context.close()
