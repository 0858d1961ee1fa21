"""The today form: every validation bound, in both units, and the °F→°C conversion table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from symptoms.forms import EntryForm
from symptoms.models import Symptom, TemperatureReading
from tests.symptoms.fahrenheit import FAHRENHEIT_TO_CELSIUS
from tests.symptoms.reading_keys import CONFIRM_KEYS

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_form(**data):
    post = {"client_key": str(uuid.uuid4()), "unit": "C", **data}
    symptoms = list(Symptom.objects.filter(active=True))
    return EntryForm(post, symptoms=symptoms, patient_zone=LONDON, now=NOW)


# (unit, value, confirm_unusual, outcome): ok / refused / confirm (asks "is this right?")
TEMPERATURE_BOUNDS = [
    ("C", "29.9", False, "refused"),
    ("C", "30.0", False, "confirm"),  # recordable, but below 35.0 asks first
    ("C", "30.0", True, "ok"),
    ("C", "34.9", False, "confirm"),
    ("C", "35.0", False, "ok"),
    ("C", "37.5", False, "ok"),
    ("C", "41.0", False, "ok"),
    ("C", "41.1", False, "confirm"),
    ("C", "41.1", True, "ok"),
    ("C", "45.0", True, "ok"),
    ("C", "45.1", True, "refused"),  # confirming cannot save an impossible value
    ("F", "85.9", False, "refused"),
    ("F", "86.0", True, "ok"),
    ("F", "94.9", False, "confirm"),  # 34.9 °C
    ("F", "95.0", False, "ok"),  # 35.0 °C
    ("F", "105.8", False, "ok"),  # 41.0 °C
    ("F", "105.9", False, "confirm"),  # 41.1 °C
    ("F", "113.0", True, "ok"),
    ("F", "113.1", True, "refused"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("unit", "value", "confirm", "outcome"), TEMPERATURE_BOUNDS)
def test_temperature_bounds(unit, value, confirm, outcome):
    data = {"temperature": value, "unit": unit}
    if confirm:
        data["confirm_unusual"] = f"{value}{unit}"  # what "Yes, … is right" sends
    form = make_form(**data)
    valid = form.is_valid()
    assert valid is (outcome == "ok"), form.errors
    if outcome == "refused":
        assert "not a body temperature we can record" in form.errors["temperature"][0]
    if outcome == "confirm":
        assert form.needs_confirmation
        assert "very unusual" in form.errors["temperature"][0]
        assert form.unusual_key == f"{value}{unit}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("heart_rate", "24", False),
        ("heart_rate", "25", True),
        ("heart_rate", "250", True),
        ("heart_rate", "251", False),
        ("resp_rate", "3", False),
        ("resp_rate", "4", True),
        ("resp_rate", "60", True),
        ("resp_rate", "61", False),
        ("spo2", "49", False),
        ("spo2", "50", True),
        ("spo2", "100", True),
        ("spo2", "101", False),
        ("systolic_bp", "49", False),
        ("systolic_bp", "50", True),
        ("systolic_bp", "260", True),
        ("systolic_bp", "261", False),
        ("heart_rate", "ninety", False),
        ("spo2", "97.5", False),
    ],
)
def test_vital_bounds(field, value, ok):
    form = make_form(**{field: value})
    assert form.is_valid() is ok
    if not ok:
        assert form.errors[field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("grade", "ok"), [("-1", False), ("0", True), ("4", True), ("5", False), ("x", False)]
)
def test_grades_are_0_to_4(grade, ok):
    form = make_form(s_cough=grade, temperature="36.8")
    assert form.is_valid() is ok
    if ok:
        assert form.grades().get("cough", 0) == int(grade)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "ok", "message"),
    [
        (timedelta(minutes=4), True, None),
        (timedelta(minutes=6), False, "in the future"),
        (timedelta(days=1), False, "in the future"),
        (-timedelta(days=6, hours=23), True, None),
        (-timedelta(days=7, minutes=1), False, "last 7 days"),
    ],
)
def test_measured_at_window(offset, ok, message):
    local = (NOW + offset).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    form = make_form(temperature="37.0", measured_at=local)
    assert form.is_valid() is ok
    if message:
        assert message in form.errors["measured_at"][0]


@pytest.mark.django_db
def test_unknown_symptom_code_is_refused_with_a_message():
    form = make_form(s_cough="1", s_made_up="2")
    assert not form.is_valid()
    assert "Unknown symptom: made_up" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_red_flags_and_flags_record_as_present():
    form = make_form(s_might_die="on", s_cough="2")
    assert form.is_valid(), form.errors
    assert form.grades() == {"might_die": 1, "cough": 2}
    assert form.grades(feels_fine=True) == {}


@pytest.mark.django_db
def test_live_vaccine_needs_its_name():
    form = make_form(planned_vaccine_live="on")
    assert not form.is_valid()
    assert form.errors["planned_vaccine"]


@pytest.mark.django_db
@pytest.mark.parametrize(("fahrenheit", "celsius"), FAHRENHEIT_TO_CELSIUS)
def test_fahrenheit_is_stored_as_entered_with_rounded_celsius(bob, fahrenheit, celsius):
    from tests.alerts.factories import make_entry

    entry = make_entry(bob, NOW, temp=fahrenheit, unit="F")
    reading = TemperatureReading.objects.get(entry=entry)
    assert (reading.value, reading.unit) == (Decimal(fahrenheit), "F")
    assert reading.value_c == Decimal(celsius)


@pytest.mark.parametrize(("typed", "unit", "key"), CONFIRM_KEYS)
@pytest.mark.django_db
def test_the_question_names_the_reading_one_way_however_it_was_typed(typed, unit, key):
    """The key "Yes, … is right" sends is the reading to one decimal place: the offline
    script builds the same from the same typing (tests/e2e/test_offline_journey.py)."""
    form = make_form(temperature=typed, unit=unit)
    assert not form.is_valid() and form.needs_confirmation
    assert form.unusual_key == key
    assert make_form(temperature=typed, unit=unit, confirm_unusual=key).is_valid()


@pytest.mark.django_db
def test_an_answered_reading_is_not_asked_again_and_not_confirmed_for_the_patient():
    """On the change page the saved answer is carried (answered_unusual): no second question,
    and the re-measure box stays as the patient leaves it."""
    form = make_form(temperature="34.0", answered_unusual="34.0C")
    assert form.is_valid(), form.errors
    assert not form.cleaned_data["confirmed"]
    ticked = make_form(temperature="34.0", answered_unusual="34.0C", confirmed="on")
    assert ticked.is_valid() and ticked.cleaned_data["confirmed"]
    assert not make_form(temperature="33.0", answered_unusual="34.0C").is_valid()  # changed
