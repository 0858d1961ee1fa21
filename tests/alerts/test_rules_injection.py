"""Injection rules, the W24/W48 windows, and every suppression with its "must not"."""

from __future__ import annotations

import pytest

from alerts.rules import Injection
from tests.alerts.rulekit import T0, D, H, M, entry, fired, prior, run

INJ = T0 - 10 * H  # entries at T0 are 10 h after the injection unless moved
MILD = {"headache": 1, "chills": 1}


def test_mild_reaction_in_w24_is_watch_and_suppresses_flu_and_low_fever():
    result = run(entry(t="37.6", sym=MILD), injections=[INJ])
    assert result.rule_ids == ["INJ-IRR-24"]
    assert result.level == "WATCH"
    assert {s.rule_id: s.by_rule for s in result.suppressed} == {
        "INF-FLU": "INJ-IRR-24",
        "T-LOW-1": "INJ-IRR-24",
    }


@pytest.mark.parametrize(
    ("since", "inside"),
    [(0 * M, True), (24 * H, True), (24 * H + M, False), (-M, False)],
)
def test_w24_boundary(since, inside):
    injections = [T0 - since]
    result = fired(entry(t="37.6", sym={"headache": 1}), injections=injections)
    assert ("INJ-IRR-24" in result) is inside
    assert ("T-LOW-1" in result) is not inside


def test_pro_worsen_is_suppressed_only_for_reaction_symptoms_up_to_grade_2():
    history = [entry(INJ - D, t="36.8", sym={})]
    reaction = run(entry(sym={"fatigue": 2}), history=history, injections=[INJ])
    assert [s.rule_id for s in reaction.suppressed] == ["PRO-WORSEN-2"]
    cough = run(entry(sym={"headache": 1, "cough": 2}), history=history, injections=[INJ])
    assert "PRO-WORSEN-2" in cough.rule_ids  # cough is not a reaction symptom
    severe = run(entry(sym={"headache": 3}), history=history, injections=[INJ])
    assert {"PRO-SEV", "PRO-WORSEN-2"} <= set(severe.rule_ids)
    assert "INJ-IRR-24" not in severe.rule_ids


def test_w24_readings_do_not_count_for_two_raised_days():
    yesterday = entry(T0 - D - 2 * H, t="37.6")  # 06:00 yesterday
    assert "T-LOW-2D" not in fired(
        entry(t="37.6", sym={"headache": 1}), history=[yesterday], injections=[INJ]
    )
    # The same reading 25 h after the injection counts (yesterday's was before it).
    assert "T-LOW-2D" in fired(entry(t="37.6"), history=[yesterday], injections=[T0 - 25 * H])
    # A reading of yesterday's inside that injection's W24 does not.
    inside = entry(T0 - D, t="37.6")  # 1 h after the injection
    assert "T-LOW-2D" not in fired(entry(t="37.6"), history=[inside], injections=[T0 - 25 * H])


# Each trigger that INJ-IRR-24 must never hide, added to a mild reaction inside W24.
MUST_NOT = [
    ("T-FEV-1", {"t": "38.0"}),
    ("T-FEV-ER-1", {"t": "38.3", "er": True}),
    ("SEP-RF", {"rf": ["might_die"]}),
    ("INJ-ANAPH", {"rf": ["widespread_hives"]}),
    ("RESP-SEV", {"rf": ["severe_breathless"]}),
    ("NEURO-NEW", {"sym": {"vision_change": 1}}),
    ("NEURO-ACUTE", {"rf": ["seizure"]}),
    ("NEURO-FEVER", {"sym": {"ms_worse": 1}, "t": "37.6"}),
    ("GU-UTI", {"sym": {"dysuria": 1}}),
    ("GU-UPPER", {"sym": {"dysuria": 1, "vomiting": 1}}),
    ("HZ-RASH", {"sym": {"one_sided_rash": 1}}),
    ("HZ-EYE", {"sym": {"rash_near_eye": 1}}),
    ("HBV-LIVER", {"sym": {"jaundice": 1}}),
    ("HBV-SEV", {"sym": {"jaundice": 1}, "rf": ["vomiting_blood"]}),
    ("VIT-HR-H", {"vit": {"heart_rate": (140, True)}}),
    ("VIT-RR-H", {"vit": {"resp_rate": (26, False)}}),
    ("VIT-SBP-H", {"vit": {"systolic_bp": (88, False)}}),
    ("VIT-SPO2-H", {"vit": {"spo2": (91, True)}}),
    ("PRO-SEV", {"sym": {"nausea": 3}}),
]


