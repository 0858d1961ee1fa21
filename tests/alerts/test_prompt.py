"""The patient's prompt says what to do, and every CONTACT/URGENT one carries the safety net."""

from __future__ import annotations

import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts.care.prompts import prompt_of
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db

SAFETY_NET = (
    "This diary is not watched in real time.",
    "call 999 now",
    "Do not take paracetamol or ibuprofen before measuring",
)


def render(entry) -> str:
    prompt = prompt_of(entry)
    return render_to_string("alerts/_prompt.html", {"prompt": prompt, "team": entry.patient.team})


@pytest.mark.parametrize(
    ("temp", "symptoms", "red_flags", "heading"),
    [
        ("38.4", {"chills": 2}, (), "Contact your care team today"),
        ("36.8", {}, ("might_die",), "Seek medical attention now"),
    ],
)
def test_every_team_level_prompt_carries_the_safety_net(bob, temp, symptoms, red_flags, heading):
    html = render(
        submit_entry(bob, timezone.now(), temp=temp, symptoms=symptoms, red_flags=red_flags)
    )
    assert heading in html
    for sentence in SAFETY_NET:
        assert sentence in html
    assert bob.team.phone in html and bob.team.urgent_phone in html
    assert str(bob.team.out_of_hours) in html
    assert "24/7" not in html and "monitored" not in html


def test_the_contact_prompt_gives_the_reasons_in_plain_words(bob):
    html = render(submit_entry(bob, timezone.now(), temp="38.4", symptoms={"chills": 2}))
    assert "You have a fever" in html
    assert "Chills or body aches with a raised temperature" in html
    assert "Measure your temperature again" in html


def test_a_watch_prompt_says_keep_monitoring_without_alarm(bob):
    html = render(submit_entry(bob, timezone.now(), temp="37.6"))
    assert "Keep monitoring" in html
    assert "slightly raised" in html
    assert "not watched in real time" not in html


def test_a_calm_entry_says_thank_you(bob):
    html = render(submit_entry(bob, timezone.now(), temp="36.8"))
    assert "Thank you — nothing needs action today" in html
    assert "Why" not in html


@pytest.mark.django_db
def test_the_prompt_links_to_education_pages_for_its_rules(client, bob):
    from alerts.models import EducationPage

    client.force_login(bob.user)
    response = client.post(
        reverse("symptoms:today"),
        {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "38.2"},
        follow=True,
    )
    html = response.content.decode()
    assert "Read more" in html
    page = EducationPage.objects.get(slug="fever-and-infection")
    assert reverse("patients:education", args=[page.slug]) in html
    assert "injection-reactions" not in html  # only pages for the rules that fired


@pytest.mark.django_db
def test_an_education_page_is_public_plain_text_and_admin_edited(client):
    from alerts.models import EducationPage

    page = EducationPage.objects.get(slug="sepsis-signs")
    page.body = "First paragraph.\n\n<script>alert(1)</script>"
    page.save()
    html = client.get(reverse("patients:education", args=[page.slug])).content.decode()
    assert "<p>First paragraph.</p>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert page.history.count() >= 1
    page.published = False
    page.save()
    assert client.get(reverse("patients:education", args=[page.slug])).status_code == 404


@pytest.mark.django_db
def test_every_rule_a_patient_sees_has_a_page_except_diary_reminders():
    from alerts.models import AlertRule

    # The laboratory rules (§6) are the team's: a patient never reads their words.
    without = (
        AlertRule.objects.filter(education_pages__isnull=True)
        .exclude(family="lab")
        .values_list("rule_id", flat=True)
    )
    # Diary reminders have their own wording; PRO-* cover any symptom, so no single page fits.
    assert sorted(without) == [
        "DIARY-FOLLOWUP",
        "DIARY-GAP-2",
        "DIARY-GAP-3",
        "PRO-SEV",
        "PRO-WORSEN-2",
    ]


def test_the_lead_reason_quotes_what_the_patient_ticked_before_any_title(client, bob):
    """Bug: ian ticked only "slurred speech or new confusion"; he read "Reason: Severe breathing
    problem" (RESP-SEV, whose inputs include confusion)."""
    html = render(submit_entry(bob, timezone.now(), red_flags=("slurred_speech_confusion",)))
    ticked = html.index("You ticked: Slurred speech or new confusion.")
    assert ticked < html.index("Reason: Possible sepsis signs")
    assert "Severe breathing problem" not in html


def test_the_lead_reason_names_the_reading_that_raised_it(bob):
    html = render(submit_entry(bob, timezone.now(), temp="38.4"))
    assert "You recorded: 38.4 °C." in html
    assert "Reason: Fever" in html


def test_an_entry_saved_but_not_recorded_says_so_calmly_with_the_numbers(bob):
    from tests.alerts.factories import make_entry

    html = render(make_entry(bob, timezone.now(), temp="38.4"))  # pending: no outcome yet
    assert "the diary is still checking this entry" in html
    assert 'href="tel:999"' in html
    assert bob.team.phone in html
    assert "nothing needs action" not in html


@pytest.mark.parametrize("flag", ["vomiting_blood", "abdomen_swelling"])
def test_a_warning_sign_no_rule_turns_urgent_still_says_call_now(client, bob, flag):
    """Vomiting blood without yellow skin raises no rule (HBV-SEV needs jaundice); the page
    still tells the patient to call, never "nothing needs action"."""
    entry = submit_entry(bob, timezone.now(), red_flags=(flag,))
    assert prompt_of(entry).level == "NONE"
    client.force_login(bob.user)
    html = client.get(reverse("symptoms:result", args=[entry.pk])).content.decode()
    assert "You ticked a warning sign" in html
    assert 'href="tel:999"' in html
    assert "nothing needs action" not in html
