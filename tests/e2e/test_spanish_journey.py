"""Hannah switches her diary to Spanish on a phone and logs an urgent day ("38,6"); Carol keeps
Bob's diary in German; Alice reads her queue in German. Every label is read from the shipped
catalogue, so the journey fails on a page left in English."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, check_accessibility, log_in

pytestmark = pytest.mark.e2e


def said(code: str, english: str) -> str:
    with translation.override(code):
        words = gettext(english)
    assert words != english, f"{english!r} has no {code} translation"
    return words


WIDER_THAN_THE_SCREEN = """() => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(el => el.tagName + "." + el.className + ": " + (el.innerText || "").slice(0, 40))"""


def go_in(code: str, page: Page, link: str) -> None:
    """Follow a main-menu link on a page shown in language `code`."""
    nav = page.get_by_role("navigation", name=said(code, "Main"))
    toggle = nav.get_by_role("button", name=said(code, "Show menu"))
    if toggle.is_visible():
        toggle.click()
    nav.get_by_role("link", name=said(code, link), exact=True).click()


def switch_to(page: Page, name: str) -> None:
    """The switcher at the foot of every page, as a person uses it."""
    page.get_by_role("contentinfo").get_by_role("button", name=name, exact=True).click()


def no_axe_violations(page: Page, where: str) -> None:
    """axe finds nothing at all on the page (any impact)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], where + ": " + ", ".join(v["id"] for v in violations)


def test_hannah_keeps_her_diary_in_spanish_on_a_phone(
    phone, browser, browser_context_args, stack, journey
):
    hannah = journey.watch(phone)
    log_in(hannah, stack, "hannah")
    switch_to(hannah, "Español")
    expect(hannah.locator("html")).to_have_attribute("lang", "es")
    expect(hannah.get_by_role("heading", name=said("es", "Today's diary"))).to_be_visible()
    journey.step(hannah, "the diary in spanish")
    no_axe_violations(hannah, "today (es)")

    hannah.get_by_label(said("es", "Your temperature")).fill("38,6")
    # The full list of warning signs is one tap away.
    hannah.get_by_text(said("es", "See all warning signs")).click()
    warning = hannah.get_by_role("checkbox", name=re.compile("podría morir"))
    warning.check()
    hannah.get_by_role("button", name=said("es", "Save"), exact=True).click()
    prompt = hannah.get_by_role("region", name=said("es", "Seek medical attention now"))
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("link", name=re.compile("112|999"))).not_to_have_count(0)
    journey.step(hannah, "the urgent result in spanish")
    no_axe_violations(hannah, "result (es)")

    go_in("es", hannah, "History")
    expect(hannah.locator("main")).to_contain_text("38,6")
    journey.step(hannah, "history in spanish")
    no_axe_violations(hannah, "history (es)")

    for link in ("Today", "History"):
        go_in("es", hannah, link)
        hannah.add_style_tag(content="html { font-size: 200% !important; }")
        journey.step(hannah, f"{link.lower()} in spanish at 200 percent text", axe=False)
        wide = hannah.evaluate(WIDER_THAN_THE_SCREEN)
        width = hannah.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{hannah.url} is {width} px wide at 200 % text: {wide}"

    # Carol keeps Bob's diary, in German; Bob's own language is not hers.
    carol = journey.watch(
        browser.new_context(
            **{**browser_context_args, "viewport": PHONE, "is_mobile": True}
        ).new_page()
    )
    log_in(carol, stack, "carol")
    switch_to(carol, "Deutsch")
    expect(carol.locator("html")).to_have_attribute("lang", "de")
    with translation.override("de"):
        heading = gettext("%(name)s's diary today") % {"name": "Bob"}
    expect(carol.get_by_role("heading", level=1)).to_have_text(heading)
    journey.step(carol, "carol keeps bobs diary in german")
    switch_to(carol, "English")

    # Alice reads her queue in German: Hannah's urgent entry is at the top.
    alice = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(alice, stack, "alice")
    switch_to(alice, "Deutsch")
    expect(alice.locator("html")).to_have_attribute("lang", "de")
    row = alice.get_by_role("row").filter(has_text="Hannah Hughes")
    expect(row.first).to_be_visible()
    expect(row.first.get_by_role("button", name=said("de", "I'll take this"))).to_be_visible()
    journey.step(alice, "the queue in german")
    check_accessibility(alice, "queue (de)")

    # Back to English for whoever uses the demo next.
    switch_to(alice, "English")
    switch_to(hannah, "English")
    journey.assert_no_script_errors()
