"""Dana drafts a fever threshold change in the admin and tries it on the clinic's last 90
days; she cannot publish it alone; Alice, a clinical lead with the approval permission,
approves it on the team's side. New entries use it, old alerts keep theirs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, go, log_in
from tests.e2e.stack import E2EStack as Stack

pytestmark = pytest.mark.e2e


def record_temperature(browser, context_args, stack: Stack, journey, who: str, value: str):
    context = browser.new_context(**{**context_args, "viewport": PHONE})
    page = journey.watch(context.new_page())
    log_in(page, stack, who)
    go(page, "Today")
    page.get_by_label("Your temperature").fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Your entry is saved")).to_be_attached()
    return page


def draft_fever_threshold(dana: Page, value: str) -> None:
    dana.goto("/admin/")
    dana.get_by_role("link", name="Alert rules").click()
    dana.get_by_role("link", name=re.compile(r"^T-FEV-1$")).click()
    dana.get_by_label(re.compile(r"^Threshold \(")).fill(value)  # one typed field per parameter
    dana.get_by_label("Reason for the change").fill(f"Fever line at {value} (journey)")
    dana.get_by_role("button", name="Save as draft for review").click()
    expect(dana.locator(".messagelist")).to_contain_text("saved as draft")


def open_latest_draft(page: Page) -> None:
    page.goto("/admin/alerts/alertrule/?q=T-FEV-1")
    page.get_by_role("link", name=re.compile(r"^T-FEV-1$")).click()
    page.locator("#rule-drafts").get_by_role("link", name=re.compile(r"^Draft \d+")).first.click()


def approve_latest_draft(sam: Page) -> None:
    open_latest_draft(sam)
    sam.get_by_role("button", name="Approve and publish").click()
    expect(sam.locator(".messagelist")).to_contain_text("Published")


def set_fever_threshold(dana: Page, sam: Page, value: str) -> None:
    draft_fever_threshold(dana, value)
    approve_latest_draft(sam)


def reference_of(stack: Stack, username: str) -> str:
    return stack.query(
        "SELECT p.reference FROM patients_patient p JOIN patients_user u ON u.id = p.user_id "
        "WHERE u.username = %s",
        (username,),
    )[0][0]


def snapshot_of_fever_alert(dana: Page, reference: str) -> str:
    dana.goto(f"/admin/alerts/alert/?q={reference}")
    dana.get_by_role("row").filter(has_text="T-FEV-1").first.get_by_role("link").first.click()
    return dana.locator(".field-snapshot").inner_text()


def test_dana_changes_the_fever_threshold(browser, browser_context_args, stack, journey):
    # Before the change: Hannah's 38.1 °C fires T-FEV-1 at the default 38.0 °C.
    hannah = record_temperature(browser, browser_context_args, stack, journey, "hannah", "38.1")
    expect(hannah.get_by_role("region", name="Contact your care team today")).to_contain_text(
        "You have a fever"
    )

    dana = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(dana, stack, "dana")
    expect(dana.get_by_role("heading", name="Clinic set-up")).to_be_visible()  # her home
    dana.get_by_role("link", name="Admin site").first.click()
    expect(dana.get_by_role("heading", name=re.compile("Site administration"))).to_be_visible()
    journey.step(dana, "admin home")
    sam = journey.watch(browser.new_context(**browser_context_args).new_page())
    log_in(sam, stack, "sam")
    try:
        draft_fever_threshold(dana, "37.8")
        journey.step(dana, "change drafted")
        # Dana cannot publish her own change: the live rule still says 38.0.
        open_latest_draft(dana)
        expect(dana.locator("#draft-changes")).to_contain_text("38.0 °C")
        expect(dana.locator("#draft-changes")).to_contain_text("37.8 °C")
        expect(dana.get_by_role("button", name="Approve and publish")).to_have_count(0)
        expect(dana.get_by_role("main")).to_contain_text("A second person must approve")
        journey.step(dana, "cannot approve her own draft")
        # What would it have done? The real evaluator over the clinic's last 90 days.
        dana.locator("#try-draft").get_by_role("button", name="Try it").click()
        expect(dana.locator("#run-status")).to_contain_text("Done", timeout=60_000)
        levels = dana.locator("#whatif-levels")
        expect(levels.get_by_role("row").filter(has_text="CONTACT")).to_be_visible()
        journey.step(dana, "what the draft would have done")
        draft_url = dana.url

        # Alice, the clinical lead, reviews it on the team's side and approves it.
        alice = journey.watch(browser.new_context(**browser_context_args).new_page())
        log_in(alice, stack, "alice")
        alice.get_by_role("link", name=re.compile("Rule changes to review")).click()
        alice.get_by_role("link", name="Fever").click()
        expect(alice.get_by_role("table", name="What changes")).to_contain_text("37.8 °C")
        expect(alice.get_by_role("region", name="What it would have done")).to_contain_text(
            "CONTACT"
        )
        journey.step(alice, "clinical lead reviews the change")
        alice.get_by_role("button", name="Approve and publish").click()
        expect(alice.get_by_role("main")).to_contain_text("Published")
        journey.step(alice, "clinical lead approves")
        assert draft_url
        dana.goto("/admin/alerts/alertrule/?q=T-FEV-1")
        dana.get_by_role("link", name=re.compile(r"^T-FEV-1")).first.click()
        dana.get_by_role("link", name="History", exact=True).click()
        history = dana.get_by_role("main").get_by_role("table").first
        expect(history).to_contain_text("alice")
        expect(history).to_contain_text("Fever line at 37.8")
        journey.step(dana, "rule history")

        # After: 37.9 °C was "slightly raised"; with the new threshold it is a fever.
        julia = record_temperature(browser, browser_context_args, stack, journey, "julia", "37.9")
        prompt = julia.get_by_role("region", name="Contact your care team today")
        expect(prompt).to_contain_text("You have a fever")
        journey.step(julia, "new entry uses 37.8")

        # Each alert keeps the rule version and threshold it fired on.
        new = snapshot_of_fever_alert(dana, reference_of(stack, "julia"))
        assert '"threshold_c": "37.8"' in new and '"version": 2' in new, new
        journey.step(dana, "new alert snapshot")
        old = snapshot_of_fever_alert(dana, reference_of(stack, "hannah"))
        assert '"threshold_c": "38.0"' in old and '"version": 1' in old, old
        journey.step(dana, "earlier alert keeps its snapshot")
    finally:
        set_fever_threshold(dana, sam, "38.0")  # the other journeys expect the default
    journey.assert_no_script_errors()
