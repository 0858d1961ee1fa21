"""LAB-DUE (docs/clinical-rules.md §6): which blood tests a patient is due, as a pure function.

No ORM, no clock: the caller (alerts/care/labs_due.py) reads the patient's dates and the
clinic's parameters and passes today's date in the patient's zone.

- Immunoglobulins (IgG or IgM): a baseline is due by the first dose unless one was collected
  in the `baseline_months` before it, or after it. Once there is one, the next is due
  `interval_months` after the latest. After treatment stopped they stay due every interval
  until the team records B-cell recovery; after recovery nothing is due.
- Hepatitis B serology (HBsAg and anti-HBc, both): due by the first dose while either
  marker has no result on record.
- The first dose is the first logged injection, else the planned one; without either
  nothing can be dated, so nothing is due. A discharged patient is due nothing.
- Due on the due date itself, overdue from the day after. Month arithmetic is calendar
  months, clamped to the end of a shorter month (31 August + 6 months = 28 or 29 February).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from alerts.rules.config import RuleSet
from patients.lab_tests import HBV_MARKERS

RULE = "LAB-DUE"

# What is due.
IMMUNOGLOBULINS = "immunoglobulins"
HBV_SEROLOGY = "hbv_serology"
# Why it is due.
BASELINE = "baseline"  # before the first dose
INTERVAL = "interval"  # every interval_months on treatment
AFTER_STOPPING = "after_stopping"  # every interval_months until B-cell recovery


def months_added(day: date, months: int) -> date:
    """`day` moved by whole calendar months (negative: back), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class LabDueParams:
    interval_months: int = 6
    baseline_months: int = 3
    ahead_days: int = 14

    @classmethod
    def of(cls, rules: RuleSet) -> LabDueParams:
        return cls(
            interval_months=int(rules.param(RULE, "interval_months")),
            baseline_months=int(rules.param(RULE, "baseline_months")),
            ahead_days=int(rules.param(RULE, "ahead_days")),
        )


@dataclass(frozen=True)
class LabDueInput:
    today: date  # in the patient's zone
    first_dose: date | None = None  # the first logged injection's day, else the planned one
    stopped_on: date | None = None  # treatment stopped
    recovery_on: date | None = None  # B-cell recovery recorded
    # Collection dates of the results in force (any order; only the latest matters).
    ig_dates: Sequence[date] = ()
    # Per HBV marker ("HBsAg", "anti-HBc"), the collection dates of its results in force.
    hbv_dates: dict[str, Sequence[date]] = field(default_factory=dict)
    discharged: bool = False


@dataclass(frozen=True)
class DueItem:
    what: str  # IMMUNOGLOBULINS or HBV_SEROLOGY
    why: str  # BASELINE, INTERVAL or AFTER_STOPPING
    due_on: date
    overdue: bool
    days_overdue: int  # 0 unless overdue
    days_left: int  # days from today to the due date (negative when overdue)
    missing: tuple[str, ...] = ()  # HBV serology: the markers with no result

    def listed(self, ahead_days: int) -> bool:
        """On the team's "tests due" list: overdue, or due within `ahead_days`."""
        return self.days_left <= ahead_days


def _item(what: str, why: str, due_on: date, today: date, **extra) -> DueItem:
    left = (due_on - today).days
    return DueItem(
        what=what,
        why=why,
        due_on=due_on,
        overdue=left < 0,
        days_overdue=max(0, -left),
        days_left=left,
        **extra,
    )


def _latest(dates: Iterable[date]) -> date | None:
    return max(dates, default=None)


def labs_due(data: LabDueInput, params: LabDueParams) -> list[DueItem]:
    """Every test the patient is due (the next one of each), soonest first; the caller
    keeps those inside its horizon (DueItem.listed)."""
    if data.discharged or data.recovery_on is not None or data.first_dose is None:
        return []
    first, today = data.first_dose, data.today
    items = []
    latest_ig = _latest(data.ig_dates)
    window_start = months_added(first, -params.baseline_months)
    if latest_ig is None or latest_ig < window_start:
        items.append(_item(IMMUNOGLOBULINS, BASELINE, first, today))
    else:
        why = AFTER_STOPPING if data.stopped_on is not None else INTERVAL
        due = months_added(latest_ig, params.interval_months)
        items.append(_item(IMMUNOGLOBULINS, why, due, today))
    missing = tuple(m for m in HBV_MARKERS if not data.hbv_dates.get(m))
    if missing:
        items.append(_item(HBV_SEROLOGY, BASELINE, first, today, missing=missing))
    return sorted(items, key=lambda item: (item.due_on, item.what))


def listed(items: Iterable[DueItem], params: LabDueParams) -> list[DueItem]:
    """The items the team's list shows: overdue or due within `ahead_days`."""
    return [item for item in items if item.listed(params.ahead_days)]


def next_immunoglobulins(items: Iterable[DueItem]) -> DueItem | None:
    return next((item for item in items if item.what == IMMUNOGLOBULINS), None)
