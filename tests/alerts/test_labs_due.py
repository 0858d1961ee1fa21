"""LAB-DUE (clinical-rules.md §6) as a pure function: every boundary of the baseline
window, the interval, the list's horizon and overdue, across month ends and leap years."""

from __future__ import annotations

from datetime import date

import pytest

from alerts.rules import labs_due as due
from alerts.rules.config import ruleset
from alerts.rules.labs_due import LabDueInput, LabDueParams, labs_due, months_added

P = LabDueParams()  # 6 months, 3 months, 14 days
BOTH_HBV = {"HBsAg": [date(2026, 1, 5)], "anti-HBc": [date(2026, 1, 5)]}


def ig_item(**kwargs):
    kwargs.setdefault("hbv_dates", BOTH_HBV)
    items = labs_due(LabDueInput(**kwargs), P)
    found = [i for i in items if i.what == due.IMMUNOGLOBULINS]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year's end
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # clamped
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # clamped, leap year
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 5, 31), -3, date(2027, 2, 28)),
        (date(2028, 5, 31), -3, date(2028, 2, 29)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 1, 10), -3, date(2026, 10, 10)),
        (date(2027, 6, 30), 6, date(2027, 12, 30)),
    ],
)
def test_calendar_months_clamped_to_the_months_end(day, months, expected):
    assert months_added(day, months) == expected


# First dose 31 May: the 3 months before it start on 28 February (29 in a leap year).
@pytest.mark.parametrize(
    ("first", "collected", "why", "due_on"),
    [
        (date(2027, 5, 31), None, due.BASELINE, date(2027, 5, 31)),
        (date(2027, 5, 31), date(2027, 2, 27), due.BASELINE, date(2027, 5, 31)),  # just before
        (date(2027, 5, 31), date(2027, 2, 28), due.INTERVAL, date(2027, 8, 28)),  # at
        (date(2027, 5, 31), date(2027, 3, 1), due.INTERVAL, date(2027, 9, 1)),  # inside
        (date(2027, 5, 31), date(2027, 5, 31), due.INTERVAL, date(2027, 11, 30)),
        (date(2027, 5, 31), date(2027, 6, 10), due.INTERVAL, date(2027, 12, 10)),  # after
        (date(2028, 5, 31), date(2028, 2, 28), due.BASELINE, date(2028, 5, 31)),  # leap
        (date(2028, 5, 31), date(2028, 2, 29), due.INTERVAL, date(2028, 8, 29)),
        (date(2027, 4, 15), date(2027, 1, 14), due.BASELINE, date(2027, 4, 15)),
        (date(2027, 4, 15), date(2027, 1, 15), due.INTERVAL, date(2027, 7, 15)),
        (date(2027, 1, 10), date(2026, 10, 10), due.INTERVAL, date(2027, 4, 10)),  # year
        (date(2027, 1, 10), date(2026, 10, 9), due.BASELINE, date(2027, 1, 10)),
    ],
)
def test_the_baseline_window(first, collected, why, due_on):
    item = ig_item(
        today=date(2027, 1, 1), first_dose=first, ig_dates=[collected] if collected else []
    )
    assert (item.why, item.due_on) == (why, due_on)


def test_the_latest_immunoglobulin_result_sets_the_next():
    item = ig_item(
        today=date(2027, 3, 1),
        first_dose=date(2026, 3, 1),
        ig_dates=[date(2026, 2, 1), date(2026, 8, 31), date(2026, 5, 2)],
    )
    assert (item.why, item.due_on) == (due.INTERVAL, date(2027, 2, 28))


# Latest IgG 31 August 2026: the next is due 28 February 2027.
@pytest.mark.parametrize(
    ("today", "listed", "overdue", "days_overdue", "days_left"),
    [
        (date(2027, 2, 13), False, False, 0, 15),  # 15 days ahead: not yet on the list
        (date(2027, 2, 14), True, False, 0, 14),  # 14 days ahead
        (date(2027, 2, 27), True, False, 0, 1),
        (date(2027, 2, 28), True, False, 0, 0),  # today = due date: due, not overdue
        (date(2027, 3, 1), True, True, 1, -1),  # the day after: overdue
        (date(2027, 8, 31), True, True, 184, -184),
    ],
)
def test_the_lists_horizon_and_overdue_across_a_months_end(
    today, listed, overdue, days_overdue, days_left
):
    item = ig_item(today=today, first_dose=date(2026, 6, 1), ig_dates=[date(2026, 8, 31)])
    assert item.due_on == date(2027, 2, 28)
    assert item.listed(P.ahead_days) is listed
    assert (item.overdue, item.days_overdue, item.days_left) == (overdue, days_overdue, days_left)