@pytest.mark.parametrize(("rule_id", "extra"), MUST_NOT, ids=[m[0] for m in MUST_NOT])
def test_injection_reaction_never_hides(rule_id, extra):
    from alerts.rules import Vital

    extra = dict(extra)
    er = ["cytopenia"] if extra.pop("er", False) else ()
    vit = {k: Vital(v, c) for k, (v, c) in extra.pop("vit", {}).items()}
    symptoms = {**MILD, **extra.pop("sym", {})}
    result = run(entry(sym=symptoms, vit=vit, **extra), injections=[INJ], er=er)
    assert rule_id in result.rule_ids
    assert rule_id not in [s.rule_id for s in result.suppressed]


@pytest.mark.parametrize(
    ("extra", "irr"),
    [
        ({}, True),
        ({"sym": {"dysuria": 1}}, False),  # localising infection symptom
        ({"sym": {"phlegm_coloured": 1, "cough": 1}}, False),  # productive cough
        ({"sym": {"one_sided_rash": 1}}, False),  # rash
        ({"rf": ["no_urine"]}, False),  # sepsis sign
        ({"t": "38.0"}, False),  # a fever is INJ-FEV, not a reaction
        ({"sym": {"chills": 3}}, False),  # beyond grade 2
    ],
)
def test_what_stops_injection_reaction(extra, irr):
    extra = dict(extra)
    symptoms = {**MILD, **extra.pop("sym", {})}
    assert ("INJ-IRR-24" in fired(entry(sym=symptoms, **extra), injections=[INJ])) is irr


def test_unsuppressed_flu_when_reaction_does_not_qualify():
    # Chills with 37.6 in W24 plus a urinary symptom: no reaction, so INF-FLU stands.
    result = fired(entry(t="37.6", sym={"chills": 1, "dysuria": 1}), injections=[INJ])
    assert {"INF-FLU", "T-LOW-1", "GU-UTI"} <= set(result)


@pytest.mark.parametrize(("since", "expected"), [(10 * H, True), (24 * H, True), (25 * H, False)])
def test_injection_fever(since, expected):
    result = fired(entry(t="38.0"), injections=[T0 - since])
    assert ("INJ-FEV" in result) is expected
    assert "T-FEV-1" in result


def reacted(at):
    """A prior INJ-IRR-24 alert for the injection at `at`."""
    return prior("INJ-IRR-24", "WATCH", at + 6 * H, team=False)


@pytest.mark.parametrize(
    ("since", "symptoms", "t", "expected"),
    [
        (48 * H, {"headache": 2}, None, False),
        (48 * H + M, {"headache": 2}, None, True),
        (49 * H, {"headache": 1}, None, False),  # grade 2 needed
        (49 * H, {}, "37.5", True),
        (49 * H, {}, "37.4", False),
        (7 * D, {"fatigue": 2}, None, True),
        (7 * D + M, {"fatigue": 2}, None, False),
    ],
)
def test_persisting_reaction_window(since, symptoms, t, expected):
    injection = T0 - since
    result = fired(entry(sym=symptoms, t=t), injections=[injection], prior=[reacted(injection)])
    assert ("INJ-PERSIST-48" in result) is expected


def test_persisting_reaction_needs_a_recorded_reaction():
    injection = T0 - 60 * H
    assert "INJ-PERSIST-48" not in fired(entry(sym={"headache": 2}), injections=[injection])


@pytest.mark.parametrize("flag", ["face_swelling", "wheeze", "widespread_hives", "fainting"])
def test_anaphylaxis_signs_are_urgent_with_or_without_an_injection(flag):
    for injections in ([INJ], []):
        result = run(entry(rf=[flag]), injections=injections)
        assert "INJ-ANAPH" in result.rule_ids and result.level == "URGENT"


