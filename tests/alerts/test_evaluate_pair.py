"""evaluate_pair(): one entry under two rule sets gives exactly what evaluate() gives for
each, whichever single rule a draft changes (switch, level, or any parameter at its bounds
and one step from its value), over patient timelines where the two sets' earlier alerts
drift apart as they would in a what-if replay."""

from __future__ import annotations

import ast
import importlib
import inspect
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from alerts.rules import (
    DEFAULT_RULES,
    LEVELS,
    Entry,
    EvaluationInput,
    Injection,
    PriorAlert,
    Profile,
    RuleConfig,
    RuleSet,
    Temperature,
    Vital,
    codes,
    evaluate,
    evaluate_pair,
    params_to_json,
)
from alerts.rules import checks as checks_module
from tests.alerts.rulekit import T0

# The seeded catalogue (symptoms/migrations/_seed.py), read without a database.
CATALOGUE = importlib.import_module("symptoms.migrations._seed").SEED["Symptom"]
GRADED = sorted(row["code"] for row in CATALOGUE if row["kind"] == "graded")
PRESENT = sorted(row["code"] for row in CATALOGUE if row["kind"] == "flag")
RED_FLAGS = sorted(
    codes.SEPSIS_FLAGS
    | codes.RESP_SEVERE_FLAGS
    | codes.ANAPHYLAXIS_FLAGS
    | codes.NEURO_ACUTE_FLAGS
    | codes.HBV_SEVERE_FLAGS
)
RISKS = ("age_65_plus", "diabetes", "chronic_lung")


def test_checks_read_rules_and_earlier_alerts_only_through_the_traced_accessors():
    """The pairing is exact only if every read of another rule's parameters or of the
    earlier alerts goes through EntryContext.param / .prior_alerts (which trace it)."""
    tree = ast.parse(Path(inspect.getsourcefile(checks_module)).read_text())
    context = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "EntryContext")
    inside = {id(n) for n in ast.walk(context)}
    untraced = [
        f"line {node.lineno}: ctx.{chain}"
        for node in ast.walk(tree)
        if id(node) not in inside and isinstance(node, ast.Attribute)
        for chain in [_chain(node)]
        if chain in ("rules", "inp.prior_alerts", "inp.rules") or chain.startswith("rules.")
    ]
    assert untraced == []


def _chain(node: ast.Attribute) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "ctx":
        return ".".join(reversed(parts))
    return ""


# Inputs: a few patients' fortnights, rough enough to make most rules fire --------------


def _timeline(rnd: random.Random, n: int) -> tuple[Profile, tuple[Injection, ...], list[Entry]]:
    er = frozenset(rnd.sample(RISKS, rnd.choice((0, 0, 1, 2))))
    profile = Profile("Europe/London", er, rnd.random() < 0.3, T0 - timedelta(days=60))
    injections = tuple(
        Injection(T0 + timedelta(days=d, hours=rnd.randint(0, 12)), dose)
        for dose, d in enumerate(sorted(rnd.sample(range(-20, 12), 3)), start=1)
    )
    entries, at = [], T0
    for i in range(n):
        at += timedelta(hours=rnd.choice((1, 3, 8, 12, 20, 26, 50)))
        entries.append(_entry(rnd, i, at))
    return profile, injections, entries


def _entry(rnd: random.Random, i: int, at) -> Entry:
    temps = ()
    if rnd.random() < 0.85:
        value = Decimal(rnd.randint(360, 405)) / 10
        temps = (Temperature(value, "C", at, confirmed=rnd.random() < 0.5),)
        if rnd.random() < 0.2:
            f = Decimal(rnd.randint(990, 1040)) / 10
            temps += (Temperature(f, "F", at - timedelta(minutes=30)),)
    symptoms = {c: rnd.randint(1, 4) for c in rnd.sample(GRADED, rnd.randint(0, 5))}
    symptoms |= {c: 1 for c in rnd.sample(PRESENT, rnd.choice((0, 0, 0, 1)))}
    flags = frozenset(rnd.sample(RED_FLAGS, 1)) if rnd.random() < 0.08 else frozenset()
    vitals = {}
    if rnd.random() < 0.3:
        vitals = {
            "heart_rate": Vital(rnd.randint(45, 140), rnd.random() < 0.5),
            "resp_rate": Vital(rnd.randint(8, 30)),
            "spo2": Vital(rnd.randint(86, 100), rnd.random() < 0.5),
            "systolic_bp": Vital(rnd.randint(80, 160)),
        }
    return Entry(
        id=i,
        at=at,
        temperatures=temps,
        symptoms=symptoms,
        red_flags=flags,
        vitals=vitals,
        antipyretic_6h=rnd.random() < 0.15,
        planned_vaccine=rnd.choice(("", "", "", "flu jab", "yellow fever")),
        planned_vaccine_live=rnd.random() < 0.05,
    )


TIMELINES = [_timeline(random.Random(seed), 24) for seed in range(4)]


