"""The preferences part of the Notifications page in a browser: a patient on a 360 px phone
at 100 % and 200 % text (a stacked list per topic, nothing past the edge, targets 44 px),
and a clinician at 1024 px with locked boxes and quiet hours."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PHONE, log_in
from tests.e2e.test_phone_pages import fits_a_phone

pytestmark = pytest.mark.e2e
PAGE = "/account/notifications/"


def test_a_patient_chooses_on_a_phone(browser, browser_context_args, stack):
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    )
    page = context.new_page()
    log_in(page, stack, "bob")
    page.goto(PAGE)
    saw = page.get_by_role("group", name="Your team has seen what you sent")
    expect(saw.get_by_label("E-mail")).not_to_be_checked()
    expect(saw.get_by_text("Turn on notifications on this device first")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "phone-preferences.png", full_page=True)
    fits_a_phone(page, "bob: notifications")
    page.reload()
    saw.get_by_label("E-mail").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(saw.get_by_label("E-mail")).to_be_checked()
    context.close()


def test_a_clinician_sees_what_cannot_be_muted_and_sets_quiet_hours(
    browser, browser_context_args, stack
):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 1024, "height": 800}}
    )
    page = context.new_page()
    log_in(page, stack, "alice")
    page.goto(PAGE)
    urgent = page.get_by_role("group", name="A new or raised URGENT concern")
    expect(urgent.get_by_label("E-mail")).to_be_checked()
    expect(urgent.get_by_label("E-mail")).to_be_disabled()
    expect(urgent.get_by_text("Always on for URGENT").first).to_be_visible()
    quiet = page.get_by_role("group", name="Quiet hours")
    expect(quiet.get_by_text("Not for URGENT concerns or on-call pages")).to_be_visible()
    quiet.get_by_label("Quiet from").fill("22:00")
    page.get_by_role("button", name="Save choices").click()
    expect(quiet.get_by_text("Give both times")).to_be_visible()
    expect(quiet.get_by_label("Quiet from")).to_have_value("22:00")
    quiet.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(quiet.get_by_label("Quiet until")).to_have_value("07:00")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024
    page.screenshot(path=ARTIFACTS / "staff-preferences.png", full_page=True)
    context.close()
