"""The laboratory rules of clinical-rules.md §6 on plain values (alerts/rules/labs.py).

Every limit is tested just below, at and just above, in g/L and mg/dL, with and without the
laboratory's own lower limit of normal (LLN). The clinic's defaults are the seeded ones:
IgG 5.65 g/L, IgM 0.40 g/L, neutrophils 1.5 and lymphocytes 1.0 × 10⁹/L; the review levels
are 20 % (IgG) and 10 % (IgM) below the LLN: IgG ≤ 4.52 g/L, IgM ≤ 0.36 g/L.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from alerts.rules import RuleConfig, RuleSet
from alerts.rules.labs import LabFlags, LabInput, LabResult, evaluate_lab, flags_from

DAY = date(2026, 12, 1)
LOW, REVIEW, CYTO, HBV = "LAB-IG-LOW", "LAB-IG-REVIEW", "LAB-CYTO-LOW", "LAB-HBV-POS"


def result(test, value=None, unit="", *, lln=None, positive=None, key=1, day=DAY, order=0):
    return LabResult(
        key=key,
        test=test,
        collected=day,
        value=None if value is None else Decimal(str(value)),
        unit=unit,
        positive=positive,
        lln=None if lln is None else Decimal(str(lln)),
        order=order,
    )


def one(r, **more):
    return evaluate_lab(LabInput(result=r, results=[r], **more))


# (test, value, unit, lab's LLN, rules fired, team alerts, flags)
LIMITS = [
    # IgG in g/L against the clinic's 5.65; review at or below 4.52
    ("IgG", "5.66", "g/L", None, [], [], set()),
    ("IgG", "5.65", "g/L", None, [], [], set()),
    ("IgG", "5.64", "g/L", None, [LOW], [], {"low_ig"}),
    ("IgG", "4.53", "g/L", None, [LOW], [], {"low_ig"}),
    ("IgG", "4.52", "g/L", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgG", "4.51", "g/L", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    # IgG in mg/dL (divided by 100)
    ("IgG", "566", "mg/dL", None, [], [], set()),
    ("IgG", "565", "mg/dL", None, [], [], set()),
    ("IgG", "564", "mg/dL", None, [LOW], [], {"low_ig"}),
    ("IgG", "453", "mg/dL", None, [LOW], [], {"low_ig"}),
    ("IgG", "452", "mg/dL", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    # IgM against 0.40; review at or below 0.36
    ("IgM", "0.41", "g/L", None, [], [], set()),
    ("IgM", "0.40", "g/L", None, [], [], set()),
    ("IgM", "0.39", "g/L", None, [LOW], [], {"low_ig"}),
    ("IgM", "0.37", "g/L", None, [LOW], [], {"low_ig"}),
    ("IgM", "0.36", "g/L", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgM", "0.35", "g/L", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgM", "40", "mg/dL", None, [], [], set()),
    ("IgM", "39", "mg/dL", None, [LOW], [], {"low_ig"}),
    ("IgM", "37", "mg/dL", None, [LOW], [], {"low_ig"}),
    ("IgM", "36", "mg/dL", None, [LOW, REVIEW], [REVIEW], {"low_ig"}),
    # The lab's own LLN wins over the clinic's (IgG 7.0: review at or below 5.6)
    ("IgG", "7.01", "g/L", "7.0", [], [], set()),
    ("IgG", "7.0", "g/L", "7.0", [], [], set()),
    ("IgG", "6.99", "g/L", "7.0", [LOW], [], {"low_ig"}),
    ("IgG", "5.61", "g/L", "7.0", [LOW], [], {"low_ig"}),
    ("IgG", "5.6", "g/L", "7.0", [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgG", "5.0", "g/L", "4.0", [], [], set()),  # low by the clinic's, normal by the lab's
    ("IgG", "700", "mg/dL", "700", [], [], set()),  # the lab's LLN is in the result's unit
    ("IgG", "699", "mg/dL", "700", [LOW], [], {"low_ig"}),
    ("IgG", "560", "mg/dL", "700", [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgM", "0.45", "g/L", "0.5", [LOW, REVIEW], [REVIEW], {"low_ig"}),
    ("IgM", "0.46", "g/L", "0.5", [LOW], [], {"low_ig"}),
    # Blood counts
    ("neutrophils", "1.51", "10^9/L", None, [], [], set()),
    ("neutrophils", "1.5", "10^9/L", None, [], [], set()),
    ("neutrophils", "1.49", "10^9/L", None, [CYTO], [], {"cytopenia"}),
    ("neutrophils", "0.1", "10^9/L", None, [CYTO], [], {"cytopenia"}),
    ("neutrophils", "1.99", "10^9/L", "2.0", [CYTO], [], {"cytopenia"}),
    ("neutrophils", "2.0", "10^9/L", "2.0", [], [], set()),
    ("lymphocytes", "1.01", "10^9/L", None, [], [], set()),
    ("lymphocytes", "1.0", "10^9/L", None, [], [], set()),
    ("lymphocytes", "0.99", "10^9/L", None, [CYTO], [], {"cytopenia"}),
    # IgA is recorded and drawn; no rule reads it
    ("IgA", "0.1", "g/L", None, [], [], set()),
]


@pytest.mark.parametrize(
    ("test", "value", "unit", "lln", "fired", "team", "flags"),
    LIMITS,
    ids=[f"{t}-{v}{u}-lln{ln}" for t, v, u, ln, *_ in LIMITS],
)
def test_each_limit(test, value, unit, lln, fired, team, flags):
    got = one(result(test, value, unit, lln=lln))
    assert [f.rule_id for f in got.fired] == fired
    assert list(got.team_alerts) == team
    assert got.flags.names() == flags
    assert got.level == ("CONTACT" if REVIEW in fired else "WATCH" if fired else "NONE")


@pytest.mark.parametrize(
    ("test", "positive", "fired", "flags"),
    [
        ("HBsAg", True, [HBV], {"hbv_risk"}),
        ("HBsAg", False, [], set()),
        ("anti-HBc", True, [HBV], {"hbv_risk"}),
        ("anti-HBc", False, [], set()),
    ],
)
def test_hepatitis_b_markers(test, positive, fired, flags):
    got = one(result(test, positive=positive))
    assert [f.rule_id for f in got.fired] == fired
    assert list(got.team_alerts) == fired
    assert got.flags.names() == flags


def test_the_why_shows_the_result_its_limit_and_the_date():
    got = one(result("IgG", "440", "mg/dL", key=7))
    review = {f.rule_id: f.why for f in got.fired}[REVIEW]
    assert review["value"] == "4.4"
    assert review["unit"] == "g/L"
    assert review["reported"] == "440 mg/dL"
    assert review["lln"] == "5.65"
    assert review["lln_from"] == "clinic"
    assert review["review_at_or_below"] == "4.52"
    assert review["collected"] == "2026-12-01"
    assert review["result"] == 7
    lab = one(result("IgG", "6.0", "g/L", lln="7.0")).fired[0].why
    assert (lab["lln"], lab["lln_from"]) == ("7", "lab")


def sequence(*steps, hbv_held=None, rules=None):
    """Record results one after another as the care layer does; each step's evaluation."""
    results, told, flags, out = [], set(), LabFlags(hbv_risk=hbv_held), []
    for key, r in enumerate(steps, start=1):
        r = LabResult(**{**{s: getattr(r, s) for s in r.__slots__}, "key": key, "order": key})
        results.append(r)
        got = evaluate_lab(
            LabInput(
                result=r,
                results=list(results),
                flags=flags,
                review_told=frozenset(told),
                rules=rules,
            )
        )
        if REVIEW in got.team_alerts:
            told.add(key)
        flags = got.flags
        out.append(got)
    return out


