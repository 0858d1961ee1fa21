"""The Kesimpta schedule: weeks 0, 1, 2, 4, then every 4 weeks; a late dose moves the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from patients.dosing import DueDose, missed_dose, next_due, schedule

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")


def at(day: date, hour: int = 10, tz: ZoneInfo = LONDON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz)


START = date(2026, 1, 5)


def test_nothing_planned_without_a_first_dose():
    assert next_due([], tz=LONDON) is None
    assert schedule([], tz=LONDON) == []
    assert missed_dose([], tz=LONDON, as_of=at(START)) is None


def test_first_dose_from_the_teams_date():
    assert next_due([], tz=LONDON, first_dose_at=at(START)) == DueDose(1, START)


def test_full_schedule_from_the_first_dose_on_time():
    doses = schedule([], tz=LONDON, count=6, first_dose_at=at(START))
    weeks = [(d.due - START).days / 7 for d in doses]
    assert [d.number for d in doses] == [1, 2, 3, 4, 5, 6]
    assert weeks == [0, 1, 2, 4, 8, 12]


@pytest.mark.parametrize(
    ("logged_days", "expected"),
    [
        ([0], DueDose(2, START + timedelta(days=7))),
        ([0, 7], DueDose(3, START + timedelta(days=14))),
        ([0, 7, 14], DueDose(4, START + timedelta(days=28))),  # no dose at week 3
        ([0, 7, 14, 28], DueDose(5, START + timedelta(days=56))),
        # Dose 3 three days late: dose 4 moves with it.
        ([0, 7, 17], DueDose(4, START + timedelta(days=31))),
        # A maintenance dose a week late: the next one is 4 weeks after it.
        ([0, 7, 14, 35], DueDose(5, START + timedelta(days=63))),
    ],
)
def test_next_due_counts_from_the_last_logged_dose(logged_days, expected):
    logged = [at(START + timedelta(days=d)) for d in logged_days]
    assert next_due(logged, tz=LONDON) == expected


def test_explicit_dose_number_wins_for_a_patient_joining_mid_treatment():
    logged = [(at(START), 9)]
    assert next_due(logged, tz=LONDON) == DueDose(10, START + timedelta(days=28))


def test_due_dates_are_local_days():
    # 23:30 UTC on 4 Jan is already 5 Jan in Sydney.
    late_evening_utc = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    assert next_due([(late_evening_utc, 4)], tz=SYDNEY).due == date(2026, 2, 2)
    assert next_due([(late_evening_utc, 4)], tz=LONDON).due == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("as_of_offset", "missed"),
    [
        (timedelta(days=28), False),  # due day
        (timedelta(days=29, hours=13), False),  # due + 1, still within grace (23:00 local)
        (timedelta(days=30), True),  # the day after due + 1
    ],
)
def test_missed_after_due_day_plus_one(as_of_offset, missed):
    logged = [(at(START), 4)]
    as_of = at(START) + as_of_offset
    result = missed_dose(logged, tz=LONDON, as_of=as_of)
    assert (result is not None) is missed
    if missed:
        assert result == DueDose(5, START + timedelta(days=28))


def test_model_methods_use_the_schedule(db, bob):
    bob.first_dose_at = at(START)
    bob.save()
    assert bob.next_dose_due() == DueDose(1, START)
    bob.injections.create(given_at=at(START), dose_number=1)
    bob.injections.create(given_at=at(START + timedelta(days=7)), dose_number=2)
    assert bob.next_dose_due() == DueDose(3, START + timedelta(days=14))
    assert [d.number for d in bob.dose_schedule(count=3)] == [3, 4, 5]
    assert bob.missed_dose(now=at(START + timedelta(days=15))) is None
    assert bob.missed_dose(now=at(START + timedelta(days=16))) == DueDose(3, START + timedelta(14))
