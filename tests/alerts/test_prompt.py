"""The patient's prompt says what to do, and every CONTACT/URGENT one carries the safety net."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from alerts import services
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db

SAFETY_NET = (
    "This diary is not watched in real time.",
    "call 999 now",
    "Do not take paracetamol or ibuprofen before measuring",
)


def render(entry) -> str:
    prompt = services.entry_prompt(entry)
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
        make_entry(bob, timezone.now(), temp=temp, symptoms=symptoms, red_flags=red_flags)
    )
    assert heading in html
    for sentence in SAFETY_NET:
        assert sentence in html
    assert bob.team.phone in html and bob.team.urgent_phone in html
    assert str(bob.team.out_of_hours) in html
    assert "24/7" not in html and "monitored" not in html


def test_the_contact_prompt_gives_the_reasons_in_plain_words(bob):
    html = render(make_entry(bob, timezone.now(), temp="38.4", symptoms={"chills": 2}))
    assert "You have a fever" in html
    assert "Chills or body aches with a raised temperature" in html
    assert "Measure your temperature again" in html


def test_a_watch_prompt_says_keep_monitoring_without_alarm(bob):
    html = render(make_entry(bob, timezone.now(), temp="37.6"))
    assert "Keep monitoring" in html
    assert "slightly raised" in html
    assert "not watched in real time" not in html


def test_a_calm_entry_says_thank_you(bob):
    html = render(make_entry(bob, timezone.now(), temp="36.8"))
    assert "Thank you — nothing needs action today" in html
    assert "Why" not in html
