"""Charlie adds his mobile number for URGENT texts: the code comes by text (to the stack's
fake SMS provider), a wrong one is refused on the page, the right one confirms it; the
part fits a hospital screen at 1024 and 1280 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

NUMBER = "+447400123459"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def texts_to(stack, number: str) -> list[str]:
    return [r.form["Body"] for r in stack.sms.requests if r.form.get("To") == number]


def test_a_clinician_confirms_his_number_with_the_code_sent_by_text(page: Page, stack, journey):
    journey.watch(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, stack, "charlie")
    page.goto("/account/notifications/")
    part = page.locator("section", has=page.get_by_role("heading", name="Text messages"))
    expect(part).to_be_visible()
    journey.step(page, "notifications page with the text-message part")

    part.get_by_label("Mobile number").fill("07400 123459")
    part.get_by_role("button", name="Save and send a code").click()
    expect(page.get_by_text(re.compile("We sent a 6-digit code to"))).to_be_visible()
    [text] = texts_to(stack, NUMBER)
    code = re.search(r"\b(\d{6})\b", text)[1]
    assert stored_hash(stack) and code not in stored_hash(stack)
    journey.step(page, "code sent")

    wrong = "000000" if code != "000000" else "111111"
    part.get_by_label("Code from the text message").fill(wrong)
    part.get_by_role("button", name="Confirm number").click()
    expect(page.get_by_text("That is not the code we sent")).to_be_visible()
    expect(part.get_by_label("Code from the text message")).to_have_value(wrong)
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate(FITS)
    journey.step(page, "wrong code at 1024 px")

    part.get_by_label("Code from the text message").fill(code)
    part.get_by_role("button", name="Confirm number").click()
    expect(page.get_by_text("Your number is confirmed")).to_be_visible()
    expect(part.get_by_text("Confirmed", exact=True)).to_be_visible()
    assert page.evaluate(FITS)
    page.set_viewport_size({"width": 1280, "height": 800})
    journey.step(page, "number confirmed")
    assert len(texts_to(stack, NUMBER)) == 1  # the code, once

    part.get_by_role("button", name="Remove number").click()
    expect(page.get_by_text("Your number is removed")).to_be_visible()
    journey.assert_no_script_errors()


def stored_hash(stack) -> str:
    [(code_hash,)] = stack.query(
        "SELECT p.code_hash FROM reach_phone p JOIN patients_user u ON u.id = p.user_id "
        "WHERE u.username = %s",
        ("charlie",),
    )
    return code_hash
