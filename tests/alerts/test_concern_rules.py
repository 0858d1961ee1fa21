"""What stands for a patient (clinical-rules.md §5), as the pure functions decide it: the
transition a set of firings makes, which alert leads, and the level of advice that stands.
Table-driven, no database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.rules import DEFAULT_RULES, EvaluationInput, Profile, evaluate
from alerts.rules.codes import (
    ANAPHYLAXIS_FLAGS,
    NEURO_ACUTE_FLAGS,
    RESP_SEVERE_FLAGS,
    SEPSIS_FLAGS,
)
from alerts.rules.concern import (
    Member,
    Transition,
    joins,
    lead,
    level_of,
    reported_codes,
    standing_level,
    transition,
)
from tests.alerts.rulekit import T0, entry

C, U, W = "CONTACT", "URGENT", "WATCH"


@pytest.mark.parametrize(
    "open_level, new_levels, expected",
    [
        (None, [C], Transition.OPENED),
        (None, [U], Transition.OPENED),
        (None, [W, C], Transition.OPENED),
        (None, [W], Transition.NOTHING),
        (None, [], Transition.NOTHING),
        (C, [W], Transition.NOTHING),
        (C, [C], Transition.JOINED),
        (C, [C, C], Transition.JOINED),
        (C, [U], Transition.RAISED),
        (C, [C, U], Transition.RAISED),
        (U, [C], Transition.JOINED),
        (U, [U], Transition.URGENT),  # URGENT is never held back (§3)
        (U, [C, U], Transition.URGENT),
        (U, [W], Transition.NOTHING),
    ],
)
def test_it_decides_what_firings_do_to_the_concern(open_level, new_levels, expected):
    assert transition(open_level, new_levels) == expected


def test_it_tells_someone_only_when_the_concern_opens_rises_or_gets_a_new_urgent():
    assert Transition.TOLD == {Transition.OPENED, Transition.RAISED, Transition.URGENT}


@pytest.mark.parametrize(
    "level, why, expected",
    [
        (C, {}, True),
        (U, {}, True),
        (W, {}, False),
        ("NONE", {}, False),
        (C, {"quieted": {"subject": "GU-UTI"}}, False),
    ],
)
def test_it_joins_contact_and_urgent_firings_the_team_did_not_quiet(level, why, expected):
    assert joins("GU-UTI", level, why) is expected


def member(rule_id, level, *, source=1, at=T0, reported=(), resolved=False) -> Member:
    return Member(
        key=f"{rule_id}@{source}",
        rule_id=rule_id,
        level=level,
        source=source,
        at=at,
        reported=frozenset(reported),
        resolved=resolved,
    )


LATER = T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    "members, expected",
    [
        # Only what the patient reported qualifies: confusion alone raises RESP-SEV and
        # SEP-RF; SEP-RF comes first in the table.
        (
            [
                member("RESP-SEV", U, reported={"slurred_speech_confusion"}),
                member("SEP-RF", U, reported={"slurred_speech_confusion"}),
            ],
            "SEP-RF",
        ),
        # A rule that used a ticked symptom leads over a reading-only rule at the level.
        (
            [member("T-FEV-1", C), member("GU-UTI", C, reported={"dysuria"})],
            "GU-UTI",
        ),
        # None qualifies: the first in the table.
        ([member("T-FEV-1", C), member("INJ-DUE-INF", C)], "T-FEV-1"),
        ([member("DIARY-GAP-3", C), member("DIARY-FOLLOWUP", C)], "DIARY-GAP-3"),
        # RISK-ESC never leads, even first in time and alone at its level.
        ([member("RISK-ESC", C, reported={"cough"}), member("RESP-URTI", C)], "RESP-URTI"),
        # Among the alerts at the concern's level only.
        (
            [member("GU-UTI", C, reported={"dysuria"}), member("T-HYPO-2", U, source=2, at=LATER)],
            "T-HYPO-2",
        ),
        # From the entry that first reached that level, not a later one at the same level.
        (
            [
                member("T-HYPO-2", U, source=1),
                member("SEP-RF", U, source=2, at=LATER, reported={"might_die"}),
            ],
            "T-HYPO-2",
        ),
        # Resolved alerts do not count.
        (
            [
                member("SEP-RF", U, reported={"might_die"}, resolved=True),
                member("GU-UTI", C, source=2, at=LATER, reported={"dysuria"}),
            ],
            "GU-UTI",
        ),
        ([member("SEP-RF", U, resolved=True)], None),
        ([member("INJ-SITE", W, reported={"site_reaction"})], None),
    ],
)
def test_it_chooses_the_lead(members, expected):
    chosen = lead(members)
    assert (chosen.rule_id if chosen else None) == expected


def test_it_leads_the_patients_advice_only_with_rules_whose_words_the_patient_read(monkeypatch):
    """LAB-* rules (§6) are the team's only: they never lead the patient's advice."""
    from alerts.rules import concern

    monkeypatch.setattr(concern, "patient_facing", lambda rule_id: rule_id != "T-FEV-1")
    members = [member("T-FEV-1", U), member("GU-UTI", C, reported={"dysuria"})]
    assert lead(members).rule_id == "T-FEV-1"
    assert lead(members, patient=True).rule_id == "GU-UTI"
    assert level_of(members) == U
    assert level_of(members, patient=True) == C


@pytest.mark.parametrize(
    "levels, expected",
    [([C], C), ([C, U], U), ([W], "NONE"), ([], "NONE"), ([U, W], U)],
)
def test_its_level_is_the_highest_of_its_unresolved_alerts(levels, expected):
    members = [member(f"R{i}", level) for i, level in enumerate(levels)]
    members.append(member("X", U, resolved=True))
    assert level_of(members) == expected


@pytest.mark.parametrize(
    "advice_level, reached, expected",
    [(U, False, U), (C, False, C), (U, True, "NONE"), (C, True, "NONE"), (W, False, "NONE")],
)
def test_the_advice_stands_until_the_patient_says_they_reached_someone(
    advice_level, reached, expected
):
    assert standing_level(advice_level, reached=reached) == expected


FLAG_RULES = {
    **dict.fromkeys(SEPSIS_FLAGS, "SEP-RF"),
    **dict.fromkeys(ANAPHYLAXIS_FLAGS, "INJ-ANAPH"),
    **dict.fromkeys(NEURO_ACUTE_FLAGS, "NEURO-ACUTE"),
}


@pytest.mark.parametrize("flag", sorted(FLAG_RULES))
def test_a_warning_sign_alone_leads_with_the_first_rule_that_used_it(flag):
    """Confusion alone (and each red flag that raises a rule on its own) leads with the
    first rule of the table among those that used it, never RESP-SEV's "Severe breathing
    problem" for confusion."""
    evaluation = evaluate(
        EvaluationInput(
            profile=Profile(timezone="Europe/London"), injections=(), entry=entry(rf=[flag])
        )
    )
    members = [
        Member(
            key=f.rule_id,
            rule_id=f.rule_id,
            level=f.level,
            source=1,
            at=T0,
            reported=reported_codes(f.why),
        )
        for f in evaluation.fired
    ]
    chosen = lead(members)
    assert chosen.rule_id == FLAG_RULES[flag]
    assert flag in chosen.reported
    if flag in RESP_SEVERE_FLAGS:
        assert {m.rule_id for m in members} >= {"RESP-SEV", "SEP-RF"}


