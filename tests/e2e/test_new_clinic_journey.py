"""Dana, the administrator, sets up a new clinic from nothing in the browser: a team, a
clinician invited by e-mail who chooses her own password and second factor, a Spanish
patient enrolled; the checklist says what is still missing. No raw permission list, no
password typed for anyone else, no developer."""

from __future__ import annotations

import re
from base64 import b32decode
from email.header import decode_header, make_header

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in
from tests.e2e.stack import E2EStack as Stack

pytestmark = pytest.mark.e2e

TEAM = "Neurología Norte"
NADIA = "nadia.nunez@clinic.example"
PATIENT = "pilar.prieto@clinic.example"
PASSPHRASE = "a-long-and-unusual-passphrase-71"


def mail_to(stack: Stack, address: str, *, timeout: float = 30.0):
    """The newest e-mail the worker sent to `address` (the stack's SMTP sink)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for _at, m in stack.mail.messages() if address in str(m["To"])]
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no e-mail to {address}")


def body_of(message) -> str:
    part = message.get_payload(0) if message.is_multipart() else message
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def steps_to_do(page: Page, team: str) -> list[str]:
    card = page.locator("section.setup-team").filter(has=page.get_by_role("heading", name=team))
    return card.locator("li.step-missing strong").all_inner_texts()


def test_dana_sets_up_a_clinic_from_nothing(browser, browser_context_args, stack, journey):
    dana = journey.watch(browser.new_context(**browser_context_args).new_page())
    dana.set_viewport_size({"width": 1024, "height": 800})
    log_in(dana, stack, "dana")
    expect(dana.get_by_role("heading", name="Clinic set-up")).to_be_visible()
    journey.step(dana, "the checklist, before")

    # A team, from its name, country and phone: the emergency number follows Spain.
    dana.get_by_role("link", name="Add a care team").click()
    dana.get_by_label("Team name").fill(TEAM)
    dana.get_by_label("Country").select_option(label="Spain")
    dana.get_by_label("Team phone (working hours)").fill("+34 910 000 000")
    dana.get_by_label("Time zone").select_option("Europe/Madrid")
    dana.get_by_role("button", name="Add the team").click()
    expect(dana.get_by_role("alert").or_(dana.locator(".alert-success"))).to_contain_text(
        "Next: invite its staff"
    )
    card = dana.locator("section.setup-team").filter(has=dana.get_by_role("heading", name=TEAM))
    expect(card).to_contain_text("emergency number 112")
    assert steps_to_do(dana, TEAM) == [
        "An urgent line for working hours",
        "Clinicians, and a backup",
        "A clinical lead who approves rule changes",
        "Rules signed off by a clinical lead",
    ]

    # A clinician and clinical lead, invited by e-mail: nobody types her password.
    card.get_by_role("link", name="Invite staff").first.click()
    expect(dana.locator("input[type=password]")).to_have_count(0)
    dana.get_by_label("First name").fill("Nadia")
    dana.get_by_label("Last name").fill("Núñez")
    dana.get_by_label("E-mail (the invitation goes here)").fill(NADIA)
    dana.get_by_role("combobox", name="Language").select_option("es")
    expect(dana.get_by_label("Care team")).to_have_value(re.compile(r"\d+"))
    dana.get_by_label("Clinical lead (approves rule changes)").check()
    journey.step(dana, "inviting a clinician")
    dana.get_by_role("button", name="Send the invitation").click()
    expect(dana.locator(".alert-success")).to_contain_text("Nadia Núñez is invited")
    assert "A clinical lead who approves rule changes" not in steps_to_do(dana, TEAM)

    # A patient, enrolled by the administrator, in Spanish.
    dana.get_by_role("link", name="Enrol a patient").first.click()
    dana.get_by_label("First name").fill("Pilar")
    dana.get_by_label("Last name").fill("Prieto")
    dana.get_by_label("E-mail (the invitation goes here)").fill(PATIENT)
    dana.get_by_role("combobox", name="Language").select_option("es")
    dana.get_by_label("Care team").select_option(label=TEAM)
    dana.get_by_label("Time zone").select_option("Europe/Madrid")
    dana.get_by_role("button", name="Enrol and send the invitation").click()
    expect(dana.locator(".alert-success")).to_contain_text("Pilar Prieto is enrolled")
    expect(card).to_contain_text("1 patient enrolled")
    journey.step(dana, "the checklist, half done")
    with translation.override("es"):  # the patient's invitation is in her language
        spanish = gettext("Your Kesimpta symptom diary account")
    subject = mail_to(stack, PATIENT)["Subject"]
    assert str(make_header(decode_header(subject))) == spanish

    # Nadia follows her e-mail: her own password, then her authenticator app.
    invitation = mail_to(stack, NADIA)
    link = re.search(r"https?://\S+/accounts/reset/\S+", body_of(invitation)).group(0)
    nadia = journey.watch(browser.new_context(**browser_context_args).new_page())
    nadia.set_viewport_size({"width": 1280, "height": 800})
    nadia.goto("/accounts/" + link.split("/accounts/", 1)[1])
    nadia.locator("input[name=new_password1]").fill(PASSPHRASE)
    nadia.locator("input[name=new_password2]").fill(PASSPHRASE)
    nadia.locator("input[name=new_password2]").press("Enter")
    username = stack.query("SELECT username FROM patients_user WHERE email = %s", (NADIA,))[0][0]
    nadia.goto("/accounts/login/")
    nadia.locator("input[name=username]").fill(username)
    nadia.locator("input[name=password]").fill(PASSPHRASE)
    nadia.locator("input[name=password]").press("Enter")
    expect(nadia).to_have_url(re.compile(r"/accounts/2fa/setup/"))
    secret = nadia.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    nadia.locator("input[name=code]").fill(f"{TOTP(key).token():06d}")
    nadia.locator("input[name=code]").press("Enter")
    expect(nadia.locator("body")).to_contain_text(
        re.compile("backup codes|códigos de respaldo", re.I)
    )

    # As clinical lead she signs the team's rules off; the checklist shows what is left.
    nadia.goto("/team/setup/")
    nadia_card = nadia.locator("section.setup-team").filter(
        has=nadia.get_by_role("heading", name=TEAM)
    )
    nadia_card.get_by_role("button").click()
    dana.reload()
    assert steps_to_do(dana, TEAM) == [
        "An urgent line for working hours",
        "Clinicians, and a backup",
    ]
    journey.step(dana, "the checklist after the clinical lead signed off")
    journey.assert_no_script_errors()