# Six months after 29 August 2027 is 29 February 2028 (a leap year).
@pytest.mark.parametrize(
    ("today", "overdue", "days_left"),
    [
        (date(2028, 2, 15), False, 14),
        (date(2028, 2, 28), False, 1),
        (date(2028, 2, 29), False, 0),
        (date(2028, 3, 1), True, -1),
    ],
)
def test_six_months_into_a_leap_february(today, overdue, days_left):
    item = ig_item(today=today, first_dose=date(2027, 6, 1), ig_dates=[date(2027, 8, 29)])
    assert item.due_on == date(2028, 2, 29)
    assert (item.overdue, item.days_left, item.listed(14)) == (overdue, days_left, True)


@pytest.mark.parametrize(
    ("today", "overdue", "days_overdue"),
    [
        (date(2027, 3, 31), False, 0),  # the first dose's day: due, not overdue
        (date(2027, 4, 1), True, 1),
        (date(2027, 3, 17), False, 0),
    ],
)
def test_the_baseline_is_overdue_from_the_day_after_the_first_dose(today, overdue, days_overdue):
    items = labs_due(LabDueInput(today=today, first_dose=date(2027, 3, 31)), P)
    assert [(i.what, i.why, i.due_on) for i in items] == [
        (due.HBV_SEROLOGY, due.BASELINE, date(2027, 3, 31)),
        (due.IMMUNOGLOBULINS, due.BASELINE, date(2027, 3, 31)),
    ]
    assert {(i.overdue, i.days_overdue) for i in items} == {(overdue, days_overdue)}


@pytest.mark.parametrize(
    ("hbv", "missing"),
    [
        ({}, ("HBsAg", "anti-HBc")),
        ({"HBsAg": [date(2026, 1, 1)]}, ("anti-HBc",)),
        ({"anti-HBc": [date(2026, 1, 1)], "HBsAg": []}, ("HBsAg",)),
        (BOTH_HBV, None),
    ],
)
def test_hepatitis_b_serology_needs_both_markers(hbv, missing):
    items = labs_due(
        LabDueInput(
            today=date(2027, 1, 1),
            first_dose=date(2027, 1, 10),
            ig_dates=[date(2027, 1, 2)],
            hbv_dates=hbv,
        ),
        P,
    )
    hbv_items = [i for i in items if i.what == due.HBV_SEROLOGY]
    if missing is None:
        assert hbv_items == []
    else:
        [item] = hbv_items
        assert (item.why, item.due_on, item.missing) == (due.BASELINE, date(2027, 1, 10), missing)


def test_after_stopping_due_every_interval_until_b_cell_recovery():
    common = {
        "today": date(2028, 1, 1),
        "first_dose": date(2026, 1, 1),
        "ig_dates": [date(2027, 6, 30)],
        "stopped_on": date(2027, 7, 1),
    }
    item = ig_item(**common)
    assert (item.why, item.due_on, item.overdue) == (due.AFTER_STOPPING, date(2027, 12, 30), True)
    # Nothing at all after recovery, hepatitis B serology included (none on record here).
    assert labs_due(LabDueInput(**common, recovery_on=date(2027, 12, 1)), P) == []


@pytest.mark.parametrize(
    "extra",
    [{"discharged": True}, {"first_dose": None}],
    ids=["discharged", "no first dose"],
)
def test_nothing_due(extra):
    data = {"today": date(2027, 1, 1), "first_dose": date(2026, 1, 1), **extra}
    assert labs_due(LabDueInput(**data), P) == []


@pytest.mark.parametrize(
    ("interval", "due_on"),
    [(6, date(2027, 7, 31)), (3, date(2027, 4, 30)), (12, date(2028, 1, 31))],
)
def test_the_clinics_interval(interval, due_on):
    params = LabDueParams(interval_months=interval)
    items = labs_due(
        LabDueInput(
            today=date(2027, 2, 1),
            first_dose=date(2027, 2, 1),
            ig_dates=[date(2027, 1, 31)],
            hbv_dates=BOTH_HBV,
        ),
        params,
    )
    assert [i.due_on for i in items] == [due_on]


@pytest.mark.parametrize(("ahead", "listed"), [(14, False), (30, True)])
def test_the_horizon_is_the_clinics(ahead, listed):
    items = labs_due(
        LabDueInput(
            today=date(2027, 1, 1),
            first_dose=date(2027, 1, 31),
            hbv_dates=BOTH_HBV,
        ),
        P,
    )
    assert len(due.listed(items, LabDueParams(ahead_days=ahead))) == int(listed)


def test_the_parameters_come_from_the_rule():
    assert LabDueParams.of(ruleset(None)) == LabDueParams(6, 3, 14)
