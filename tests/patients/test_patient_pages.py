"""The patient's injections and settings pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Injection

INJECTIONS = reverse("patients:injections")
SETTINGS = reverse("patients:settings")


@pytest.mark.django_db
def test_log_an_injection_and_see_the_next_dose(client, bob):
    client.force_login(bob.user)
    given = timezone.now().astimezone(bob.zone) - timedelta(hours=2)
    bob.injections.create(given_at=given - timedelta(days=28), dose_number=4)
    response = client.post(
        INJECTIONS, {"given_at": given.strftime("%Y-%m-%dT%H:%M"), "site": "abdomen"}, follow=True
    )
    injection = Injection.objects.filter(patient=bob).order_by("-given_at").first()
    assert (injection.dose_number, injection.site, injection.logged_by) == (5, "abdomen", bob.user)
    html = response.content.decode()
    assert "Injection saved." in html
    next_day = (given.date() + timedelta(days=28)).strftime("%-d %B %Y")
    assert "Dose 6: " in html and next_day in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given_at", "message"),
    [
        ("tomorrow", "Enter a valid date/time."),
        ("2099-01-01T10:00", "in the future"),
        ("2001-01-01T10:00", "from the last year"),
    ],
)
def test_bad_injection_times_are_refused_with_a_message(client, bob, given_at, message):
    client.force_login(bob.user)
    response = client.post(INJECTIONS, {"given_at": given_at, "site": "thigh"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{given_at}"' in response.content.decode()
    assert not Injection.objects.exists()


@pytest.mark.django_db
def test_missed_dose_banner_says_what_to_do(client, bob):
    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=35), dose_number=4)
    html = client.get(INJECTIONS).content.decode()
    assert "Dose 5 was due on" in html
    assert "inject as soon as you can" in html and "tell your team" in html


@pytest.mark.django_db
def test_settings_change_unit_zone_and_reminder(client, bob):
    client.force_login(bob.user)
    response = client.post(
        SETTINGS,
        {
            "temperature_unit": "F",
            "timezone": "America/New_York",
            "reminders_enabled": "on",
            "reminder_time": "19:30",
        },
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.temperature_unit, bob.timezone, bob.reminder_time.strftime("%H:%M")) == (
        "F",
        "America/New_York",
        "19:30",
    )


@pytest.mark.django_db
def test_settings_refuse_an_unknown_time_zone(client, bob):
    client.force_login(bob.user)
    response = client.post(
        SETTINGS, {"temperature_unit": "C", "timezone": "Mars/Olympus", "reminder_time": "09:00"}
    )
    assert response.status_code == 200
    assert "Please pick your country and the nearest city" in response.content.decode()
    bob.refresh_from_db()
    assert bob.timezone == "Europe/London"


@pytest.mark.django_db
def test_settings_list_caregivers_and_are_read_only_for_them(client, bob, carol):
    client.force_login(bob.user)
    assert "Carol" in client.get(SETTINGS).content.decode()
    client.force_login(carol.user)
    html = client.get(SETTINGS).content.decode()
    assert "belong to the person whose diary you fill in" in html
    client.post(SETTINGS, {"temperature_unit": "F", "timezone": "UTC", "reminder_time": "09:00"})
    bob.refresh_from_db()
    assert bob.temperature_unit == "C"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INJECTIONS, SETTINGS])
def test_clinicians_and_anonymous_users_have_no_patient_pages(client, alice, url):
    assert client.get(url).status_code == 302  # to login
    client.force_login(alice)
    assert client.get(url).status_code == 404
