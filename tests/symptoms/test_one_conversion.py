"""°C ↔ °F is computed in symptoms/readings.py only: the chart, the exports, the rule
messages and the demo cannot disagree about what 38.0 °C is in °F."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from symptoms.readings import from_celsius, to_celsius
from tests.sources import places


@pytest.mark.parametrize(
    ("celsius", "fahrenheit"),
    [("36.0", "96.8"), ("37.5", "99.5"), ("38.0", "100.4"), ("38.3", "100.9"), ("39.1", "102.4")],
)
def test_it_gives_a_celsius_value_in_fahrenheit(celsius, fahrenheit):
    assert from_celsius(D(celsius), "F") == D(fahrenheit)
    assert to_celsius(from_celsius(D(celsius), "F"), "F") == D(celsius)


def test_it_leaves_celsius_as_it_is():
    assert from_celsius(D("38.4"), "C") == D("38.4")


def test_no_other_module_writes_the_formula():
    """9/5, 5/9, × 1.8 and ± 32 (as arithmetic) appear in readings.py and nowhere else."""
    formula = r"9\s*/\s*5|5\s*/\s*9|\*\s*1\.8\b|1\.8\s*\*|[-+]\s*32\b"
    written = {place.split(":")[0] for place in places(formula, ".py", ".html")}
    assert written == {"symptoms/readings.py"}
