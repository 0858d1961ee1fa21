"""Who the patient is and how to reach them: enrolled and edited by the team, never shown
to the patient, with history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(patient):
    return reverse("team:patient_details", args=[patient.pk])


def test_alice_edits_bobs_details_with_history(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        url(bob),
        {
            "first_name": "Bob",
            "last_name": "Baker",
            "date_of_birth": "31/12/1960",
            "hospital_number": "RX4 123 456",
            "phone": "+44 7700 900123",
        },
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.date_of_birth, bob.hospital_number, bob.phone, bob.tel) == (
        date(1960, 12, 31),
        "RX4 123 456",
        "+44 7700 900123",
        "+447700900123",
    )
    assert bob.history.first().history_user == alice
    page = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert 'href="tel:+447700900123"' in page and "RX4 123 456" in page
    assert "Born 31 Dec 1960 (age " in page


def test_the_national_number_is_named_as_the_teams_country_names_it(client, alice, bob, team_a):
    client.force_login(alice)
    assert "NHS number" in client.get(url(bob)).content.decode()
    data = {"first_name": "Bob", "last_name": "Baker", "national_number": "943-476-5919"}
    assert client.post(url(bob), data).status_code == 302
    bob.refresh_from_db()
    assert bob.national_number == "9434765919"
    assert (
        "NHS number <strong>9434765919</strong>"
        in client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    )
    team_a.country = "DE"
    team_a.save()
    page = client.get(url(bob)).content.decode()
    assert "Health insurance number (KVNR)" in page and "NHS number" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "31/12/2999", "Check the date of birth"),
        ("date_of_birth", "1800-01-01", "Check the date of birth"),
        ("date_of_birth", "yesterday", "Enter a valid date"),
        ("phone", "call me", "Enter a phone number with 6 to 15 digits"),
        ("phone", "+44 12", "Enter a phone number with 6 to 15 digits"),
        # Bob's team is in the UK: the national number is an NHS number, check digit and all.
        ("national_number", "943 476 5918", "This is not a valid NHS number"),
        ("national_number", "12345", "An NHS number has 10 digits"),
    ],
)
def test_bad_details_are_refused_keeping_what_was_typed(client, alice, bob, field, value, message):
    client.force_login(alice)
    data = {"first_name": "Bob", "last_name": "Baker", "hospital_number": "RX4 9", field: value}
    response = client.post(url(bob), data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert f'value="{value}"' in html and 'value="RX4 9"' in html
    bob.refresh_from_db()
    assert bob.hospital_number == ""


def test_charlie_cannot_see_or_change_bobs_details(client, charlie, bob):
    client.force_login(charlie)
    assert client.get(url(bob)).status_code == 404
    response = client.post(url(bob), {"first_name": "X", "last_name": "Y", "phone": "0123456"})
    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.phone == "" and bob.user.first_name == "Bob"


def test_bobs_own_pages_never_show_his_identity_fields(client, bob):
    bob.hospital_number, bob.phone, bob.date_of_birth = (
        "RX4 123 456",
        "+44 7700 900123",
        date(1960, 12, 31),
    )
    bob.save()
    client.force_login(bob.user)
    for name in ("symptoms:today", "symptoms:history", "patients:settings"):
        html = client.get(reverse(name)).content.decode()
        assert "RX4 123 456" not in html and "7700 900123" not in html and "1960" not in html


def test_enrolment_takes_the_details(client, alice, team_a):
    client.force_login(alice)
    response = client.post(
        reverse("team:enrol"),
        {
            "first_name": "Łukasz",
            "last_name": "Żółć",
            "email": "lukasz@example.org",
            "date_of_birth": "02.05.1971",
            "hospital_number": "RX7 777 777",
            "national_number": "943 476 5919",
            "language": "de",
            "phone": "+48 600 700 800",
            "team": team_a.pk,
            "timezone": "Europe/Warsaw",
            "temperature_unit": "C",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from patients.models import Patient

    patient = Patient.objects.get(user__email="lukasz@example.org")
    assert (patient.date_of_birth, patient.hospital_number, patient.tel) == (
        date(1971, 5, 2),
        "RX7 777 777",
        "+48600700800",
    )
    assert (patient.national_number, patient.user.language) == ("9434765919", "de")