def days(n):
    return DAY + timedelta(days=n)


def test_a_repeat_review_tells_the_team_only_when_lower_than_the_last_that_did():
    got = sequence(
        result("IgG", "4.4", "g/L", day=days(0)),
        result("IgG", "4.5", "g/L", day=days(1)),  # at the review level, higher: no alert
        result("IgG", "4.4", "g/L", day=days(2)),  # equal: no alert
        result("IgG", "4.39", "g/L", day=days(3)),  # lower: alert
        result("IgG", "5.0", "g/L", day=days(4)),  # low, above the review level
        result("IgG", "4.39", "g/L", day=days(5)),  # not lower than 4.39: no alert
    )
    assert [list(g.team_alerts) for g in got] == [[REVIEW], [], [], [REVIEW], [], []]
    assert [g.deduplicated for g in got][1] == (REVIEW,)
    assert all(g.flags.names() == {"low_ig"} for g in got)


def test_a_fall_after_a_normal_result_is_a_new_alert():
    got = sequence(
        result("IgG", "4.4", "g/L", day=days(0)),
        result("IgG", "6.0", "g/L", day=days(30)),  # normal: the flag clears
        result("IgG", "4.5", "g/L", day=days(60)),
    )
    assert [list(g.team_alerts) for g in got] == [[REVIEW], [], [REVIEW]]
    assert [g.flags.names() for g in got] == [{"low_ig"}, set(), {"low_ig"}]


def test_igm_and_igg_are_compared_each_with_its_own_last_alert():
    got = sequence(
        result("IgG", "4.0", "g/L", day=days(0)),
        result("IgM", "0.30", "g/L", day=days(1)),
        result("IgG", "4.2", "g/L", day=days(2)),
    )
    assert [list(g.team_alerts) for g in got] == [[REVIEW], [REVIEW], []]


