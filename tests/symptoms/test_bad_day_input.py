"""Input as people type it on a bad day: a decimal comma, an empty Save, a symptom that
needs a temperature, a red flag that must never be held up, and amendments in words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from symptoms.forms import EntryForm
from symptoms.models import DiaryEntry, EntryAmendment, Symptom
from symptoms.services import EntryData, Reading, amendment_text, entry_update
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = reverse("symptoms:today")


def make_form(**data):
    post = {"client_key": str(uuid.uuid4()), "unit": "C", **data}
    symptoms = list(Symptom.objects.filter(active=True))
    return EntryForm(post, symptoms=symptoms, patient_zone=LONDON, now=NOW)


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("38,6", Decimal("38.6")),  # a decimal comma, as most of Europe writes it
        (" 38,6 ", Decimal("38.6")),
        ("38.6", Decimal("38.6")),
        ("101,2", Decimal("101.2")),
        ("38", Decimal("38")),
    ],
)
def test_a_decimal_comma_is_the_decimal_mark(typed, read_as):
    unit = "F" if typed.strip().startswith("101") else "C"
    form = make_form(temperature=typed, unit=unit)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["temperature"] == read_as


@pytest.mark.parametrize("typed", ["386", "3,8,6", "38,6.1", "1,000.5"])
def test_what_is_not_a_plausible_temperature_is_refused_never_read_as_another(typed):
    form = make_form(temperature=typed)
    assert not form.is_valid()
    assert "temperature" in form.errors


def test_an_empty_save_asks_for_something_to_record():
    form = make_form(action="save")
    assert not form.is_valid()
    assert "nothing to save yet" in " ".join(form.non_field_errors())


def test_i_feel_fine_with_nothing_else_is_an_entry():
    assert make_form(action="fine").is_valid()


@pytest.mark.parametrize(
    ("data", "asks"),
    [
        ({"s_chills": "2"}, True),  # an infection symptom with no temperature
        ({"s_cough": "1"}, True),
        ({"s_chills": "2", "temperature": "37.9"}, False),
        ({"s_chills": "2", "no_thermometer": "on"}, False),  # the patient says so
        ({"s_headache": "2"}, False),  # not an infection symptom
        ({"s_fatigue": "3"}, False),
    ],
)
def test_a_symptom_that_needs_a_temperature_asks_for_one(data, asks):
    form = make_form(action="save", **data)
    assert form.is_valid() is not asks, form.errors
    if asks:
        assert "Please take your temperature" in form.errors["temperature"][0]


def test_a_red_flag_always_saves_at_once_with_nothing_else():
    """Never in the way of a warning sign: no temperature asked, no "nothing to save"."""
    flag = Symptom.objects.filter(is_red_flag=True).first()
    form = make_form(action="save", **{f"s_{flag.code}": "on", "s_chills": "3"})
    assert form.is_valid(), form.errors


def test_no_thermometer_is_stored_for_the_team(client, bob):
    client.force_login(bob.user)
    client.post(
        TODAY,
        {"client_key": str(uuid.uuid4()), "unit": "C", "s_chills": "2", "no_thermometer": "on"},
    )
    assert DiaryEntry.objects.get(patient=bob).no_thermometer is True


def test_an_empty_save_keeps_the_page_and_saves_nothing(client, bob):
    client.force_login(bob.user)
    response = client.post(TODAY, {"client_key": str(uuid.uuid4()), "unit": "C", "action": "save"})
    assert response.status_code == 200
    assert "There is nothing to save yet" in response.content.decode()
    assert not DiaryEntry.objects.filter(patient=bob).exists()


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        (
            {"Temperature": "39.4 °C"},
            {"Temperature": "37.0 °C"},
            "Temperature: 39.4 °C → 37.0 °C",
        ),
        (
            {"Chills or shivering": "Moderate"},
            {},
            "Chills or shivering: Moderate → none",
        ),
        ({}, {"Cough": "Mild"}, "Cough: none → Mild"),
        ({"Note": "a"}, {"Note": "b"}, "Note changed"),  # the note's words stay private
        ({"Temperature": "37.0 °C"}, {"Temperature": "37.0 °C"}, ""),
    ],
)
def test_an_amendment_says_what_changed_in_words(before, after, text):
    assert amendment_text(before, after) == text


def test_editing_an_entry_records_an_amendment_and_re_evaluates(bob):
    entry = make_entry(bob, NOW, temp="39.4", symptoms={"chills": 2})
    entry.evaluation_state = DiaryEntry.EvaluationState.EVALUATED
    entry.save()
    data = EntryData(readings=(Reading(Decimal("37.0")),), recorded_at=entry.recorded_at)
    entry_update(entry=entry, data=data, by=bob.user, now=NOW + timedelta(minutes=20))
    amendment = EntryAmendment.objects.get(entry=entry)
    assert amendment.summary == (
        "Temperature: 39.4 °C → 37.0 °C; Chills or shivering: Moderate → none"
    )
    assert amendment.amended_by == bob.user
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.PENDING


def test_a_red_flag_saves_even_with_a_reading_that_would_be_questioned():
    """41.5 °C is asked about ("is this right?") — but never with a warning sign ticked."""
    flag = Symptom.objects.filter(is_red_flag=True).first()
    assert not make_form(temperature="41.5").is_valid()
    assert make_form(temperature="41.5", **{f"s_{flag.code}": "on"}).is_valid()
