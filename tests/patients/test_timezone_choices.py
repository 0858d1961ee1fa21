"""The time-zone picker: by country and city, IANA names stored, no Etc/Factory/legacy names,
and a value saved before still shows and saves."""

from __future__ import annotations

import importlib
import pkgutil
import re
from zoneinfo import available_timezones

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from patients import timezones
from patients.forms import SettingsForm
from patients.models import Patient
from patients.timezones import COMMON_ZONES, DEFAULT_ZONE, ZoneChoiceField
from team.forms import EnrolForm
from team.setup_views import TeamForm
from tests.sources import PRODUCT, ROOT, places

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


def _all_form_classes() -> set[type]:
    """Every form class in the product's modules (imported, then found by subclassing)."""
    for package in PRODUCT:
        if (ROOT / package / "__init__.py").exists():
            root = importlib.import_module(package)
            for module in pkgutil.walk_packages(root.__path__, f"{package}."):
                if ".migrations" not in module.name and ".management" not in module.name:
                    importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {cls for cls in found if cls.__module__.split(".")[0] in PRODUCT}


def _offered_by(field) -> set[str]:
    return {
        value
        for _group, options in field.choices
        for value, _label in (options if isinstance(options, list | tuple) else [])
    }


@pytest.mark.django_db
def test_every_time_zone_field_offers_the_one_list(bob, team_a):
    """A form (or the admin) with its own list of zones would offer Etc/GMT+5 again."""
    made = {
        EnrolForm: lambda: EnrolForm(teams=type(team_a).objects.filter(pk=team_a.pk)),
        SettingsForm: lambda: SettingsForm(instance=bob),
        TeamForm: lambda: TeamForm(instance=team_a),
    }
    with_zone = {
        cls for cls in _all_form_classes() if "timezone" in getattr(cls, "base_fields", {})
    }
    assert with_zone == set(made), f"time-zone forms this test does not know: {with_zone}"
    one_list = set(timezones.offered())
    for cls, make in made.items():
        field = make().fields["timezone"]
        assert isinstance(field, ZoneChoiceField), cls
        assert _offered_by(field) == one_list, cls
    # The models' fields: the one default, and the admin picks from the one list.
    request = RequestFactory().get("/")
    for model in apps.get_models():
        for model_field in model._meta.fields:
            if model_field.name != "timezone":
                continue
            assert model_field.default == DEFAULT_ZONE, model
            model_admin = admin.site._registry.get(model)
            if model_admin is not None:
                request.user = type("Admin", (), {"is_superuser": True})()
                form = model_admin.get_form(request, None, fields=["timezone"])
                assert isinstance(form.base_fields["timezone"], ZoneChoiceField), model
                assert _offered_by(form.base_fields["timezone"]) == one_list, model


def test_the_default_zone_is_written_once():
    """ "Europe/London" is the default in patients/timezones.py and nowhere else."""
    written = places(r"Europe/London", ".py", ".html", ".txt", ".js")
    assert written == [f"patients/timezones.py:{_line_of('DEFAULT_ZONE = ')}", _common()]


def test_only_the_timezones_module_lists_the_tz_database():
    """A second list of choices would start from zoneinfo's names."""
    assert {p.split(":")[0] for p in places(r"available_timezones|all_timezones", ".py")} <= {
        "patients/timezones.py",
        "patients/models.py",  # validate_timezone: any real zone, so a saved value still works
    }


def _line_of(prefix: str) -> int:
    lines = (ROOT / "patients/timezones.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(prefix))


def _common() -> str:
    """The common zones list starts with the default zone (offered first)."""
    return f"patients/timezones.py:{_line_of('COMMON_ZONES = ') + 1}"
