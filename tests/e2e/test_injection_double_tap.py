"""George logs an injection on a small phone (360 × 740) and taps Save twice: one dose.

His last dose was under four weeks ago, so the diary first asks "are you sure?"; he taps
that Save twice too. On a slow phone network the second tap comes while the first request
is still on its way, so the server gets both (the web log shows it); the form's client key
makes the second one log nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.concurrency import wait_for
from tests.e2e.conftest import ARTIFACTS, go, log_in

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def small_phone(browser, browser_context_args) -> Iterator[Page]:
    context = browser.new_context(
        **{**browser_context_args, "viewport": SMALL_PHONE, "is_mobile": True, "has_touch": True}
    )
    yield context.new_page()
    context.close()


def doses(stack, username: str) -> int:
    return stack.query(
        "SELECT count(*) FROM patients_injection i JOIN patients_patient p ON p.id = i.patient_id"
        " JOIN patients_user u ON u.id = p.user_id WHERE u.username = %s",
        (username,),
    )[0][0]


def server_posts() -> int:
    """The injection form's POSTs the web server has answered (its access log)."""
    log = (ARTIFACTS / "logs" / "web.log").read_text(errors="replace")
    return log.count('"POST /patients/injections/ ')


def double_tap(page: Page, button) -> None:
    """Two taps 120 ms apart, as a shaky or impatient finger does."""
    page.evaluate("b => { b.click(); setTimeout(() => b.click(), 120); }", button.element_handle())


def slow_network(page: Page) -> None:
    """A phone on a weak signal: every response takes at least 600 ms."""
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 600, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_double_tap_on_save_logs_one_dose(small_phone, stack, journey):
    page = journey.watch(small_phone)
    log_in(page, stack, "george")
    go(page, "Injections")
    expect(page.get_by_role("heading", name="Injections", level=1)).to_be_visible()
    before, posts = doses(stack, "george"), server_posts()
    slow_network(page)

    form = page.get_by_role("region", name="Log an injection")
    form.get_by_text("Upper arm").click()
    double_tap(page, form.get_by_role("button", name="Save injection"))
    question = page.get_by_role("alert", name=re.compile("Are you sure"))
    expect(question).to_contain_text("is expected on")
    assert wait_for(lambda: server_posts() - posts >= 2, 10), "the server got one request"
    assert doses(stack, "george") == before  # asked, nothing saved
    expect(form.get_by_label("Upper arm")).to_be_checked()  # what he chose is kept
    journey.step(page, "are you sure")

    # At 200 % text the question and its buttons still fit the screen.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page_width(page) <= 360, f"page is {page_width(page)} px wide at 200 % text"
    expect(question.get_by_role("button", name="Yes, save this injection")).to_be_visible()
    page.evaluate("document.documentElement.style.fontSize = ''")

    posts = server_posts()
    double_tap(page, question.get_by_role("button", name="Yes, save this injection"))
    expect(page.get_by_text(re.compile("Injection saved"))).to_be_visible()
    assert wait_for(lambda: server_posts() - posts >= 2, 10), "the server got one request"
    assert doses(stack, "george") == before + 1
    logged = page.get_by_role("region", name="Logged injections")
    newest = logged.locator("tbody tr").first  # on a phone, one block per dose
    expect(newest).to_contain_text("Upper arm")
    expect(newest).to_contain_text("Your care team was told")
    journey.step(page, "saved once")

    assert page_width(page) <= 360, f"page is {page_width(page)} px wide on a 360 px phone"
    journey.assert_no_script_errors()


def test_the_settings_page_fits_a_small_phone_at_200_percent_text(small_phone, stack, journey):
    """The country-and-city time-zone select and the helpers list, at 360 px and 200 % text."""
    page = journey.watch(small_phone)
    log_in(page, stack, "ian")
    go(page, "Settings")
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("America/New_York")
    expect(zone.locator("option:checked").first).to_have_text(
        re.compile("United States — New York")
    )
    zone.select_option(label="Canada — Toronto: Eastern - ON & QC (most areas)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page_width(page) <= 360, f"page is {page_width(page)} px wide at 200 % text"
    journey.step(page, "settings at 200 percent")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    expect(page.get_by_label("Your time zone")).to_have_value("America/Toronto")
    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    journey.assert_no_script_errors()
