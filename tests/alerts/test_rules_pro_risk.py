"""Severity rules, risk escalation, precedence, de-duplication and level rises."""

from __future__ import annotations

import pytest

from tests.alerts.rulekit import T0, D, H, M, config, entry, fired, prior, run


@pytest.mark.parametrize(("grade", "expected"), [(2, False), (3, True), (4, True)])
def test_severe_symptom(grade, expected):
    assert ("PRO-SEV" in fired(entry(sym={"nausea": grade}))) is expected


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [(0, 2, True), (1, 3, True), (2, 4, True), (1, 2, False), (0, 1, False), (3, 1, False)],
)
def test_worsening_by_two_since_the_previous_entry(before, now, expected):
    history = [entry(T0 - D, sym={"appetite_loss": before} if before else {})]
    assert ("PRO-WORSEN-2" in fired(entry(sym={"appetite_loss": now}), history=history)) is expected


def test_first_entry_is_the_baseline():
    assert "PRO-WORSEN-2" not in fired(entry(sym={"nausea": 2}))


def test_worsening_compares_with_the_latest_entry_only():
    history = [entry(T0 - 2 * D, sym={"nausea": 0}), entry(T0 - D, sym={"nausea": 1})]
    assert "PRO-WORSEN-2" not in fired(entry(sym={"nausea": 2}), history=history)


def test_flags_are_not_graded():
    history = [entry(T0 - D)]
    assert fired(entry(sym={"dark_urine": 1}), history=history) == []


@pytest.mark.parametrize(
    ("symptoms", "t", "rule"),
    [
        ({"sore_throat": 1}, None, "RESP-URTI"),
        ({"cold_sore": 1}, None, "HSV-ORAL"),
        ({"one_sided_pain": 1}, None, "HZ-PRODROME"),
        ({}, "37.5", "T-LOW-1"),
    ],
)
def test_risk_escalation_raises_watch_to_contact(symptoms, t, rule):
    standard = run(entry(sym=symptoms, t=t))
    assert standard.rule_ids == [rule] and standard.level == "WATCH"
    raised = run(entry(sym=symptoms, t=t), er=["recurrent_infection"])
    assert raised.rule_ids == sorted(["RISK-ESC", rule]) and raised.level == "CONTACT"
    assert raised.team_alerts == (rule,)  # RISK-ESC is a modifier, not its own alert


def test_risk_escalation_leaves_other_watch_rules():
    assert run(entry(sym={"site_reaction": 1}), er=["low_ig"]).level == "WATCH"


def test_entry_level_is_the_highest_rule():
    result = run(entry(t="38.0", rf=["might_die"], sym={"site_reaction": 1}))
    assert result.level == "URGENT" and result.prompt_key == "seek_now"


def test_nothing_fired_is_none_with_thanks():
    result = run(entry(t="36.8"))
    assert (result.level, result.prompt_key, result.rule_ids) == ("NONE", "thank_you", [])


# De-duplication ---------------------------------------------------------------------


@pytest.mark.parametrize(("ago", "notified"), [(23 * H + 59 * M, False), (24 * H, True)])
def test_same_rule_within_24_hours_is_not_renotified(ago, notified):
    result = run(entry(t="38.0"), prior=[prior("T-FEV-1", "CONTACT", T0 - ago)])
    assert "T-FEV-1" in result.rule_ids  # it still fires and the patient still sees it
    assert ("T-FEV-1" in result.team_alerts) is notified
    if not notified:
        assert [d.rule_id for d in result.deduplicated] == ["T-FEV-1"]


def test_a_deduplicated_firing_does_not_restart_the_24_hours():
    # Notified 30 h ago; a de-duplicated firing 10 h ago is not a notification.
    earlier = [
        prior("T-FEV-1", "CONTACT", T0 - 30 * H),
        prior("T-FEV-1", "CONTACT", T0 - 10 * H, team=False),
    ]
    assert "T-FEV-1" in run(entry(t="38.0"), prior=earlier).team_alerts


