"""Temperature rules at every boundary: T-LOW-1, T-LOW-2D, T-FEV-1, T-FEV-ER-1/2, T-FEV-3D, T-HYPO-*."""

from __future__ import annotations

import pytest

from tests.alerts.rulekit import T0, D, H, M, entry, fired, run, temp

ER = ["immunosuppressant"]


@pytest.mark.parametrize(
    ("value", "er", "expected"),
    [
        ("37.4", False, []),
        ("37.5", False, ["T-LOW-1"]),
        ("37.9", False, ["T-LOW-1"]),
        ("38.0", False, ["T-FEV-1"]),
        ("38.3", False, ["T-FEV-1"]),  # standard risk: CONTACT only
        ("38.2", True, ["T-FEV-1"]),
        ("38.3", True, ["T-FEV-1", "T-FEV-ER-1"]),
        ("37.5", True, ["RISK-ESC", "T-LOW-1"]),
        ("36.0", False, []),
        ("35.9", False, ["T-HYPO-0"]),
        ("35.0", False, ["T-HYPO-0"]),  # unconfirmed: re-measure first
    ],
)
def test_single_reading_bounds(value, er, expected):
    assert fired(entry(t=value), er=ER if er else ()) == expected


@pytest.mark.parametrize(("value", "level"), [("37.5", "WATCH"), ("38.0", "CONTACT")])
def test_levels_standard_risk(value, level):
    assert run(entry(t=value)).level == level


def test_er_single_reading_is_urgent():
    result = run(entry(t="38.3"), er=ER)
    assert result.level == "URGENT"
    assert result.prompt_key == "seek_now"


@pytest.mark.parametrize(
    ("value", "confirmed", "symptoms", "expected"),
    [
        ("35.9", False, {"unwell": 1}, ["T-HYPO-1"]),
        ("35.9", False, {"cough": 3}, ["PRO-SEV", "T-HYPO-1"]),
        ("36.0", False, {"unwell": 1}, []),
        ("35.9", False, {"headache": 1}, ["T-HYPO-0"]),  # neither unwell nor an infection symptom
        ("35.0", True, {}, ["T-HYPO-0", "T-HYPO-2"]),
        ("35.1", True, {}, ["T-HYPO-0"]),
        ("35.0", True, {"unwell": 1}, ["T-HYPO-1", "T-HYPO-2"]),
    ],
)
def test_low_readings(value, confirmed, symptoms, expected):
    assert fired(entry(t=value, confirmed=confirmed, sym=symptoms)) == expected


def test_low_reading_confirmed_by_an_earlier_low_reading_within_an_hour():
    before = entry(T0 - 50 * M, t="34.9")
    assert "T-HYPO-2" in fired(entry(t="35.0"), history=[before])
    too_early = entry(T0 - 61 * M, t="34.9")
    assert "T-HYPO-2" not in fired(entry(t="35.0"), history=[too_early])


@pytest.mark.parametrize(
    ("gap", "between", "expected"),
    [
        (59 * M, None, False),
        (60 * M, None, True),
        (24 * H, None, True),
        (24 * H + M, None, False),
        (3 * H, "37.9", False),  # a lower reading in between breaks the run
        (3 * H, "38.0", True),
    ],
)
def test_sustained_fever_for_elevated_risk(gap, between, expected):
    history = [entry(T0 - gap, t="38.0")]
    if between:
        history.append(entry(T0 - gap / 2, t=between))
    result = fired(entry(t="38.0"), history=history, er=ER)
    assert ("T-FEV-ER-2" in result) is expected
    assert "T-FEV-ER-2" not in fired(entry(t="38.0"), history=history)  # standard risk


def test_sustained_fever_needs_the_current_reading_to_be_a_fever():
    history = [entry(T0 - 2 * H, t="38.4"), entry(T0 - H, t="38.2")]
    assert "T-FEV-ER-2" not in fired(entry(t="37.9"), history=history, er=ER)


def test_two_readings_in_one_entry_count():
    both = entry(temps=[temp("38.1", at=T0 - 70 * M), temp("38.0", at=T0)])
    assert "T-FEV-ER-2" in fired(both, er=ER)


def days_before(n, value, hour=0):
    return entry(T0 - n * D + hour * H, t=value)


@pytest.mark.parametrize(
    ("history", "today", "expected"),
    [
        ([days_before(1, "37.5")], "37.5", {"T-LOW-2D"}),
        ([days_before(1, "37.4")], "37.5", set()),
        ([days_before(2, "37.5")], "37.5", set()),  # a day without an entry breaks the chain
        ([days_before(1, "37.6")], "37.4", set()),  # today's reading must qualify
        ([days_before(1, "37.2"), days_before(1, "37.8", hour=6)], "37.5", {"T-LOW-2D"}),  # max
        ([days_before(2, "38.0"), days_before(1, "38.1")], "38.2", {"T-FEV-3D", "T-LOW-2D"}),
        ([days_before(2, "38.0"), days_before(1, "37.9")], "38.2", {"T-LOW-2D"}),
        ([days_before(3, "38.0"), days_before(1, "38.1")], "38.2", {"T-LOW-2D"}),
    ],
)
@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_day_chains(history, today, expected, order):
    """The engine's callers give the history oldest first; a hand-written scenario's
    history in another order gives the same chains."""
    history = history if order == "oldest first" else history[::-1]
    result = set(fired(entry(t=today), history=history)) & {"T-LOW-2D", "T-FEV-3D"}
    assert result == expected


def test_a_chain_reads_back_across_many_days():
    history = [days_before(n, "38.1") for n in range(13, 0, -1)]
    firing = next(f for f in run(entry(t="38.2"), history=history).fired if f.rule_id == "T-FEV-3D")
    assert len(firing.why["daily_max_c"]) == 14


def test_a_day_with_an_entry_but_no_temperature_breaks_temperature_chains():
    history = [days_before(2, "38.0"), entry(T0 - D, sym={"cough": 1}), days_before(0, "38.0")]
    result = fired(entry(T0 + H, t="38.0"), history=history)
    assert "T-FEV-3D" not in result and "T-LOW-2D" not in result


def test_chains_use_local_days_not_24_hour_periods():
    late = entry(T0.replace(hour=23, minute=50) - D, t="37.6")  # yesterday 23:50
    early = entry(T0.replace(hour=0, minute=10), t="37.6")  # today 00:10
    assert "T-LOW-2D" in fired(early, history=[late])
    same_day = entry(T0.replace(hour=0, minute=5), t="37.6")
    assert "T-LOW-2D" not in fired(early, history=[same_day])


def test_why_names_the_readings_and_thresholds():
    result = run(entry(t="100.4", unit="F"))
    why = {f.rule_id: f.why for f in result.fired}["T-FEV-1"]
    text = str(why)
    assert "38.0" in text and "100.4" in text


def test_fever_asks_for_a_remeasure_unless_urgent():
    assert run(entry(t="38.0")).remeasure_minutes == 60
    assert run(entry(t="38.3"), er=ER).remeasure_minutes is None
