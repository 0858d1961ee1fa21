"""When logging a dose asks "are you sure?": before the schedule's expected date, or a second
dose on a day that has one. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from patients.dosing import DoseQuestion, dose_question

LONDON = ZoneInfo("Europe/London")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=LONDON)


# Dose 1 on Monday 2 March 2026; loading doses a week apart, dose 4 two weeks after dose 3.
D1 = (at("2026-03-02"), 1)
D2 = (at("2026-03-09"), 2)
D3 = (at("2026-03-16"), 3)
D4 = (at("2026-03-30"), 4)  # the day after the clocks go forward (29 March)


@pytest.mark.parametrize(
    ("logged", "given", "expected"),
    [
        # First dose, from the team's date (first_dose_at 2 March).
        pytest.param([], at("2026-03-02"), None, id="first-dose-on-the-teams-date"),
        pytest.param([], at("2026-03-01"), (1, "2026-03-02"), id="first-dose-a-day-early"),
        # Loading: week 1.
        pytest.param([D1], at("2026-03-09"), None, id="dose-2-on-its-date"),
        pytest.param([D1], at("2026-03-08", 23, 59), (2, "2026-03-09"), id="dose-2-a-day-early"),
        pytest.param([D1], at("2026-03-05"), (2, "2026-03-09"), id="dose-2-three-days-after"),
        pytest.param([D1], at("2026-03-12"), None, id="dose-2-late"),
        # Loading: week 2, then week 4 (14 days after dose 3).
        pytest.param([D1, D2], at("2026-03-16", 0, 1), None, id="dose-3-just-after-midnight"),
        pytest.param([D1, D2], at("2026-03-15"), (3, "2026-03-16"), id="dose-3-a-day-early"),
        pytest.param([D1, D2, D3], at("2026-03-23"), (4, "2026-03-30"), id="dose-4-a-week-in"),
        pytest.param([D1, D2, D3], at("2026-03-29"), (4, "2026-03-30"), id="dose-4-a-day-early"),
        # 00:30 BST on 30 March is 23:30 UTC on the 29th: the patient's calendar day counts.
        pytest.param([D1, D2, D3], at("2026-03-30", 0, 30), None, id="dose-4-local-day-dst"),
        # Maintenance: every 28 days from the last logged dose.
        pytest.param([D1, D2, D3, D4], at("2026-04-27"), None, id="dose-5-on-its-date"),
        pytest.param([D1, D2, D3, D4], at("2026-04-26"), (5, "2026-04-27"), id="dose-5-day-early"),
        pytest.param([D1, D2, D3, D4], at("2026-04-02"), (5, "2026-04-27"), id="three-days-after"),
        # An explicit dose number (joined mid-treatment) counts on from it.
        pytest.param([(at("2026-03-02"), 9)], at("2026-03-29"), (10, "2026-03-30"), id="joined"),
    ],
)
def test_it_asks_before_the_expected_date_only(logged, given, expected):
    question = dose_question(logged, given, tz=LONDON, first_dose_at=at("2026-03-02", 8))
    if expected is None:
        assert question is None
    else:
        number, day = expected
        assert question == DoseQuestion(number=number, expected=date.fromisoformat(day))
        assert not question.repeat


@pytest.mark.parametrize(
    ("logged", "given", "repeat_of"),
    [
        pytest.param([D1], at("2026-03-02", 21), D1[0], id="later-the-same-day"),
        pytest.param([D1], at("2026-03-02", 7), D1[0], id="earlier-the-same-day"),
        pytest.param([D1], at("2026-03-02", 10), D1[0], id="the-same-minute"),
        pytest.param([D1, D2, D3, D4], at("2026-03-30", 23, 59), D4[0], id="maintenance-same-day"),
    ],
)
def test_it_asks_about_a_second_dose_on_the_same_day(logged, given, repeat_of):
    question = dose_question(logged, given, tz=LONDON)
    assert question is not None and question.repeat
    assert question.repeat_of == repeat_of


def test_the_next_day_is_not_a_repeat_but_is_early():
    question = dose_question([D1], at("2026-03-03", 0, 0), tz=LONDON)
    assert question == DoseQuestion(number=2, expected=date(2026, 3, 9))


def test_nothing_to_compare_with_asks_nothing():
    """No dose logged and no first-dose date from the team: nothing is expected yet."""
    assert dose_question([], datetime(2026, 3, 2, 10, tzinfo=UTC), tz=LONDON) is None