@pytest.mark.parametrize(
    "why, expected",
    [
        ({"red_flags": ["seizure"]}, {"seizure"}),
        ({"symptoms": {"cough": 2, "sore_throat": 0}}, {"cough"}),
        ({"symptoms": {"headache": {"from": 0, "to": 2}}}, {"headache"}),
        ({"symptoms": {"jaundice": 1}, "with": ["vomiting_blood"]}, {"jaundice", "vomiting_blood"}),
        ({"readings": [{"value": "38.4", "unit": "C"}]}, set()),
        ({"heart_rate": 135}, set()),
        ({}, set()),
    ],
)
def test_it_reads_what_the_patient_reported_from_a_firings_why(why, expected):
    assert reported_codes(why) == expected


def test_every_rule_that_reads_symptoms_says_which_in_its_why():
    """A rule whose inputs are symptoms or warning signs qualifies to lead only if its
    "why" names them: every check that fires on a symptom entry reports one."""
    profile = Profile(timezone="Europe/London", hbv_risk=True, elevated_risk=frozenset({"low_ig"}))
    cases = [
        entry(sym={"chills": 2}, t="37.8"),
        entry(sym={"cough": 1, "phlegm_coloured": 1}),
        entry(sym={"dysuria": 2, "flank_pain": 2}),
        entry(sym={"cold_sore": 1}),
        entry(sym={"one_sided_rash": 1}),
        entry(sym={"rash_near_eye": 1}),
        entry(sym={"jaundice": 1}, rf=["hard_to_wake"]),
        entry(sym={"vision_change": 2}),
        entry(sym={"ms_worse": 2, "cough": 1}),
        entry(sym={"site_spreading": 1}),
        entry(sym={"fatigue": 4}),
    ]
    symptom_rules = set()
    for case in cases:
        evaluation = evaluate(EvaluationInput(profile=profile, injections=(), entry=case))
        for firing in evaluation.fired:
            if firing.rule_id == "RISK-ESC":
                continue
            symptom_rules.add(firing.rule_id)
            if case.symptoms or case.red_flags:
                reads_readings_only = DEFAULT_RULES[firing.rule_id].family == "temperature"
                assert reported_codes(firing.why) or reads_readings_only, firing
    assert len(symptom_rules) >= 12
