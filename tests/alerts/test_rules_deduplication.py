"""De-duplication, second pass (A.0): a symptom that clears and comes back reaches the team.

No re-notification within 24 h unless the level rises; only a *persistent unchanged*
symptom, present on every entry and every local day since the team was told, waits for
worsening or 7 days; an alert the team resolved closes its episode; the windows are data.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.rules import EngineWindows, PriorAlert, RuleSet, evaluate
from tests.alerts.rulekit import T0, D, H, M, entry, prior, run

UTI = {"dysuria": 1}
KEY = "GU-UTI:2026-02-20"


def told(at, *, resolved_at=None, entry_id=1, symptoms=UTI) -> PriorAlert:
    """The team alert of the episode (GU-UTI, CONTACT)."""
    return PriorAlert(
        "GU-UTI",
        "CONTACT",
        at,
        entry_id,
        KEY,
        True,
        {"symptoms": dict(symptoms)},
        resolved_at=resolved_at,
    )


def story(*days_ago_with_uti, told_days_ago: float, without=()):
    """History and prior alerts: the team told `told_days_ago`; an entry every day in
    `days_ago_with_uti` with the symptom (recorded, de-duplicated), and entries in `without`
    where it was absent."""
    first = entry(T0 - told_days_ago * D, sym=UTI)
    history, alerts = [first], [told(first.at, entry_id=first.id)]
    for ago in sorted(set(days_ago_with_uti) | set(without), reverse=True):
        e = entry(T0 - ago * D, sym=UTI if ago in days_ago_with_uti else {})
        history.append(e)
        if ago in days_ago_with_uti:
            alerts.append(
                PriorAlert("GU-UTI", "CONTACT", e.at, e.id, KEY, False, {"symptoms": dict(UTI)})
            )
    return history, alerts


def notified(history, alerts, *, symptoms=UTI, windows=None, at=T0) -> bool:
    rules = RuleSet(windows=windows) if windows else None
    result = run(entry(at, sym=symptoms), history=history, prior=alerts, rules=rules)
    assert "GU-UTI" in result.rule_ids  # it always fires; the patient always sees it
    return "GU-UTI" in result.team_alerts


@pytest.mark.parametrize(
    ("case", "with_uti", "without", "expected"),
    [
        ("there on every entry and every day", (2, 1), (), False),
        ("cleared on an entry in between", (2,), (1,), True),
        ("cleared on the last entry", (2, 1), (0.5,), True),
        ("absent on a local day in between (no entry)", (2,), (), True),
        ("a day with no entry at all", (1,), (), True),
    ],
)
def test_a_persistent_symptom_must_be_there_on_every_entry_and_day(
    case, with_uti, without, expected
):
    history, alerts = story(*with_uti, told_days_ago=3, without=without)
    assert notified(history, alerts) is expected, case


@pytest.mark.parametrize(("ago", "expected"), [(24 * H - M, False), (24 * H, True)])
def test_a_recurrence_after_clearing_waits_out_the_24_hours(ago, expected):
    first = entry(T0 - ago, sym=UTI)
    cleared = entry(T0 - ago / 2)
    alerts = [told(first.at, entry_id=first.id)]
    assert notified([first, cleared], alerts) is expected


@pytest.mark.parametrize(("ago", "expected"), [(7 * D - M, False), (7 * D, True)])
def test_a_persistent_unchanged_symptom_renotifies_after_7_days(ago, expected):
    history, alerts = story(*range(6, 0, -1), told_days_ago=ago / D)
    assert notified(history, alerts) is expected


def test_a_symptom_that_cleared_while_another_kept_the_rule_firing_is_a_recurrence():
    """Dysuria and frequency; then frequency alone for two days; then dysuria is back."""
    both, frequency = {"dysuria": 1, "urinary_frequency": 1}, {"urinary_frequency": 1}
    first = entry(T0 - 3 * D, sym=both)
    history, alerts = [first], [told(first.at, entry_id=first.id, symptoms=both)]
    for ago in (2, 1):
        e = entry(T0 - ago * D, sym=frequency)
        history.append(e)
        alerts.append(
            PriorAlert("GU-UTI", "CONTACT", e.at, e.id, KEY, False, {"symptoms": frequency})
        )
    assert notified(history, alerts, symptoms=both) is True
    assert notified(history, alerts, symptoms=frequency) is False  # frequency never cleared


def test_a_persistent_symptom_that_worsens_renotifies():
    history, alerts = story(2, 1, told_days_ago=3)
    assert notified(history, alerts, symptoms={"dysuria": 2}) is True


@pytest.mark.parametrize(
    ("resolved_ago", "expected"),
    [
        (None, False),  # open (or acknowledged): the team has it
        (1 * H, True),  # resolved before this entry: the episode is closed
        (0 * H, True),  # resolved at the same instant
        (-1 * H, False),  # resolved after this entry (an older entry re-evaluated)
    ],
)
def test_an_alert_the_team_resolved_closes_its_episode(resolved_ago, expected):
    first = entry(T0 - 2 * H, sym=UTI)
    resolved_at = None if resolved_ago is None else T0 - resolved_ago
    result = run(
        entry(sym=UTI),
        history=[first],
        prior=[told(first.at, entry_id=first.id, resolved_at=resolved_at)],
    )
    assert ("GU-UTI" in result.team_alerts) is expected
    (firing,) = result.fired
    # A new episode gets its own key, even on the day the closed one began.
    assert (firing.episode_key != KEY) is expected


def test_a_new_episode_on_the_day_a_closed_one_began_gets_a_key_of_its_own():
    first = entry(T0 - 2 * H, sym=UTI)
    same_day = PriorAlert(
        "GU-UTI",
        "CONTACT",
        first.at,
        first.id,
        "GU-UTI:2026-03-02",
        True,
        {"symptoms": UTI},
        resolved_at=T0 - H,
    )
    (firing,) = run(entry(sym=UTI), history=[first], prior=[same_day]).fired
    assert firing.episode_key == "GU-UTI:2026-03-02T08:00:00+00:00"


def test_a_deduplicated_firing_says_when_the_team_was_told():
    history, alerts = story(2, 1, told_days_ago=3)
    result = run(entry(sym=UTI), history=history, prior=alerts)
    (skipped,) = result.deduplicated
    assert skipped.since == T0 - 3 * D


@pytest.mark.parametrize(
    ("windows", "ago", "expected"),
    [
        (EngineWindows(dedup=timedelta(hours=12)), 12 * H - M, False),
        (EngineWindows(dedup=timedelta(hours=12)), 12 * H, True),
        (EngineWindows(dedup=timedelta(hours=48)), 47 * H, False),
    ],
)
def test_the_24_hours_are_data(windows, ago, expected):
    """T-FEV-1 is not a persistent rule: only the re-notify window holds it back."""
    earlier = [prior("T-FEV-1", "CONTACT", T0 - ago, key="T-FEV-1:x")]
    result = evaluate_with(entry(t="38.2"), earlier, windows)
    assert ("T-FEV-1" in result.team_alerts) is expected


@pytest.mark.parametrize(("persistent_days", "expected"), [(3, True), (4, False)])
def test_the_7_days_are_data(persistent_days, expected):
    history, alerts = story(2, 1, told_days_ago=3)
    windows = EngineWindows(persistent=timedelta(days=persistent_days))
    assert notified(history, alerts, windows=windows) is expected


@pytest.mark.parametrize(("gap_days", "continues"), [(3, True), (2, False)])
def test_the_episode_gap_is_data(gap_days, continues):
    earlier = [prior("T-FEV-1", "CONTACT", T0 - 3 * D, key="T-FEV-1:x")]
    result = evaluate_with(entry(t="38.2"), earlier, EngineWindows(episode_gap=timedelta(gap_days)))
    assert (result.fired[0].episode_key == "T-FEV-1:x") is continues


def test_urgent_is_never_held_back_whatever_the_windows():
    earlier = [prior("SEP-RF", "URGENT", T0 - M)]
    windows = EngineWindows(dedup=timedelta(days=14))
    assert evaluate_with(entry(rf=["might_die"]), earlier, windows).team_alerts == ("SEP-RF",)


def evaluate_with(e, earlier, windows):
    from alerts.rules import EvaluationInput
    from tests.alerts.rulekit import profile

    return evaluate(
        EvaluationInput(
            profile=profile(),
            injections=(),
            entry=e,
            prior_alerts=tuple(earlier),
            rules=RuleSet(windows=windows),
        )
    )
