"""Validation of AlertRule rows edited in the admin: the rule's definition decides which
parameters it has, their types and the range each may take (alerts/rules/definitions.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from alerts.rules import DEFAULT_RULES, NONE, Level


def validate_rule_row(rule: Any) -> None:
    """Raise ValidationError (per field) unless the row's params match the rule's definition."""
    definition = DEFAULT_RULES.get(rule.rule_id)
    if definition is None:
        raise ValidationError({"rule_id": f"Unknown rule id {rule.rule_id!r}."})
    if rule.level not in set(Level) - {NONE}:
        raise ValidationError({"level": "Choose WATCH, CONTACT or URGENT."})
    if not isinstance(rule.params, dict):
        raise ValidationError({"params": "Parameters must be a JSON object."})
    problems = definition.param_problems(rule.params)
    if problems:
        raise ValidationError({"params": "; ".join(problems)})
