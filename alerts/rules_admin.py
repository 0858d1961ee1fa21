"""Validation of AlertRule rows edited in the admin: typed parameters, sane ranges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from alerts.rules import DEFAULT_RULES, HISTORY_DAYS, LEVELS

# Temperature thresholds must stay inside the range the diary accepts at all.
CELSIUS_RANGE = (Decimal("30.0"), Decimal("45.0"))
INT_MAX = 10_000
# Windows the evaluator can only honour within the history it reads (HISTORY_DAYS): a longer
# one would silently act as 14 days.
HISTORY_BOUND = {
    ("T-LOW-2D", "days"), ("T-FEV-3D", "days"), ("RESP-COUGH-3D", "days"),
    ("INJ-PERSIST-48", "until_days"), ("NEURO-PROG", "episode_days"),
    ("INJ-DUE-INF", "lookback_days"),
}  # fmt: skip


def validate_rule_row(rule: Any) -> None:
    """Raise ValidationError (per field) unless the row's params match the rule's schema."""
    definition = DEFAULT_RULES.get(rule.rule_id)
    if definition is None:
        raise ValidationError({"rule_id": f"Unknown rule id {rule.rule_id!r}."})
    if rule.level not in LEVELS or rule.level == "NONE":
        raise ValidationError({"level": "Choose WATCH, CONTACT or URGENT."})
    if not isinstance(rule.params, dict):
        raise ValidationError({"params": "Parameters must be a JSON object."})
    expected = set(definition.params)
    given = set(rule.params)
    problems = []
    if given - expected:
        problems.append(f"unknown parameter(s): {', '.join(sorted(given - expected))}")
    if expected - given:
        problems.append(f"missing parameter(s): {', '.join(sorted(expected - given))}")
    for name in sorted(expected & given):
        problems.extend(_check(name, definition.params[name], rule.params[name]))
        value = rule.params[name]
        if (
            (rule.rule_id, name) in HISTORY_BOUND
            and isinstance(value, int)
            and value > HISTORY_DAYS
        ):
            problems.append(
                f"{name} can be at most {HISTORY_DAYS} days (the history the rules read)"
            )
    if problems:
        raise ValidationError({"params": "; ".join(problems)})


def _check(name: str, default: Any, value: Any) -> list[str]:
    if isinstance(default, Decimal):
        if isinstance(value, bool):
            return [f'{name} must be a number like "38.0"']
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return [f'{name} must be a number like "38.0" (got {value!r})']
        if not number.is_finite():
            return [f"{name} must be a number"]
        if name.endswith("_c") and not CELSIUS_RANGE[0] <= number <= CELSIUS_RANGE[1]:
            return [f"{name} must be between 30.0 and 45.0 °C (got {number})"]
        if number != number.quantize(Decimal("0.1")):
            return [f"{name} must have at most one decimal place (got {number})"]
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{name} must be a whole number (got {value!r})"]
    if not 0 <= value <= INT_MAX:
        return [f"{name} must be between 0 and {INT_MAX} (got {value})"]
    return []
