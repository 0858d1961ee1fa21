"""Periodic rules as of an instant: missed diary days, follow-up after a warning, missed dose."""

from __future__ import annotations

from datetime import datetime

import pytest

from alerts.rules import Injection, PriorAlert
from tests.alerts.rulekit import LONDON, T0, D, H, M, prior, sweep


def at(day, hour=9, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("last_entry_day", "as_of", "expected"),
    [
        (2, at(3), []),
        (2, at(4), []),  # only 03-03 missed
        (2, at(4, 23, 59), []),  # 03-04 has not ended
        (2, at(5, 0, 0), ["DIARY-GAP-2"]),  # 03-03 and 03-04 ended without an entry
        (2, at(6), ["DIARY-GAP-2", "DIARY-GAP-3"]),
        (2, at(9), ["DIARY-GAP-2", "DIARY-GAP-3"]),
    ],
)
def test_missed_diary_days(last_entry_day, as_of, expected):
    result = sweep(as_of, [at(last_entry_day)], enrolled_at=at(1))
    assert [f.rule_id for f in result.fired] == expected


def test_days_before_enrolment_never_count():
    enrolled = at(4, 18)
    assert sweep(at(5, 9), [], enrolled_at=enrolled).fired == ()  # only 03-04 ended
    result = sweep(at(6, 9), [], enrolled_at=enrolled)
    assert [f.rule_id for f in result.fired] == ["DIARY-GAP-2"]


def test_gap_alerts_are_raised_once_per_gap():
    first = sweep(at(6), [at(2)], enrolled_at=at(1))
    gap3 = next(f for f in first.fired if f.rule_id == "DIARY-GAP-3")
    assert first.team_alerts == ("DIARY-GAP-3",)
    again = sweep(
        at(7),
        [at(2)],
        enrolled_at=at(1),
        prior_alerts=[prior("DIARY-GAP-3", "CONTACT", at(6), entry_id=None, key=gap3.episode_key)],
    )
    assert again.team_alerts == ()
    assert [d.rule_id for d in again.deduplicated] == ["DIARY-GAP-3"]


def test_a_new_gap_is_a_new_episode():
    one = sweep(at(6), [at(2)], enrolled_at=at(1))
    two = sweep(at(12), [at(2), at(8)], enrolled_at=at(1))
    key = {f.rule_id: f.episode_key for f in one.fired}["DIARY-GAP-3"]
    key2 = {f.rule_id: f.episode_key for f in two.fired}["DIARY-GAP-3"]
    assert key != key2


@pytest.mark.parametrize(
    ("since_warning", "entry_after", "expected"),
    [
        (23 * H + 59 * M, False, False),
        (24 * H, False, True),
        (30 * H, True, False),  # the patient wrote again
    ],
)
def test_follow_up_after_a_warning(since_warning, entry_after, expected):
    warning_at = T0
    as_of = warning_at + since_warning
    entries = [warning_at] + ([warning_at + 2 * H] if entry_after else [])
    warning = prior("T-FEV-1", "CONTACT", warning_at)
    result = sweep(as_of, entries, prior_alerts=[warning])
    assert ("DIARY-FOLLOWUP" in [f.rule_id for f in result.fired]) is expected


def test_follow_up_ignores_watch_and_sweep_alerts():
    watch = prior("T-LOW-1", "WATCH", T0, team=False)
    outreach = prior("DIARY-GAP-3", "CONTACT", T0, entry_id=None)
    result = sweep(T0 + 30 * H, [T0], prior_alerts=[watch, outreach])
    assert "DIARY-FOLLOWUP" not in [f.rule_id for f in result.fired]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (at(30, 23, 59), False),
        (at(31, 23, 59), False),
        (datetime(2026, 4, 1, 0, 0, tzinfo=LONDON), True),
    ],
)
def test_missed_dose_after_due_day_plus_one(as_of, expected):
    # Dose 4 on 03-02: dose 5 due 03-30; missed from 04-01 (the end of 03-31).
    result = sweep(as_of, [as_of - H], injections=[Injection(at(2), 4)])
    assert ("INJ-MISSED" in [f.rule_id for f in result.fired]) is expected


def test_missed_dose_is_watch_only():
    as_of = at(2) + 40 * D
    daily = [as_of - n * D - H for n in range(5)]
    result = sweep(as_of, daily, injections=[Injection(at(2), 4)])
    assert [(f.rule_id, f.level) for f in result.fired] == [("INJ-MISSED", "WATCH")]
    assert result.level == "WATCH" and result.team_alerts == ()


# The team's first-dose date and the pre-dose check -----------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(at(3, 23, 59), False), (datetime(2026, 3, 4, 0, 0, tzinfo=LONDON), True)],
)
def test_an_unlogged_first_dose_is_missed_after_its_day_plus_one(as_of, expected):
    """The dashboard shows it as missed; INJ-MISSED must say so too."""
    result = sweep(as_of, [as_of - H], first_dose_at=at(2, 9))
    assert ("INJ-MISSED" in [f.rule_id for f in result.fired]) is expected


def test_the_sweep_asks_for_a_check_when_a_dose_falls_due_during_an_infection():
    """No entry mentions the dose: the UTI alert stands and dose 5 is due in two days."""
    as_of = at(2) + 26 * D  # 03-28; dose 5 due 03-30
    uti = PriorAlert("GU-UTI", "CONTACT", as_of - 3 * D, 7, "GU-UTI:x", True, {})
    result = sweep(as_of, [as_of - H], injections=[Injection(at(2), 4)], prior_alerts=[uti])
    assert "INJ-DUE-INF" in result.team_alerts
    (check,) = [f for f in result.fired if f.rule_id == "INJ-DUE-INF"]
    assert check.episode_key == "INJ-DUE-INF:5:2026-03-30"
    assert check.why["infection_rules"] == ["GU-UTI"]
    raised = PriorAlert("INJ-DUE-INF", "CONTACT", as_of, None, check.episode_key, True, {})
    again = sweep(
        as_of + 6 * H, [as_of - H], injections=[Injection(at(2), 4)], prior_alerts=[uti, raised]
    )
    assert "INJ-DUE-INF" not in again.team_alerts  # once per dose


def test_the_sweep_leaves_a_dose_alone_without_an_infection_alert():
    as_of = at(2) + 26 * D
    watch = PriorAlert("RESP-URTI", "WATCH", as_of - D, 7, "RESP-URTI:x", False, {})
    result = sweep(as_of, [as_of - H], injections=[Injection(at(2), 4)], prior_alerts=[watch])
    assert "INJ-DUE-INF" not in [f.rule_id for f in result.fired]
