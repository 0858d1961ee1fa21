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
    assert why_text(readings) == "101.1 °F (38.4 °C), re-measure at 23 Nov 08:15"
    assert why_text({"threshold_c": "38.3"}) == "threshold °C 38.3"
    assert why_text({"chills": {"from": 0, "to": 2}}) == "Chills or shivering 0 → 2"
    assert why_text([]) == "none"
    assert why_text(True) == "yes"
    assert why_text("2026-11-20") == "20 Nov"
    assert label("elevated_risk") == "Elevated risk"


@pytest.mark.django_db
def test_symptom_codes_read_as_the_labels_patients_see():
    assert why_text(["extreme_shivering", "might_die"]) == (
        "Extreme shivering or severe muscle pain; Feeling you might die"
    )
    assert why_text({"cough": 2, "min_grade": 2}) == "Cough 2, min grade 2"
    assert why_text("not_a_code") == "not_a_code"
