"""The rules as configured: the definitions overlaid by the administrator's rows
(alerts.models.AlertRule) and the engine's windows (alerts.models.EngineSettings)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from alerts.rules.definitions import DEFAULT_RULES


@dataclass(frozen=True, slots=True)
class EngineWindows:
    """The de-duplication windows of A.0, as the administrator last saved them
    (alerts.models.EngineSettings); these defaults are the specification's."""

    # No re-notification for the same rule and episode within this, unless the level rises.
    dedup: timedelta = timedelta(hours=24)
    # A persistent unchanged symptom re-notifies only when it worsens or after this.
    persistent: timedelta = timedelta(days=7)
    # A rule firing again within this continues its episode (unless the team resolved it).
    episode_gap: timedelta = timedelta(days=7)

    def snapshot(self) -> dict[str, int]:
        """As kept with every alert, next to the rule's own parameters."""
        return {
            "dedup_hours": int(self.dedup.total_seconds() // 3600),
            "persistent_days": self.persistent.days,
            "episode_gap_days": self.episode_gap.days,
        }


DEFAULT_WINDOWS = EngineWindows()


@dataclass(frozen=True)
class RuleConfig:
    """The current values of one rule, as an administrator last saved them."""

    rule_id: str
    level: str
    active: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)
    remeasure_minutes: int | None = None


# In RuleSet.differing: what differs is not only which checks find something.
ENGINE_SETTINGS = "levels, re-measure times or windows"


class RuleSet:
    """Typed, merged rule configuration: the definitions overlaid by the stored values.

    Build it once per batch (services do) — evaluate() accepts it directly. A rule with
    no stored row keeps its definition's values.
    """

    __slots__ = (
        "levels",
        "active",
        "params",
        "remeasure_minutes",
        "windows",
        "_compared",
        "_plan",
    )

    def __init__(
        self,
        configs: Mapping[str, RuleConfig] | None = None,
        windows: EngineWindows = DEFAULT_WINDOWS,
    ) -> None:
        self.windows = windows
        self.levels: dict[str, str] = {}
        self.active: dict[str, bool] = {}
        self.params: dict[str, dict[str, Any]] = {}
        self.remeasure_minutes: dict[str, int | None] = {}
        self._compared: tuple[RuleSet, frozenset[str]] | None = None
        self._plan: tuple[Mapping, tuple[tuple[str, Callable, dict], ...]] | None = None
        configs = configs or {}
        for rule_id, definition in DEFAULT_RULES.items():
            config = configs.get(rule_id)
            merged = definition.defaults
            if config is None:
                self.levels[rule_id] = definition.level
                self.active[rule_id] = True
                self.remeasure_minutes[rule_id] = definition.remeasure_minutes
            else:
                for name, stored in config.params.items():
                    if name in merged:
                        merged[name] = definition.params[name].parse(stored)
                self.levels[rule_id] = config.level
                self.active[rule_id] = config.active
                self.remeasure_minutes[rule_id] = config.remeasure_minutes
            self.params[rule_id] = merged

    def param(self, rule_id: str, name: str) -> Any:
        return self.params[rule_id][name]

    def differing(self, other: RuleSet) -> frozenset[str]:
        """The rules whose checks may find differently under `other` (their parameters or
        their switch differ: levels and words do not change what a check finds), and
        ENGINE_SETTINGS when any level, re-measure time or window differs. Kept for the
        last set compared, which is the same one entry after entry in a what-if."""
        compared = self._compared  # read once, as in plan()
        if compared is not None and compared[0] is other:
            return compared[1]
        found = {
            rule_id
            for rule_id in DEFAULT_RULES
            if self.params[rule_id] != other.params[rule_id]
            or self.active[rule_id] != other.active[rule_id]
        }
        if (self.levels, self.remeasure_minutes, self.windows) != (
            other.levels,
            other.remeasure_minutes,
            other.windows,
        ):
            found.add(ENGINE_SETTINGS)
        self._compared = compared = (other, frozenset(found))
        return compared[1]

    def fire(
        self, checks: Mapping[str, Callable[[Any, dict[str, Any]], Any]], subject: Any
    ) -> dict:
        """Run each active rule's check on `subject` with the rule's parameters; the ones
        that found something, by rule id, in the checks' (table) order."""
        found = {}
        for rule_id, check, params in self.plan(checks):
            result = check(subject, params)
            if result is not None:
                found[rule_id] = result
        return found

    def plan(
        self, checks: Mapping[str, Callable[[Any, dict[str, Any]], Any]]
    ) -> tuple[tuple[str, Callable[[Any, dict[str, Any]], Any], dict[str, Any]], ...]:
        """The active rules' checks with their parameters, in the table's order. Worked
        out once per table: a rule set is not changed after it is built, and every entry
        runs the same table."""
        plan = self._plan  # read once: another thread may set it for another table
        if plan is None or plan[0] is not checks:
            active = tuple(
                (rule_id, check, self.params[rule_id])
                for rule_id, check in checks.items()
                if self.active[rule_id]
            )
            plan = self._plan = (checks, active)
        return plan[1]


DEFAULT_RULESET = RuleSet()


def ruleset(rules: RuleSet | Mapping[str, RuleConfig] | None) -> RuleSet:
    """Accept a RuleSet, stored configs or None (the definitions as specified)."""
    if rules is None:
        return DEFAULT_RULESET
    if isinstance(rules, RuleSet):
        return rules
    return RuleSet(rules)
