"""INJ-DUE-INF, the pre-dose check: asked on an entry, by the sweep and by the injection form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from alerts.rules.config import RuleConfig, RuleSet, ruleset
from alerts.rules.definitions import is_infection_rule
from alerts.rules.levels import TEAM_LEVELS
from alerts.rules.values import Injection, PriorAlert, Profile, zone
from patients import dosing


def dose_due_soon(
    profile: Profile,
    injections: Iterable[Injection],
    *,
    as_of: datetime,
    rules: RuleSet | Mapping[str, RuleConfig] | None = None,
) -> dosing.DueDose | None:
    """The next dose when it is due within INJ-DUE-INF's window (48 h) or overdue; the
    team's first-dose date counts while no dose is logged (the dashboard's inputs)."""
    config = ruleset(rules)
    tz = zone(profile.timezone)
    logged = [(i.at, i.dose) for i in injections if i.at <= as_of]
    due = dosing.next_due(logged, tz=tz, first_dose_at=profile.first_dose_at)
    if due is None:
        return None
    due_start = datetime.combine(due.due, datetime.min.time(), tzinfo=tz)
    if due_start - as_of > timedelta(hours=config.param("INJ-DUE-INF", "due_within_hours")):
        return None
    return due


def pre_dose_key(due: dosing.DueDose) -> str:
    """INJ-DUE-INF's episode: the dose, so that the team is told once per dose."""
    return f"INJ-DUE-INF:{due.number}:{due.due.isoformat()}"


def pre_dose_check(
    profile: Profile,
    injections: Iterable[Injection],
    prior_alerts: Iterable[PriorAlert],
    *,
    as_of: datetime,
    rules: RuleSet | Mapping[str, RuleConfig] | None = None,
    current: Iterable[str] = (),
) -> tuple[str, dict[str, Any]] | None:
    """INJ-DUE-INF: the next dose is due within 48 h (or overdue) and an infection rule fired
    at CONTACT or URGENT in the last 7 days (or fires now: `current`).

    Returns the episode key (pre_dose_key) and the why; None when it does not hold.
    """
    config = ruleset(rules)
    if not config.active["INJ-DUE-INF"]:
        return None
    due = dose_due_soon(profile, injections, as_of=as_of, rules=config)
    if due is None:
        return None
    lookback = timedelta(days=config.param("INJ-DUE-INF", "lookback_days"))
    recent = {
        alert.rule_id
        for alert in prior_alerts
        if is_infection_rule(alert.rule_id)
        and alert.level in TEAM_LEVELS
        and timedelta(0) <= as_of - alert.at <= lookback
    }
    infections = sorted(recent | set(current))
    if not infections:
        return None
    why = {"next_dose": due.number, "due": due.due.isoformat(), "infection_rules": infections}
    return pre_dose_key(due), why
