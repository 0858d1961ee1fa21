"""The periodic rules, run as of an instant: DIARY-GAP-2/3, DIARY-FOLLOWUP, INJ-MISSED, and
the pre-dose check INJ-DUE-INF (a dose falls due while an infection alert stands).

Idempotent in effect: each firing carries an episode key naming what it is about (the
first missed day, the warning it follows up, the missed dose), and the caller records one
alert per (rule, episode key).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from alerts.rules.config import ruleset
from alerts.rules.definitions import DEFAULT_RULES, Kind
from alerts.rules.levels import TEAM_LEVELS, level_max
from alerts.rules.pre_dose import pre_dose_check
from alerts.rules.quiet import quieted_by
from alerts.rules.values import Deduplication, Firing, SweepInput, SweepResult, zone
from patients import dosing

Found = tuple[str, dict[str, Any]]  # (episode key, why)
PeriodicCheck = Callable[[SweepInput, dict[str, Any]], Found | None]

PERIODIC_CHECKS: dict[str, PeriodicCheck] = {}
# Without an enrolment date, a missed run is counted back this far at most.
MISSED_DAYS_LIMIT = 60


def periodic(rule_id: str) -> Callable[[PeriodicCheck], PeriodicCheck]:
    """Register the function as the condition of the periodic rule `rule_id`."""

    def register(function: PeriodicCheck) -> PeriodicCheck:
        assert DEFAULT_RULES[rule_id].kind is Kind.PERIODIC, f"{rule_id} is not periodic"
        assert rule_id not in PERIODIC_CHECKS, f"{rule_id} has two checks"
        PERIODIC_CHECKS[rule_id] = function
        return function

    return register


def evaluate_sweep(inp: SweepInput) -> SweepResult:
    """Run the periodic rules as of `inp.as_of` (see the module docstring)."""
    rules = ruleset(inp.rules)
    found: dict[str, Found] = rules.fire(PERIODIC_CHECKS, inp)
    pre_dose = pre_dose_check(
        inp.profile, inp.injections, inp.prior_alerts, as_of=inp.as_of, rules=rules
    )
    if pre_dose is not None:
        found["INJ-DUE-INF"] = pre_dose

    firings, team, deduplicated, quieted = [], [], [], []
    seen = {(a.rule_id, a.episode_key) for a in inp.prior_alerts}
    for rule_id in sorted(found):
        key, why = found[rule_id]
        level = rules.levels[rule_id]
        quiet = quieted_by(inp.quiets, rule_id, level, why) if level in TEAM_LEVELS else None
        if quiet is not None:
            why = {**why, "quieted": quiet.marker()}
        firings.append(Firing(rule_id, level, key, why))
        if level not in TEAM_LEVELS:
            continue
        if quiet is not None:
            quieted.append(rule_id)
        elif (rule_id, key) in seen:
            deduplicated.append(Deduplication(rule_id, "already raised for this episode"))
        else:
            team.append(rule_id)
    return SweepResult(
        fired=tuple(firings),
        level=level_max(f.level for f in firings),
        team_alerts=tuple(team),
        deduplicated=tuple(deduplicated),
        quieted=tuple(quieted),
    )


def missed_days(inp: SweepInput) -> list[date]:
    """Consecutive ended local days with no entry, back from yesterday (latest first),
    never before enrolment."""
    tz = zone(inp.profile.timezone)
    today = inp.as_of.astimezone(tz).date()
    entry_days = {t.astimezone(tz).date() for t in inp.entry_times if t <= inp.as_of}
    enrolled = inp.profile.enrolled_at
    first_day = enrolled.astimezone(tz).date() if enrolled else None
    resumed = inp.profile.resumed_at
    if resumed is not None and resumed <= inp.as_of:
        # The days of a pause are not missed days: count from the day the diary resumed.
        resumed_day = resumed.astimezone(tz).date()
        first_day = resumed_day if first_day is None else max(first_day, resumed_day)
    missed: list[date] = []
    day = today - timedelta(days=1)
    while day not in entry_days and (first_day is None or day >= first_day):
        missed.append(day)
        day -= timedelta(days=1)
        if first_day is None and len(missed) > MISSED_DAYS_LIMIT:
            break
    return missed


def diary_gap(inp: SweepInput, rule_id: str, days: int) -> Found | None:
    missed = missed_days(inp)
    if not missed or len(missed) < days:
        return None
    why = {
        "missed_days": [d.isoformat() for d in reversed(missed)],
        "thresholds": {"days": days},
    }
    return f"{rule_id}:{missed[-1].isoformat()}", why


@periodic("DIARY-GAP-2")
def diary_gap_reminder(inp: SweepInput, params: dict[str, Any]) -> Found | None:
    return diary_gap(inp, "DIARY-GAP-2", params["days"])


@periodic("DIARY-GAP-3")
def diary_gap_outreach(inp: SweepInput, params: dict[str, Any]) -> Found | None:
    return diary_gap(inp, "DIARY-GAP-3", params["days"])


@periodic("DIARY-FOLLOWUP")
def no_news_after_warning(inp: SweepInput, params: dict[str, Any]) -> Found | None:
    """The latest entry-based CONTACT/URGENT alert, with no entry since, `hours` ago."""
    warnings = [
        a
        for a in inp.prior_alerts
        if a.level in TEAM_LEVELS
        and a.entry_id is not None
        and a.at <= inp.as_of
        # A warning the team quieted does not page them a day later either.
        and "quieted" not in a.detail
    ]
    if not warnings:
        return None
    last = max(warnings, key=lambda a: a.at)
    later = any(last.at < t <= inp.as_of for t in inp.entry_times)
    if later or inp.as_of - last.at < timedelta(hours=params["hours"]):
        return None
    why = {
        "warning_rule": last.rule_id,
        "warning_level": last.level,
        "warning_at": last.at.isoformat(),
        "thresholds": {"hours": params["hours"]},
    }
    return f"DIARY-FOLLOWUP:{last.at.isoformat()}", why


@periodic("INJ-MISSED")
def missed_injection(inp: SweepInput, params: dict[str, Any]) -> Found | None:
    """The missed dose, the first one included when the team planned it (first_dose_at)."""
    dose = dosing.missed_dose(
        [(i.at, i.dose) for i in inp.injections if i.at <= inp.as_of],
        tz=zone(inp.profile.timezone),
        as_of=inp.as_of,
        first_dose_at=inp.profile.first_dose_at,
        grace_days=params["grace_days"],
    )
    if dose is None:
        return None
    why = {
        "dose": dose.number,
        "due": dose.due.isoformat(),
        "thresholds": {"grace_days": params["grace_days"]},
    }
    return f"INJ-MISSED:{dose.number}:{dose.due.isoformat()}", why


_UNCHECKED = {r for r, d in DEFAULT_RULES.items() if d.kind is Kind.PERIODIC} - set(PERIODIC_CHECKS)
assert not _UNCHECKED, f"periodic rules without a check: {sorted(_UNCHECKED)}"
