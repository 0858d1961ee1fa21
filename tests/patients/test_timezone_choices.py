"""The time-zone picker: by country and city, IANA names stored, no Etc/Factory/legacy names,
and a value saved before still shows and saves."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

import pytest
from django.urls import reverse

from patients import timezones
from patients.forms import SettingsForm
from patients.models import COMMON_ZONES, Patient

SETTINGS = reverse("patients:settings")


def offered_values(choices) -> list[str]:
    return [value for _group, options in choices for value, _label in options]


@pytest.fixture
def choices():
    return timezones.zone_choices(common=COMMON_ZONES)


def test_it_offers_only_country_zones_by_their_iana_names(choices):
    values = offered_values(choices)
    assert set(values) <= available_timezones()
    assert len(set(values)) > 300  # every country's zones, not a short list
    legacy = [v for v in values if v.startswith(("Etc/", "US/", "SystemV/")) or "/" not in v]
    assert legacy == []
    for name in ("Factory", "UTC", "GMT", "GB", "Etc/GMT+5", "US/Eastern", "Asia/Calcutta"):
        assert name not in values


@pytest.mark.parametrize(
    ("zone", "group", "label"),
    [
        ("Europe/London", "United Kingdom", "United Kingdom — London"),
        ("Europe/Oslo", "Norway", "Norway — Oslo"),
        ("America/Argentina/Buenos_Aires", "Argentina", "Argentina — Buenos Aires (BA, CF)"),
        ("Asia/Kolkata", "India", "India — Kolkata"),
        ("America/Denver", "United States", "United States — Denver: Mountain (most areas)"),
    ],
)
def test_each_zone_is_in_its_country_group_with_a_city_label(choices, zone, group, label):
    groups = dict(choices)
    assert (zone, label) in groups[group]


def test_common_zones_come_first(choices):
    name, options = choices[0]
    assert name == "Common"
    assert options[0] == ("Europe/London", "United Kingdom — London")


def test_a_saved_legacy_value_is_offered_as_it_is():
    choices = timezones.zone_choices(common=COMMON_ZONES, current="US/Eastern")
    assert choices[0] == ("Your current setting", [("US/Eastern", "US/Eastern")])
    assert "Etc/GMT+5" not in offered_values(choices)


def test_without_the_tables_it_falls_back_to_regions(monkeypatch):
    monkeypatch.setattr(timezones, "_table", lambda name: None)
    timezones.country_zones.cache_clear()
    timezones.offered.cache_clear()
    try:
        values = offered_values(timezones.zone_choices(common=COMMON_ZONES))
        assert "Europe/London" in values
        assert not [v for v in values if v.startswith(("Etc/", "US/")) or "/" not in v]
    finally:
        timezones.country_zones.cache_clear()
        timezones.offered.cache_clear()


@pytest.mark.django_db
def test_the_settings_page_shows_a_grouped_select(client, bob):
    client.force_login(bob.user)
    html = client.get(SETTINGS).content.decode()
    assert '<optgroup label="United Kingdom">' in html
    assert re.search(
        r'<option value="Europe/London"[^>]*selected[^>]*>United Kingdom — London', html
    )
    assert "Etc/GMT" not in html and "Factory" not in html


@pytest.mark.django_db
def test_a_saved_legacy_value_still_shows_and_saves(client, bob):
    Patient.objects.filter(pk=bob.pk).update(timezone="US/Eastern")
    client.force_login(bob.user)
    html = client.get(SETTINGS).content.decode()
    assert re.search(r'<option value="US/Eastern"[^>]*selected', html)
    response = client.post(
        SETTINGS,
        {"temperature_unit": "F", "timezone": "US/Eastern", "reminder_time": "09:00"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.timezone, bob.temperature_unit) == ("US/Eastern", "F")


@pytest.mark.django_db
def test_a_name_not_offered_is_refused_and_the_rest_is_kept(client, bob):
    client.force_login(bob.user)
    response = client.post(
        SETTINGS,
        {"temperature_unit": "F", "timezone": "Etc/GMT+5", "reminder_time": "19:45"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please pick your country and the nearest city from the list." in html
    assert 'value="19:45"' in html
    bob.refresh_from_db()
    assert bob.timezone == "Europe/London"


@pytest.mark.django_db
def test_a_country_city_choice_saves_the_iana_name(bob):
    form = SettingsForm(
        {"temperature_unit": "C", "timezone": "Asia/Kolkata", "reminder_time": "09:00"},
        instance=bob,
    )
    assert form.is_valid(), form.errors
    form.save()
    bob.refresh_from_db()
    assert bob.timezone == "Asia/Kolkata"


@pytest.mark.django_db
def test_a_caregiver_sees_the_zone_by_its_city(client, bob, carol):
    client.force_login(carol.user)
    assert "United Kingdom — London" in client.get(SETTINGS).content.decode()
