"""The team's quiets in the pure evaluator: what they hold back, and what they never do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.rules import (
    DEFAULT_RULES,
    URGENT,
    EvaluationInput,
    Quiet,
    SweepInput,
    evaluate,
    evaluate_sweep,
    quieted_by,
)
from tests.alerts.rulekit import T0, D, entry, profile

UNTIL = T0 + timedelta(days=30)

# One entry per URGENT entry rule that makes it fire: (rule, entry, elevated risk).
URGENT_CASES = [
    ("T-FEV-ER-1", entry(t="38.6"), ("low_ig",)),
    ("T-HYPO-2", entry(t="34.8", confirmed=True), ()),
    ("SEP-RF", entry(rf=("mottled_skin",)), ()),
    ("VIT-HR-H", entry(t="37.0", vit={"heart_rate": ("confirmed", 140)}), ()),
    ("VIT-RR-H", entry(vit={"resp_rate": 28}), ()),
    ("VIT-SPO2-H", entry(vit={"spo2": ("confirmed", 90)}), ()),
    ("VIT-SBP-H", entry(vit={"systolic_bp": 85}), ()),
    ("RESP-SEV", entry(rf=("severe_breathless",)), ()),
    ("HZ-EYE", entry(sym={"rash_near_eye": 1, "vision_change": 2}), ()),
    ("HBV-SEV", entry(sym={"jaundice": 1}, rf=("vomiting_blood",)), ()),
    ("NEURO-ACUTE", entry(rf=("seizure",)), ()),
    ("INJ-ANAPH", entry(rf=("face_swelling",)), ()),
]


def _fix_vitals(case_entry):
    """rulekit takes plain numbers; ("confirmed", n) marks a re-checked reading."""
    from dataclasses import replace

    from alerts.rules import Vital

    vitals = {
        name: Vital(v.value[1], confirmed=True) if isinstance(v.value, tuple) else v
        for name, v in case_entry.vitals.items()
    }
    return replace(case_entry, vitals=vitals)


def evaluation(e, *, er=(), quiets=()):
    return evaluate(
        EvaluationInput(
            profile=profile(er),
            injections=(),
            entry=_fix_vitals(e),
            quiets=tuple(quiets),
        )
    )


def everything_quieted(result, e) -> list[Quiet]:
    """A quiet of every rule that fired and of every symptom and red flag of the entry."""
    codes = set(e.symptoms) | set(e.red_flags)
    for firing in result.fired:
        codes |= set(firing.why.get("symptoms") or {})
    return [Quiet(rule_id=f.rule_id, reason="r", until=UNTIL) for f in result.fired] + [
        Quiet(symptom_code=code, reason="r", until=UNTIL) for code in sorted(codes)
    ]


@pytest.mark.parametrize(
    ("rule_id", "case_entry", "er"), URGENT_CASES, ids=[c[0] for c in URGENT_CASES]
)
def test_it_never_quiets_an_urgent_rule(rule_id, case_entry, er):
    """Quiet the URGENT rule itself, every other rule that fired and every symptom: the
    URGENT alert still reaches the team, unmarked."""
    plain = evaluation(case_entry, er=er)
    assert rule_id in plain.team_alerts, plain.rule_ids
    result = evaluation(case_entry, er=er, quiets=everything_quieted(plain, case_entry))
    assert rule_id in result.team_alerts
    assert rule_id not in result.quieted
    assert result.level == URGENT
    urgent = next(f for f in result.fired if f.rule_id == rule_id)
    assert "quieted" not in urgent.why


def test_the_table_covers_the_urgent_entry_rules():
    """Every URGENT entry rule is in the table, but the two that need earlier entries."""
    urgent = {r for r, d in DEFAULT_RULES.items() if d.level == URGENT and d.kind.value == "entry"}
    assert urgent - {c[0] for c in URGENT_CASES} == {"T-FEV-ER-2", "VIT-NEWS2"}


@pytest.mark.parametrize("level", ["URGENT"])
def test_it_refuses_an_urgent_firing_whatever_quiet_matches(level):
    quiets = [Quiet(rule_id="PRO-SEV"), Quiet(symptom_code="fatigue")]
    assert quieted_by(quiets, "PRO-SEV", level, {"symptoms": {"fatigue": 3}}) is None


def test_a_rule_quiet_holds_back_its_contact_and_marks_why():
    e = entry(sym={"fatigue": 3})
    plain = evaluation(e)
    assert "PRO-SEV" in plain.team_alerts
    quiet = Quiet(rule_id="PRO-SEV", reason="baseline MS fatigue", until=UNTIL, by="Alice A")
    result = evaluation(e, quiets=[quiet])
    assert "PRO-SEV" not in result.team_alerts
    assert result.quieted == ("PRO-SEV",)
    firing = next(f for f in result.fired if f.rule_id == "PRO-SEV")
    assert firing.why["quieted"] == {
        "subject": "PRO-SEV",
        "reason": "baseline MS fatigue",
        "until": UNTIL.isoformat(),
        "by": "Alice A",
    }
    # The patient is told the same: the level and the prompt do not change.
    assert (result.level, result.prompt_key) == (plain.level, plain.prompt_key)


@pytest.mark.parametrize(
    ("symptoms", "t", "quieted_codes", "held_back"),
    [
        ({"fatigue": 3}, None, ["fatigue"], {"PRO-SEV"}),  # the symptom alone
        ({"fatigue": 3}, None, ["cough"], set()),  # another symptom's quiet
        ({"fatigue": 3, "headache": 3}, None, ["fatigue"], set()),  # not all of them
        ({"fatigue": 3, "headache": 3}, None, ["fatigue", "headache"], {"PRO-SEV"}),
        ({"fatigue": 3}, "38.5", ["fatigue"], {"PRO-SEV"}),  # the fever is still told
        ({"cough": 3}, None, ["cough"], {"PRO-SEV"}),
    ],
)
def test_a_symptom_quiet_holds_back_only_what_is_all_about_it(
    symptoms, t, quieted_codes, held_back
):
    e = entry(sym=symptoms, t=t)
    plain = evaluation(e)
    quiets = [Quiet(symptom_code=c, reason="r", until=UNTIL) for c in quieted_codes]
    result = evaluation(e, quiets=quiets)
    assert set(result.quieted) == held_back
    assert set(result.team_alerts) == set(plain.team_alerts) - held_back
    if t is not None:
        assert "T-FEV-1" in result.team_alerts


def test_a_symptom_quiet_never_holds_back_an_infection_rule():
    why = {"symptoms": {"cough": 1}}
    assert quieted_by([Quiet(symptom_code="cough")], "RESP-COUGH-3D", "CONTACT", why) is None
    assert quieted_by([Quiet(rule_id="RESP-COUGH-3D")], "RESP-COUGH-3D", "CONTACT", why)


def test_a_quieted_diary_gap_is_recorded_not_told():
    as_of = T0 + 5 * D
    inp = dict(profile=profile(enrolled_at=T0 - D), as_of=as_of, entry_times=(T0,))
    plain = evaluate_sweep(SweepInput(**inp))
    assert "DIARY-GAP-3" in plain.team_alerts
    result = evaluate_sweep(SweepInput(**inp, quiets=(Quiet(rule_id="DIARY-GAP-3"),)))
    assert "DIARY-GAP-3" not in result.team_alerts
    assert result.quieted == ("DIARY-GAP-3",)
    assert "DIARY-GAP-3" in {f.rule_id for f in result.fired}


def test_missed_days_count_from_the_end_of_a_pause():
    """Ten days away, back two days ago: no DIARY-GAP-3 for the days of the pause."""
    as_of = T0 + 12 * D
    base = dict(as_of=as_of, entry_times=(T0,))
    away = evaluate_sweep(SweepInput(profile=profile(enrolled_at=T0 - D), **base))
    assert {"DIARY-GAP-2", "DIARY-GAP-3"} <= {f.rule_id for f in away.fired}
    from dataclasses import replace

    resumed = replace(profile(enrolled_at=T0 - D), resumed_at=as_of - 2 * D)
    back = evaluate_sweep(SweepInput(profile=resumed, **base))
    assert [f.rule_id for f in back.fired] == ["DIARY-GAP-2"]