def _variants(rule_id: str) -> list[tuple[str, RuleSet]]:
    """The live rules with `rule_id` changed one way at a time."""
    definition = DEFAULT_RULES[rule_id]

    def config(**change) -> RuleSet:
        fields = {
            "level": definition.level,
            "active": True,
            "params": params_to_json(definition.defaults),
            "remeasure_minutes": definition.remeasure_minutes,
        }
        if "params" in change:
            fields["params"] = {**fields["params"], **params_to_json(change.pop("params"))}
        fields |= change
        return RuleSet({rule_id: RuleConfig(rule_id, **fields)})

    out = [("switched off", config(active=False))]
    out += [(f"level {lvl}", config(level=lvl)) for lvl in LEVELS if lvl != definition.level]
    for name, param in definition.params.items():
        step = Decimal("0.1") if isinstance(param.default, Decimal) else 1
        values = {param.low, param.high, param.default - step, param.default + step}
        for value in sorted(v for v in values if param.low <= v <= param.high):
            out.append((f"{name}={value}", config(params={name: value})))
    return out


def _alerts(evaluation, entry: Entry) -> list[PriorAlert]:
    team = set(evaluation.team_alerts)
    return [
        PriorAlert(f.rule_id, f.level, entry.at, entry.id, f.episode_key, f.rule_id in team, f.why)
        for f in evaluation.fired
    ]


@pytest.mark.parametrize("rule_id", sorted(DEFAULT_RULES))
def test_a_pair_is_two_evaluations_whatever_one_rule_a_draft_changes(rule_id):
    live = RuleSet()
    compared = 0
    for label, draft in _variants(rule_id):
        for profile, injections, entries in TIMELINES:
            prior = {"live": [], "draft": []}
            for n, entry in enumerate(entries):
                history = tuple(entries[max(0, n - 6) : n])

                draft_in, live_in = (
                    EvaluationInput(profile, injections, entry, history, tuple(prior[name]), rules)
                    for name, rules in (("draft", draft), ("live", live))
                )
                pair = evaluate_pair(draft_in, live_in)
                alone = (evaluate(draft_in), evaluate(live_in))
                assert pair == alone, f"{rule_id} {label}, entry {n}"
                prior["draft"] += _alerts(alone[0], entry)
                prior["live"] += _alerts(alone[1], entry)
                compared += 1
    assert compared


def test_a_pair_differing_only_in_earlier_alerts_is_two_evaluations():
    """Earlier alerts can differ where no parameter a check read does (one rule set's
    suppression or de-duplication upstream): the checks that read them run again."""
    rnd, live, compared = random.Random(7), RuleSet(), 0
    for profile, injections, entries in TIMELINES:
        prior = []
        for n, entry in enumerate(entries):
            history = tuple(entries[max(0, n - 6) : n])
            kept = tuple(a for a in prior if rnd.random() < 0.5)
            first, second = (
                EvaluationInput(profile, injections, entry, history, alerts, live)
                for alerts in (tuple(prior), kept)
            )
            assert evaluate_pair(first, second) == (evaluate(first), evaluate(second)), n
            assert evaluate_pair(second, first) == (evaluate(second), evaluate(first)), n
            prior += _alerts(evaluate(first), entry)
            compared += 1
    assert compared


def test_the_timelines_exercise_most_rules_and_drift_apart():
    """The equivalence above means something only if the inputs make rules fire, and make
    the two sets' earlier alerts differ (a switched-off T-FEV-1 is one such draft)."""
    fired, drifted = set(), 0
    draft = RuleSet({"T-FEV-1": RuleConfig("T-FEV-1", "CONTACT", active=False)})
    for profile, injections, entries in TIMELINES:
        prior = {"live": [], "draft": []}
        for n, entry in enumerate(entries):
            for name, rules in (("live", RuleSet()), ("draft", draft)):
                evaluation = evaluate(
                    EvaluationInput(
                        profile,
                        injections,
                        entry,
                        tuple(entries[max(0, n - 6) : n]),
                        tuple(prior[name]),
                        rules,
                    )
                )
                fired |= set(evaluation.rule_ids)
                prior[name] += _alerts(evaluation, entry)
            drifted += prior["live"] != prior["draft"]
    entry_rules = {r for r, d in DEFAULT_RULES.items() if d.kind == "entry"}
    assert len(fired & entry_rules) >= 0.6 * len(entry_rules), sorted(entry_rules - fired)
    assert drifted > 0


def test_a_pair_of_different_entries_is_refused():
    profile, injections, entries = TIMELINES[0]
    first = EvaluationInput(profile, injections, entries[1], (entries[0],))
    for other in (
        EvaluationInput(profile, injections, entries[2], (entries[0],)),
        EvaluationInput(profile, injections, entries[1], ()),
        EvaluationInput(profile, (), entries[1], (entries[0],)),
    ):
        with pytest.raises(ValueError):
            evaluate_pair(first, other)