def test_urgent_is_never_deduplicated():
    earlier = [prior("SEP-RF", "URGENT", T0 - 5 * M)]
    assert run(entry(rf=["might_die"]), prior=earlier).team_alerts == ("SEP-RF",)


def test_a_rise_in_level_notifies_again():
    earlier = [prior("T-FEV-1", "CONTACT", T0 - H)]
    raised = config("T-FEV-1", "URGENT")  # e.g. the clinical lead raised the rule's level
    assert "T-FEV-1" in run(entry(t="38.0"), prior=earlier, rules=raised).team_alerts


@pytest.mark.parametrize(
    ("ago", "grade", "notified"),
    [
        (2 * D, 1, False),  # unchanged within 7 days, there every day
        (2 * D, 2, True),  # worse
        (7 * D, 1, True),  # 7 days on
    ],
)
def test_persistent_symptom_renotifies_when_worse_or_after_7_days(ago, grade, notified):
    detail, key = {"symptoms": {"clumsiness": 1}}, "NEURO-NEW:first"
    earlier = [prior("NEURO-NEW", "CONTACT", T0 - ago, detail=detail, entry_id=100, key=key)] + [
        prior(
            "NEURO-NEW",
            "CONTACT",
            T0 - days * D,
            team=False,
            detail=detail,
            key=key,
            entry_id=100 + n,
        )
        for n, days in enumerate(range(ago.days - 1, 0, -1), start=1)
    ]  # and on every day since, de-duplicated
    result = run(entry(sym={"clumsiness": grade}), prior=earlier)
    assert ("NEURO-NEW" in result.team_alerts) is notified


def test_persistent_symptom_renotifies_for_a_new_symptom_of_the_rule():
    earlier = [
        prior(
            "GU-UTI", "CONTACT", T0 - 2 * D, detail={"symptoms": {"dysuria": 1}}, key="GU-UTI:first"
        ),
        prior(
            "GU-UTI",
            "CONTACT",
            T0 - D,
            team=False,
            entry_id=2,
            key="GU-UTI:first",
            detail={"symptoms": {"dysuria": 1}},
        ),
    ]
    result = run(entry(sym={"dysuria": 1, "urine_cloudy_bloody": 1}), prior=earlier)
    assert "GU-UTI" in result.team_alerts


def test_non_persistent_rules_renotify_after_24_hours_even_unchanged():
    earlier = [prior("GU-UPPER", "CONTACT", T0 - 25 * H)]
    result = run(entry(sym={"dysuria": 1, "flank_pain": 1}), prior=earlier)
    assert "GU-UPPER" in result.team_alerts


def test_episode_continues_within_7_days_and_restarts_after():
    near = run(entry(t="38.0"), prior=[prior("T-FEV-1", "CONTACT", T0 - 6 * D, key="T-FEV-1:x")])
    assert near.fired[0].episode_key == "T-FEV-1:x"
    far = run(entry(t="38.0"), prior=[prior("T-FEV-1", "CONTACT", T0 - 8 * D, key="T-FEV-1:x")])
    assert far.fired[0].episode_key == "T-FEV-1:2026-03-02"


def test_watch_rules_never_open_team_alerts():
    assert run(entry(sym={"site_reaction": 1})).team_alerts == ()


# Rules as data -------------------------------------------------------------------------


def test_an_edited_threshold_is_used():
    lowered = config("T-FEV-1", "CONTACT", threshold_c="37.8")
    assert "T-FEV-1" in fired(entry(t="37.8"), rules=lowered)
    assert "T-FEV-1" not in fired(entry(t="37.8"))


def test_an_inactive_rule_does_not_fire():
    from alerts.rules import RuleConfig

    off = {"T-FEV-1": RuleConfig("T-FEV-1", "CONTACT", False, {})}
    assert "T-FEV-1" not in fired(entry(t="39.0"), rules=off)
