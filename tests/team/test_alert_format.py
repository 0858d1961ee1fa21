"""The why of an alert reads as text, not as stored JSON."""

from __future__ import annotations

import pytest

from team.templatetags.alert_format import label, why_text


@pytest.mark.django_db
def test_readings_thresholds_and_changes():
    readings = [
        {
            "value": "101.1",
            "unit": "F",
            "value_c": "38.4",
            "confirmed": True,
            "at": "2026-11-23T08:15:00+00:00",
        }
    ]
    assert why_text(readings) == "38.4 °C (101.1 °F), re-measure at 23 Nov 08:15"
    assert why_text({"threshold_c": "38.3"}) == "threshold 38.3 °C"
    assert why_text({"chills": {"from": 0, "to": 2}}) == "Chills or shivering: none → moderate"
    assert why_text([]) == "none"
    assert why_text(True) == "yes"
    assert why_text("2026-11-20") == "20 Nov"
    assert label("elevated_risk") == "Elevated risk"


@pytest.mark.django_db
def test_symptom_codes_read_as_the_labels_patients_see():
    assert why_text(["extreme_shivering", "might_die"]) == (
        "Extreme shivering or severe muscle pain; Feeling you might die"
    )
    assert why_text({"cough": 2, "min_grade": 2}) == "Cough: moderate, min grade 2"
    assert why_text("not_a_code") == "not_a_code"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("whys", "expected"),
    [
        ([{"readings": [{"value": "39.4", "unit": "C", "value_c": "39.4"}]}], ["39.4 °C"]),
        (  # the highest reading of several alerts, said once
            [
                {"readings": [{"value": "38.1", "unit": "C", "value_c": "38.1"}]},
                {"readings": [{"value": "102.2", "unit": "F", "value_c": "39.0"}]},
            ],
            ["39.0 °C (102.2 °F)"],
        ),
        ([{"symptoms": {"breathless": 3}}], ["More breathless than usual: severe"]),
        ([{"symptoms": {"chills": {"from": 0, "to": 2}}}], ["Chills or shivering: moderate"]),
        ([{"red_flags": ["might_die"]}], ["Warning sign: Feeling you might die"]),
        ([{"heart_rate": 131, "temperature_c": "38.2"}], ["38.2 °C", "Pulse 131/min"]),
        ([{"hours_since_injection": "0.04"}], ["2 minutes after the injection"]),
        ([{"hours_since_injection": 30}], ["30 hours after the injection"]),
        ([{"days": 3, "thresholds": {"days": 3}}], []),  # left to the rule's title
    ],
)
def test_the_values_that_fired_in_words_and_units(whys, expected):
    from team.templatetags.alert_format import fired_values_of

    assert fired_values_of(whys) == expected


@pytest.mark.django_db
def test_why_this_alert_reads_in_german_with_german_months():
    """ "Readings", "Thresholds" and "03 Dec" stood in English on the German page."""
    from django.utils import translation

    reading = [{"value": "38.6", "unit": "C", "value_c": "38.6", "at": "2026-12-03T08:15:00Z"}]
    with translation.override("de"):
        assert (label("readings"), label("thresholds")) == ("Messwerte", "Schwellenwerte")
        assert label("red_flags") == "Warnzeichen"
        assert why_text(reading) == "38,6 °C um 3 Dez 08:15"
        assert label("some_new_key") == "Some new key"  # readable, never a bare code


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (None, "minutes", "—"),
        (12.4, "minutes", "12 min"),
        (240, "minutes", "4 h"),  # never "4 h 0 min"
        (2672.9, "minutes", "1 day 20 h"),  # the report's p90 once read "2672.9"
        (4, "working hours", "4 h"),
        (22.77, "working hours", "22 h 46 min"),
    ],
)
def test_report_durations_read_in_words(value, unit, words):
    from team.templatetags.alert_format import response_time

    assert response_time(value, unit) == words
