"""Readings: the one conversion between °C and °F, and what the diary accepts, for storage, the form,
scenario replay, the demo and the rules alike.

A value the diary form refuses must not reach the rules by another door: `replay_scenario`
once rounded 99.45 °F to 99.4 °F (no alert) where the reading converts to 37.5 °C (T-LOW-1).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

TENTH = Decimal("0.1")
# Outside these the reading is refused outright (°C / °F).
TEMPERATURE_LIMITS = {
    "C": (Decimal("30.0"), Decimal("45.0")),
    "F": (Decimal("86.0"), Decimal("113.0")),
}
# Vital signs at rest: (lowest, highest) accepted.
VITAL_LIMITS = {
    "heart_rate": (25, 250),
    "resp_rate": (4, 60),
    "spo2": (50, 100),
    "systolic_bp": (50, 260),
}


def to_celsius(value: Decimal | float | int | str, unit: str) -> Decimal:
    """C = (F − 32) × 5/9 in decimal arithmetic, rounded half-up to 0.1 °C (A.0): 100.4 °F is
    38.0 °C, 100.3 °F is 37.9 °C."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if unit == "F":
        number = (number - 32) * 5 / 9
    elif unit != "C":
        raise ValueError(f"unknown temperature unit {unit!r}")
    return number.quantize(TENTH, rounding=ROUND_HALF_UP)


def from_celsius(value_c: Decimal, unit: str) -> Decimal:
    """A °C value in `unit`: F = C × 9/5 + 32, rounded half-up to 0.1 °F; °C as it is. The
    charts, the exports, the rule messages' "{name_f}" and the demo all read it here."""
    if unit == "C":
        return value_c
    if unit != "F":
        raise ValueError(f"unknown temperature unit {unit!r}")
    return (value_c * 9 / 5 + 32).quantize(TENTH, rounding=ROUND_HALF_UP)


def local_number(value: Decimal | float | int | str) -> str:
    """A number for people to read, with the active language's decimal separator and the
    decimal places it was given with ("38.4" in en-gb, "38,4" in es and de). Machine formats
    (CSV cells, FHIR, input values, SVG coordinates) keep str() and its dot."""
    if isinstance(value, bool):
        return str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(number, decimal_pos=places)


def temperature_problem(value: Decimal, unit: str) -> str | None:
    """Why the diary would not record this reading, or None when it would."""
    if unit not in TEMPERATURE_LIMITS:
        return _("The unit must be °C or °F.")
    if not value.is_finite():
        return _("Please enter a number, like 37.2.")
    low, high = TEMPERATURE_LIMITS[unit]
    if not low <= value <= high:
        return not_recordable(local_number(value), unit)
    if value != value.quantize(TENTH):
        return _("Please give the temperature to one decimal place, like 37.5.")
    return None


def not_recordable(shown: str, unit: str) -> str:
    """ "38 °F is not a body temperature…", with the unit's limits; `shown` is the number as
    the person reads it (or the offline script's {value})."""
    low, high = TEMPERATURE_LIMITS[unit]
    return _(
        "%(value)s °%(unit)s is not a body temperature we can record. Please check the "
        "reading (it must be between %(low)s and %(high)s °%(unit)s)."
    ) % {"value": shown, "unit": unit, "low": local_number(low), "high": local_number(high)}


def other_unit_fits(value: Decimal, unit: str) -> str | None:
    """The other unit when the number is a body temperature in it ("37.1" typed with °F
    chosen is 37.1 °C), or None."""
    other = {"C": "F", "F": "C"}.get(unit)
    if other is None or not value.is_finite():
        return None
    low, high = TEMPERATURE_LIMITS[other]
    return other if low <= value <= high and value == value.quantize(TENTH) else None


def vital_problem(name: str, value: int) -> str | None:
    """Why the diary would not record this vital sign, or None when it would."""
    low, high = VITAL_LIMITS[name]
    if not low <= value <= high:
        return _("%(value)s is outside the range we can record (%(low)s to %(high)s).") % {
            "value": value,
            "low": low,
            "high": high,
        }
    return None