@pytest.mark.parametrize(
    ("symptoms", "t", "since", "expected"),
    [
        ({"site_reaction": 1}, None, 10 * H, {"INJ-SITE"}),
        ({"site_reaction": 1}, "38.0", 10 * H, {"INJ-SITE", "INJ-FEV", "T-FEV-1"}),
        ({"site_reaction": 1}, "38.0", 25 * H, {"INJ-SITE", "INJ-SITE-INF", "T-FEV-1"}),
        ({"site_spreading": 1}, None, 10 * H, {"INJ-SITE-INF"}),
    ],
)
def test_injection_site(symptoms, t, since, expected):
    assert set(fired(entry(sym=symptoms, t=t), injections=[T0 - since])) == expected


def dose(at, number):
    return Injection(at, number)


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (D, True),  # due tomorrow
        (2 * D, True),  # the due day starts 40 h after the entry (08:00)
        (3 * D, False),  # 64 h away
        (-3 * D, True),  # overdue counts as due
    ],
)
def test_due_dose_with_a_recent_infection(due_in, expected):
    # Dose 4 logged 28 days before the due date of dose 5.
    last = T0 + due_in - 28 * D
    history = [entry(T0 - 3 * D, t="38.1")]
    infection = [prior("T-FEV-1", "CONTACT", T0 - 3 * D)]
    result = fired(entry(t="36.9"), history=history, injections=[dose(last, 4)], prior=infection)
    assert ("INJ-DUE-INF" in result) is expected


def test_due_dose_with_an_infection_today():
    last = T0 - 27 * D
    assert {"GU-UTI", "INJ-DUE-INF"} <= set(
        fired(entry(sym={"dysuria": 1}), injections=[dose(last, 4)])
    )


def test_due_dose_ignores_old_or_non_infection_alerts():
    last = T0 - 27 * D
    old = [prior("T-FEV-1", "CONTACT", T0 - 8 * D)]
    assert "INJ-DUE-INF" not in fired(entry(), injections=[dose(last, 4)], prior=old)
    vaccine = [prior("VAC-LIVE", "CONTACT", T0 - D)]
    assert "INJ-DUE-INF" not in fired(entry(), injections=[dose(last, 4)], prior=vaccine)


def test_live_vaccine_plan():
    result = run(entry(planned_vaccine_live=True))
    assert result.rule_ids == ["VAC-LIVE"] and result.level == "CONTACT"
    assert fired(entry()) == []


@pytest.mark.parametrize(
    ("text", "ticked", "live"),
    [
        # The patient's tick is the primary answer, whatever the text says.
        ("", True, True),
        ("inactivated flu jab", True, True),
        # Unticked: a named live vaccine still counts, as whole words.
        ("yellow fever", False, True),
        ("Yellow-fever jab for Ghana", False, True),
        ("MMR booster", False, True),
        ("measles catch-up", False, True),
        ("chickenpox vaccine", False, True),
        ("BCG", False, True),
        ("oral polio drops", False, True),
        ("Zostavax", False, True),
        ("Fluenz nasal spray", False, True),
        ("a live vaccine", False, True),
        ("live attenuated typhoid", False, True),
        # Brand and spelling variants (found by review).
        ("MMRV", False, True),
        ("MMRVaxPro", False, True),
        ("M-M-R II", False, True),
        ("ProQuad", False, True),
        ("LAIV4", False, True),
        ("flu nasal spray", False, True),
        ("intranasal flu vaccine", False, True),
        ("YF vaccine", False, True),
        ("TB vaccine", False, True),
        ("typhoid capsules", False, True),
        ("Rotarix", False, True),
        ("polio drops", False, True),
        ("Imojev", False, True),
        ("MMR (live)", False, True),
        ("my travel jab, it's live", False, True),
        # Unsure whether it is live: the team checks (safer).
        ("not sure if live", False, True),
        ("dunno live or not", False, True),
        ("Not live?", False, True),
        ("not live (nurse will check)", False, True),
        ("Flu jab at GP, I live alone", False, False),
        # Not live, and words that merely contain "live".
        ("non-live flu vaccine", False, False),
        ("non live", False, False),
        ("not live", False, False),
        ("it is not a live vaccine", False, False),
        ("no live vaccines", False, False),
        ("inactivated polio", False, False),
        ("vaccine delivered on Tuesday", False, False),
        ("liver function test first", False, False),
        ("olive oil", False, False),
        ("Shingrix (shingles)", False, False),
        ("flu jab (injection)", False, False),
        ("covid booster", False, False),
        ("typhoid injection", False, False),
        ("", False, False),
    ],
)
def test_the_vaccine_plan_is_read_exactly(text, ticked, live):
    result = run(entry(planned_vaccine=text, planned_vaccine_live=ticked))
    assert ("VAC-LIVE" in result.rule_ids) is live


