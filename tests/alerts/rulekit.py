"""Plain-value builders for the pure evaluator's table-driven tests (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from alerts.rules import (
    DEFAULT_RULES,
    Entry,
    EvaluationInput,
    Injection,
    PriorAlert,
    Profile,
    RuleConfig,
    SweepInput,
    Temperature,
    Vital,
    evaluate,
    evaluate_sweep,
)

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=LONDON)
_ids = iter(range(1, 10**9))


def temp(value, unit="C", at=T0, confirmed=False) -> Temperature:
    return Temperature(Decimal(str(value)), unit, at, confirmed=confirmed)


def entry(
    at: datetime = T0,
    t=None,
    unit: str = "C",
    confirmed: bool = False,
    sym: dict | None = None,
    rf=(),
    vit: dict | None = None,
    temps=(),
    **fields,
) -> Entry:
    readings = tuple(temps)
    if t is not None:
        readings += (temp(t, unit, at, confirmed),)
    vitals = {}
    for name, value in (vit or {}).items():
        vitals[name] = value if isinstance(value, Vital) else Vital(value)
    return Entry(
        id=next(_ids),
        at=at,
        temperatures=readings,
        symptoms=sym or {},
        red_flags=frozenset(rf),
        vitals=vitals,
        **fields,
    )


def profile(er=(), hbv=False, tz="Europe/London", enrolled_at=None, first_dose_at=None) -> Profile:
    return Profile(tz, frozenset(er), hbv, enrolled_at, first_dose_at)


def run(
    e: Entry,
    *,
    history=(),
    injections=(),
    er=(),
    hbv=False,
    prior=(),
    rules=None,
    first_dose_at=None,
):
    return evaluate(
        EvaluationInput(
            profile=profile(er, hbv, first_dose_at=first_dose_at),
            injections=tuple(Injection(i) if isinstance(i, datetime) else i for i in injections),
            entry=e,
            history=tuple(history),
            prior_alerts=tuple(prior),
            rules=rules,
        )
    )


def fired(e: Entry, **kw) -> list[str]:
    return run(e, **kw).rule_ids


def prior(rule_id, level, at, *, team=True, entry_id=1, key=None, detail=None) -> PriorAlert:
    return PriorAlert(
        rule_id, level, at, entry_id, key or f"{rule_id}:{at.date()}", team, detail or {}
    )


def sweep(
    as_of, entry_times=(), *, injections=(), prior_alerts=(), enrolled_at=T0, first_dose_at=None
):
    return evaluate_sweep(
        SweepInput(
            profile=profile(enrolled_at=enrolled_at, first_dose_at=first_dose_at),
            as_of=as_of,
            entry_times=tuple(entry_times),
            injections=tuple(Injection(i) if isinstance(i, datetime) else i for i in injections),
            prior_alerts=tuple(prior_alerts),
        )
    )


def config(rule_id: str, level: str, **params) -> dict[str, RuleConfig]:
    """A stored row for `rule_id` at `level` with `params`, re-measure as specified."""
    remeasure = DEFAULT_RULES[rule_id].remeasure_minutes
    return {rule_id: RuleConfig(rule_id, level, True, params, remeasure_minutes=remeasure)}


H = timedelta(hours=1)
D = timedelta(days=1)
M = timedelta(minutes=1)
