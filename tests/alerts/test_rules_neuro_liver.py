"""Neurological (NEURO-*) and liver (HBV-*) rules."""

from __future__ import annotations

import pytest

from tests.alerts.rulekit import T0, D, H, entry, fired, prior, run

NEURO = (
    "weakness_one_side",
    "clumsiness",
    "vision_change",
    "confusion_memory",
    "personality_change",
    "speech_difficulty",
)


@pytest.mark.parametrize("code", NEURO)
def test_every_neuro_symptom_is_new_neuro(code):
    result = run(entry(sym={code: 1}))
    assert "NEURO-NEW" in result.rule_ids and result.level == "CONTACT"


def test_ms_worse_alone_is_not_new_neuro():
    assert fired(entry(sym={"ms_worse": 1})) == []


def open_episode(at=T0 - D):
    return [prior("NEURO-NEW", "CONTACT", at)]


@pytest.mark.parametrize(
    ("before", "now", "episode", "expected"),
    [
        ({"vision_change": 1}, {"vision_change": 2}, True, True),
        ({"vision_change": 1}, {"vision_change": 1, "clumsiness": 1}, True, True),
        ({"vision_change": 2}, {"vision_change": 2}, True, False),
        ({"vision_change": 2}, {"vision_change": 1}, True, False),
        ({"vision_change": 1}, {"vision_change": 2}, False, False),  # no open episode
    ],
)
def test_neuro_progression(before, now, episode, expected):
    history = [entry(T0 - D, sym=before)]
    result = fired(entry(sym=now), history=history, prior=open_episode() if episode else ())
    assert ("NEURO-PROG" in result) is expected


def test_neuro_episode_closes_after_14_days():
    history = [entry(T0 - D, sym={"vision_change": 1})]
    stale = open_episode(T0 - 15 * D)
    assert "NEURO-PROG" not in fired(entry(sym={"vision_change": 2}), history=history, prior=stale)


def test_neuro_progression_is_never_deduplicated():
    history = [entry(T0 - H, sym={"vision_change": 1})]
    prior_alerts = [*open_episode(T0 - 2 * H), prior("NEURO-PROG", "CONTACT", T0 - H)]
    result = run(entry(sym={"vision_change": 2}), history=history, prior=prior_alerts)
    assert "NEURO-PROG" in result.team_alerts


@pytest.mark.parametrize(
    ("symptoms", "t", "expected"),
    [
        ({"ms_worse": 1}, "37.5", True),
        ({"ms_worse": 1}, "37.4", False),
        ({"ms_worse": 2, "dysuria": 1}, None, True),
        ({"ms_worse": 1, "cough": 1}, None, True),
        ({"ms_worse": 1, "headache": 2}, None, False),  # headache is not an infection symptom
    ],
)
def test_neuro_with_fever_or_infection(symptoms, t, expected):
    assert ("NEURO-FEVER" in fired(entry(sym=symptoms, t=t))) is expected


@pytest.mark.parametrize("flag", ["sudden_face_arm_speech", "seizure", "hard_to_wake"])
def test_acute_neuro_signs_are_urgent(flag):
    result = run(entry(rf=[flag]))
    assert "NEURO-ACUTE" in result.rule_ids and result.level == "URGENT"


@pytest.mark.parametrize(
    ("before", "now", "hbv", "expected"),
    [
        ({}, {"jaundice": 1}, False, {"HBV-LIVER"}),
        ({}, {"jaundice": 1}, True, {"HBV-LIVER"}),
        ({"fatigue": 0}, {"fatigue": 2, "nausea": 1}, True, {"HBV-LIVER"}),
        ({"fatigue": 1}, {"fatigue": 3, "dark_urine": 1}, True, {"HBV-LIVER"}),
        ({"fatigue": 0}, {"fatigue": 2, "appetite_loss": 1}, True, {"HBV-LIVER"}),
        ({"fatigue": 1}, {"fatigue": 2, "nausea": 1}, True, set()),  # rose by 1 only
        ({"fatigue": 0}, {"fatigue": 2}, True, set()),  # no liver sign with it
        ({"fatigue": 0}, {"fatigue": 2, "nausea": 1}, False, set()),  # not HBV-risk
    ],
)
def test_liver(before, now, hbv, expected):
    history = [entry(T0 - D, sym=before)]
    result = set(fired(entry(sym=now), history=history, hbv=hbv))
    assert {r for r in result if r.startswith("HBV-")} == expected


@pytest.mark.parametrize(
    ("now", "hbv", "expected"),
    [
        ({"fatigue": 2, "nausea": 1}, True, True),
        ({"fatigue": 1, "nausea": 1}, True, False),
        ({"fatigue": 2}, True, False),
        ({"fatigue": 2, "nausea": 1}, False, False),
        ({"jaundice": 1}, False, True),
    ],
)
def test_liver_on_a_first_entry_counts_from_none(now, hbv, expected):
    """Ambiguity 9: with no entry before, HBV-LIVER's rise is from none (safer: a hepatitis B
    reactivation must not wait for a second entry); PRO-WORSEN-2 keeps the first entry as
    its baseline."""
    result = fired(entry(sym=now), hbv=hbv)
    assert ("HBV-LIVER" in result) is expected
    assert "PRO-WORSEN-2" not in result


@pytest.mark.parametrize(
    ("symptoms", "flags", "expected"),
    [
        ({"jaundice": 1}, ["hard_to_wake"], True),
        ({"jaundice": 1}, ["slurred_speech_confusion"], True),
        ({"jaundice": 1, "confusion_memory": 1}, [], True),
        ({"jaundice": 1}, ["vomiting_blood"], True),
        ({"jaundice": 1}, ["abdomen_swelling"], True),
        ({}, ["vomiting_blood", "hard_to_wake"], False),  # needs jaundice
        ({"jaundice": 1}, [], False),
    ],
)
def test_severe_liver(symptoms, flags, expected):
    result = run(entry(sym=symptoms, rf=flags))
    assert ("HBV-SEV" in result.rule_ids) is expected
    if expected:
        assert result.level == "URGENT"
