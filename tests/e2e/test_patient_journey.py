"""Bob records his day on a phone: a fever with chills, a °F reading, an injection, history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import go, grade, log_in

pytestmark = pytest.mark.e2e


def record(page: Page, temperature: str, unit: str, grades: dict[str, str] | None = None) -> None:
    go(page, "Today")
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    page.get_by_label("Your temperature").fill(temperature)
    page.get_by_role("group", name="Unit").get_by_text(unit, exact=True).click()
    for symptom, words in (grades or {}).items():
        grade(page, symptom, words)
    page.get_by_role("button", name="Save", exact=True).click()


def test_bob_records_his_day_on_a_phone(phone, stack, journey):
    page = journey.watch(phone)
    log_in(page, stack, "bob")
    expect(page.get_by_role("heading", name="Today's diary")).to_be_visible()
    journey.step(page, "diary form")

    record(page, "38.4", "°C", {"Chills or shivering": "Moderate"})
    prompt = page.get_by_role("region", name="Contact your care team today")
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("heading", name="Why")).to_be_visible()
    reasons = prompt.get_by_role("list").first.get_by_role("listitem")
    expect(reasons.first).to_contain_text(re.compile("temperature|fever", re.I))
    expect(prompt.get_by_role("link", name=re.compile(r"\d"))).not_to_have_count(0)  # phone
    journey.step(page, "contact your care team today")

    # 100.3 °F is 37.9 °C: the low-grade advice (rest, fluids, measure again). Bob's fever
    # this morning and his injection three days ago keep the overall prompt at "contact
    # today" (symptoms beyond two days are unlikely to be an injection reaction); a
    # 100.3 °F on its own gives "Keep monitoring" (the keyboard journey shows it).
    record(page, "100.3", "°F")
    prompt = page.get_by_role("region", name=re.compile("Contact your care team today"))
    expect(prompt).to_contain_text("Rest, drink fluids and measure again")
    expect(prompt).to_contain_text("Measure your temperature again")
    journey.step(page, "low-grade advice after 100.3 F")

    go(page, "Injections")
    expect(page.get_by_role("heading", name="Injections", level=1)).to_be_visible()
    form = page.get_by_role("region", name="Log an injection")
    form.get_by_text("Tummy (abdomen)").click()
    form.get_by_role("button", name="Save injection").click()
    # His last dose was three days ago: the diary asks before logging an early dose.
    question = page.get_by_role("alert", name=re.compile("Are you sure"))
    expect(question).to_contain_text("is expected on")
    journey.step(page, "early dose question")
    question.get_by_role("button", name="Yes, save this injection").click()
    expect(page.get_by_text("We have let your care team know")).to_be_visible()
    logged = page.get_by_role("region", name="Logged injections")
    expect(logged.locator("tbody tr").first).to_contain_text(re.compile("tummy|abdomen", re.I))
    journey.step(page, "injection logged")

    go(page, "History")
    expect(page.get_by_role("heading", name="Your history")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Temperature over the last 30 days"))
    expect(chart).to_be_visible()
    temperatures = page.get_by_role("region", name=re.compile(r"Temperature \("))
    temperatures.get_by_text("Show as a table").click()
    # Today's highest reading: 38.4, or 38.6 if the clinician journey's entry ran first.
    table = page.get_by_role("table", name="Highest temperature each day")
    # On a phone each day is one block, its value under its heading ("Highest (°C): 38.4").
    expect(table.locator("tbody tr").first).to_contain_text(re.compile(r"38\.[46]"))
    journey.step(page, "history chart")

    # Nothing is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width} px wide on a 360 px phone"
    journey.assert_no_script_errors()