def test_a_false_live_match_no_longer_swallows_a_real_plan_the_next_day():
    """A non-live plan fires nothing, so the real live plan opens its own team alert."""
    monday = run(entry(T0 - D, planned_vaccine="non-live flu vaccine"))
    assert monday.rule_ids == []
    tuesday = run(entry(planned_vaccine="yellow fever"))
    assert tuesday.team_alerts == ("VAC-LIVE",)


def test_a_different_live_vaccine_is_a_change_for_the_team():
    earlier = [
        prior(
            "VAC-LIVE",
            "CONTACT",
            T0 - 2 * D,
            key="VAC-LIVE:x",
            detail={"vaccines": ["yellow fever"]},
        ),
        prior(
            "VAC-LIVE",
            "CONTACT",
            T0 - D,
            key="VAC-LIVE:x",
            team=False,
            entry_id=2,
            detail={"vaccines": ["yellow fever"]},
        ),
    ]
    same = run(entry(planned_vaccine="yellow fever"), prior=earlier)
    other = run(entry(planned_vaccine="yellow fever and MMR"), prior=earlier)
    assert (same.team_alerts, other.team_alerts) == ((), ("VAC-LIVE",))


# The team's first-dose date and the pre-dose check -------------------------------------


def test_the_pre_dose_check_uses_the_teams_first_dose_date():
    """No dose logged yet; the team planned the first for tomorrow and a UTI is open."""
    result = run(entry(sym={"dysuria": 1}), first_dose_at=T0 + D)
    assert {"GU-UTI", "INJ-DUE-INF"} <= set(result.rule_ids)
    (due,) = [f for f in result.fired if f.rule_id == "INJ-DUE-INF"]
    assert due.why["next_dose"] == 1
    assert due.episode_key == "INJ-DUE-INF:1:2026-03-03"  # one episode per dose
    assert "INJ-DUE-INF" not in fired(entry(sym={"dysuria": 1}), first_dose_at=T0 + 3 * D)


@pytest.mark.parametrize(("before_due_day", "expected"), [(48 * H, True), (48 * H + M, False)])
def test_the_pre_dose_check_boundary(before_due_day, expected):
    """Due on a local day (04 March); 48 h are measured to the start of that day."""
    first = T0.replace(day=4, hour=9)
    at = T0.replace(day=4, hour=0) - before_due_day
    result = fired(entry(at, sym={"dysuria": 1}), first_dose_at=first)
    assert ("INJ-DUE-INF" in result) is expected


def test_the_pre_dose_check_counts_every_infection_rule_of_the_entry():
    """INJ-SITE-INF is decided late in the rule table; the check still sees it."""
    result = run(entry(sym={"site_spreading": 1}), injections=[dose(T0 - 27 * D, 4)])
    assert {"INJ-SITE-INF", "INJ-DUE-INF"} <= set(result.rule_ids)


def test_the_team_is_told_once_per_dose_whichever_path_raised_it():
    earlier = [
        prior("INJ-DUE-INF", "CONTACT", T0 - 30 * H, entry_id=None, key="INJ-DUE-INF:5:2026-03-03")
    ]
    result = run(entry(sym={"dysuria": 1}), injections=[dose(T0 - 27 * D, 4)], prior=earlier)
    assert "INJ-DUE-INF" in result.rule_ids
    assert "INJ-DUE-INF" not in result.team_alerts


def test_due_dose_counts_an_infection_rule_raised_by_risk_escalation():
    last = T0 - 27 * D
    sore_throat = entry(sym={"sore_throat": 1})
    assert "INJ-DUE-INF" not in fired(sore_throat, injections=[dose(last, 4)])  # WATCH only
    er = fired(sore_throat, injections=[dose(last, 4)], er=["low_ig"])
    assert {"INJ-DUE-INF", "RESP-URTI", "RISK-ESC"} <= set(er)
