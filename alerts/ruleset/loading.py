"""The published rules as the engine reads them: the rows and their configurations."""

from __future__ import annotations

import logging

from alerts import rules
from alerts.ruleset.models import AlertRule, EngineSettings

logger = logging.getLogger(__name__)


def rule_rows() -> dict[str, AlertRule]:
    """Every rule row by rule id (one query)."""
    return {row.rule_id: row for row in AlertRule.objects.all()}


def rule_configs(rows: dict[str, AlertRule] | None = None) -> rules.RuleSet:
    """The rule rows and the engine's windows as the evaluator's typed configuration
    (two queries; one when rows are given)."""
    rows = rule_rows() if rows is None else rows
    return rules.RuleSet(
        {
            row.rule_id: rules.RuleConfig(
                rule_id=row.rule_id,
                level=row.level,
                active=row.active,
                params=row.params,
                remeasure_minutes=row.remeasure_minutes,
            )
            for row in rows.values()
        },
        windows=EngineSettings.current().windows(),
    )
