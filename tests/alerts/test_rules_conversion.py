"""°F→°C exactly as clinical-rules.md A.0 says, and the rules read the converted value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from symptoms.readings import to_celsius
from tests.alerts.rulekit import entry, fired
from tests.symptoms.fahrenheit import FAHRENHEIT_TO_CELSIUS


# The form keeps one decimal; the conversion itself takes more (96.75 °F is 35.97 °C).
@pytest.mark.parametrize(("fahrenheit", "celsius"), [*FAHRENHEIT_TO_CELSIUS, ("96.75", "36.0")])
def test_fahrenheit_to_celsius(fahrenheit, celsius):
    assert to_celsius(Decimal(fahrenheit), "F") == Decimal(celsius)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("37.45", "37.5"), ("37.449", "37.4"), ("37.95", "38.0"), ("38.25", "38.3")],
)
def test_celsius_rounds_half_up_not_to_even(value, rounded):
    assert to_celsius(Decimal(value), "C") == Decimal(rounded)


def test_float_input_goes_through_its_decimal_text():
    # 100.4 as a binary float is 100.40000000000000568...; the rule must still see 38.0.
    assert to_celsius(100.4, "F") == Decimal("38.0")


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError, match="unknown temperature unit"):
        to_celsius(Decimal("37"), "K")


@pytest.mark.parametrize(
    ("fahrenheit", "er", "expected"),
    [
        ("99.4", False, []),
        ("99.5", False, ["T-LOW-1"]),
        ("100.3", False, ["T-LOW-1"]),
        ("100.4", False, ["T-FEV-1"]),
        ("100.8", True, ["T-FEV-1"]),
        ("100.9", True, ["T-FEV-1", "T-FEV-ER-1"]),
        ("96.8", False, []),
        ("96.7", False, ["T-HYPO-0"]),
    ],
)
def test_rules_compare_the_rounded_celsius_value(fahrenheit, er, expected):
    result = fired(entry(t=fahrenheit, unit="F"), er=["low_ig"] if er else ())
    assert result == expected
