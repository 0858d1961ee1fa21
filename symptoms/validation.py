"""What the diary accepts as a reading: one rule for the form, scenario replay and the demo.

A value the diary form refuses must not reach the rules by another door: `replay_scenario`
once rounded 99.45 °F to 99.4 °F (no alert) where the reading converts to 37.5 °C (T-LOW-1).
"""

from __future__ import annotations

from decimal import Decimal

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


def temperature_problem(value: Decimal, unit: str) -> str | None:
    """Why the diary would not record this reading, or None when it would."""
    if unit not in TEMPERATURE_LIMITS:
        return _("The unit must be °C or °F.")
    if not value.is_finite():
        return _("Please enter a number, like 37.2.")
    low, high = TEMPERATURE_LIMITS[unit]
    if not low <= value <= high:
        return _(
            "%(value)s °%(unit)s is not a body temperature we can record. Please check the "
            "reading (it must be between %(low)s and %(high)s °%(unit)s)."
        ) % {"value": value, "unit": unit, "low": low, "high": high}
    if value != value.quantize(TENTH):
        return _("Please give the temperature to one decimal place, like 37.5.")
    return None


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