def test_low_ig_is_in_force_while_the_latest_igg_or_the_latest_igm_is_low():
    got = sequence(
        result("IgG", "5.0", "g/L", day=days(0)),
        result("IgM", "0.5", "g/L", day=days(1)),  # IgM normal; IgG still low
        result("IgG", "6.0", "g/L", day=days(2)),  # both normal: cleared
        result("IgM", "0.3", "g/L", day=days(3)),
        result("IgM", "0.4", "g/L", day=days(4)),  # at the LLN clears
    )
    assert [g.flags.names() for g in got] == [{"low_ig"}, {"low_ig"}, set(), {"low_ig"}, set()]
    assert got[0].flags.low_ig == 1 and got[1].flags.low_ig == 1 and got[3].flags.low_ig == 4


def test_cytopenia_follows_the_latest_of_either_count():
    got = sequence(
        result("neutrophils", "1.2", "10^9/L", day=days(0)),
        result("lymphocytes", "0.8", "10^9/L", day=days(1)),
        result("neutrophils", "2.0", "10^9/L", day=days(2)),
        result("lymphocytes", "1.0", "10^9/L", day=days(3)),
    )
    assert [g.flags.names() for g in got] == [{"cytopenia"}] * 3 + [set()]


def test_an_older_result_recorded_later_fires_nothing_and_changes_nothing():
    got = sequence(
        result("IgG", "7.0", "g/L", day=days(10)),
        result("IgG", "4.0", "g/L", day=days(0)),  # collected earlier: history only
    )
    assert got[1].fired == () and not got[1].latest
    assert got[1].flags.names() == set()


def test_hepatitis_b_risk_is_never_cleared_by_a_result_and_a_repeat_positive_tells_nobody():
    got = sequence(
        result("HBsAg", positive=True),
        result("anti-HBc", positive=True, day=days(1)),
        result("HBsAg", positive=False, day=days(2)),
        result("anti-HBc", positive=False, day=days(3)),
    )
    assert [list(g.team_alerts) for g in got] == [[HBV], [], [], []]
    assert [f.rule_id for f in got[1].fired] == [HBV]  # it fires; it opens no team alert
    assert all(g.flags.hbv_risk == 1 for g in got)


def test_a_positive_after_a_clinician_cleared_the_flag_tells_the_team_again():
    (got,) = sequence(result("HBsAg", positive=True), hbv_held=None)
    assert list(got.team_alerts) == [HBV]


def rules_with(**changes):
    """The specification's rule set with some rules' parameters or switches changed."""
    from alerts.rules import DEFAULT_RULES

    configs = {}
    for rule_id, change in changes.items():
        definition = DEFAULT_RULES[rule_id]
        configs[rule_id] = RuleConfig(
            rule_id=rule_id,
            level=definition.level,
            active=change.get("active", True),
            params={**definition.defaults, **change.get("params", {})},
            remeasure_minutes=None,
        )
    return RuleSet(configs)


def test_a_rule_switched_off_sets_nothing():
    rules = rules_with(**{"LAB-IG-LOW": {"active": False}})
    low = one(result("IgG", "5.0", "g/L"), rules=rules)
    assert low.fired == () and low.flags.names() == set()
    review = one(result("IgG", "4.4", "g/L"), rules=rules)
    assert [f.rule_id for f in review.fired] == [REVIEW]
    assert review.flags.names() == {"low_ig"}
    off = rules_with(**{"LAB-CYTO-LOW": {"active": False}})
    assert one(result("neutrophils", "1.0", "10^9/L"), rules=off).flags.names() == set()


def test_the_clinic_defaults_come_from_the_rule_parameters():
    rules = rules_with(
        **{
            "LAB-IG-LOW": {"params": {"igg_lln": Decimal("6.00")}},
            "LAB-IG-REVIEW": {"params": {"igg_below_percent": 25}},
        }
    )
    assert [f.rule_id for f in one(result("IgG", "5.9", "g/L"), rules=rules).fired] == [LOW]
    # 6.00 × 0.75 = 4.50
    assert [f.rule_id for f in one(result("IgG", "4.51", "g/L"), rules=rules).fired] == [LOW]
    assert [f.rule_id for f in one(result("IgG", "4.50", "g/L"), rules=rules).fired] == [
        LOW,
        REVIEW,
    ]


def test_flags_from_reads_only_the_latest_result_of_each_test():
    results = [
        result("IgG", "4.0", "g/L", key=1, day=days(0)),
        result("IgG", "6.0", "g/L", key=2, day=days(5)),
        result("lymphocytes", "0.5", "10^9/L", key=3, day=days(1)),
    ]
    flags = flags_from(results, None, RuleSet())
    assert (flags.low_ig, flags.cytopenia, flags.hbv_risk) == (None, 3, None)
    # Two results the same day: the one recorded later is the latest.
    same_day = [
        result("IgG", "4.0", "g/L", key=1, order=2),
        result("IgG", "6.0", "g/L", key=2, order=1),
    ]
    assert flags_from(same_day, None, RuleSet()).low_ig == 1
