"""The published rules as the engine reads them: the rows and their configurations, kept
per process for one configuration version (diary_core.config)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from alerts import rules
from alerts.ruleset.models import AlertRule, EngineSettings
from diary_core.config import Versioned

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """The rule rows by rule id, the engine's settings and the typed configuration built
    from both. Shared by the process's requests: read-only."""

    rows: dict[str, AlertRule]
    settings: EngineSettings
    configs: rules.RuleSet


def _configs(rows: dict[str, AlertRule], settings: EngineSettings) -> rules.RuleSet:
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
        windows=settings.windows(),
    )


def _load() -> Published:
    rows = {row.rule_id: row for row in AlertRule.objects.all()}
    settings = EngineSettings.current()
    return Published(rows=rows, settings=settings, configs=_configs(rows, settings))


# Read again whenever the configuration's version changes (every change of a rule row, the
# engine's settings or an education page sets a new one).
published = Versioned(_load)


def rule_rows(version: int | None = None) -> dict[str, AlertRule]:
    """Every rule row by rule id (one query for the version; the rows when they changed).
    A new dict each call: a caller may put a draft's row in it."""
    return dict(published(version).rows)


def rule_configs(
    rows: dict[str, AlertRule] | None = None, *, version: int | None = None
) -> rules.RuleSet:
    """The rule rows and the engine's windows as the evaluator's typed configuration (one
    query for the version); built from `rows` when given (a draft's what-if)."""
    current = published(version)
    if rows is None or _same_rows(rows, current.rows):
        return current.configs
    return _configs(rows, current.settings)


def _same_rows(rows: dict[str, AlertRule], held: dict[str, AlertRule]) -> bool:
    """The very row objects held (rule_rows()), not equal ones: a draft's row has the
    live row's primary key, so == would take it for the live one."""
    return len(rows) == len(held) and all(rows.get(k) is row for k, row in held.items())
