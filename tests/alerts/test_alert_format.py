"""The why of an alert reads as text, not as stored JSON."""

from __future__ import annotations

from alerts.templatetags.alert_format import label, why_text


def test_readings_thresholds_and_changes():
    readings = [{"value": "101.1", "unit": "F", "value_c": "38.4", "confirmed": True,
                 "at": "2026-11-23T08:15:00+00:00"}]  # fmt: skip
    assert why_text(readings) == "101.1 °F (38.4 °C), re-measure at 23 Nov 08:15"
    assert why_text({"threshold_c": "38.3"}) == "threshold °C 38.3"
    assert why_text({"chills": {"from": 0, "to": 2}}) == "chills 0 → 2"
    assert why_text([]) == "none"
    assert why_text(True) == "yes"
    assert why_text("2026-11-20") == "20 Nov"
    assert label("elevated_risk") == "Elevated risk"
