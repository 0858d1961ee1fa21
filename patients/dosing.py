"""The Kesimpta dosing schedule, as pure functions over plain values (no Django).

Doses at weeks 0, 1 and 2 (loading), none at week 3, then week 4, then every 4 weeks
[K8][K23][K24]. Each due date counts from the *previous logged* dose's local date, so
a late dose moves the following ones ("later doses follow the recommended intervals"
after a missed dose [K24]). Dates are calendar days in the patient's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MAINTENANCE_INTERVAL_DAYS = 28
# Days from dose n-1 to dose n for the loading phase: weeks 0 -> 1 -> 2 -> 4.
LOADING_INTERVAL_DAYS = {2: 7, 3: 7, 4: 14}
# INJ-MISSED: a dose not logged by the end of its due date + this many days is missed.
MISSED_GRACE_DAYS = 1


@dataclass(frozen=True, slots=True)
class DueDose:
    number: int
    due: date


def interval_before(number: int) -> int:
    """Days between the previous dose and dose `number` (1-based)."""
    return LOADING_INTERVAL_DAYS.get(number, MAINTENANCE_INTERVAL_DAYS)


def _last_dose(
    injections: Sequence[datetime | tuple[datetime, int | None]], tz: ZoneInfo
) -> tuple[int, date] | None:
    """Return (dose number, local date) of the latest logged injection."""
    if not injections:
        return None
    items = [(i, None) if isinstance(i, datetime) else (i[0], i[1]) for i in injections]
    items.sort(key=lambda item: item[0])
    at, number = items[-1]
    # An explicit dose number wins (a patient may join mid-treatment); else count doses.
    return (number or len(items)), at.astimezone(tz).date()


def next_due(
    injections: Sequence[datetime | tuple[datetime, int | None]],
    *,
    tz: ZoneInfo,
    first_dose_at: datetime | None = None,
) -> DueDose | None:
    """Return the next dose to give and its due date, or None if nothing is planned.

    `injections` are logged times (or (time, dose number) pairs). With none logged, the
    first dose is due on `first_dose_at`'s local date, if the team set one.
    """
    last = _last_dose(injections, tz)
    if last is None:
        if first_dose_at is None:
            return None
        return DueDose(1, first_dose_at.astimezone(tz).date())
    number, on = last
    return DueDose(number + 1, on + timedelta(days=interval_before(number + 1)))


def schedule(
    injections: Sequence[datetime | tuple[datetime, int | None]],
    *,
    tz: ZoneInfo,
    count: int = 6,
    first_dose_at: datetime | None = None,
) -> list[DueDose]:
    """Return the next `count` doses, assuming each is given on its due date."""
    upcoming = next_due(injections, tz=tz, first_dose_at=first_dose_at)
    doses: list[DueDose] = []
    while upcoming is not None and len(doses) < count:
        doses.append(upcoming)
        number = upcoming.number + 1
        upcoming = DueDose(number, upcoming.due + timedelta(days=interval_before(number)))
    return doses


def missed_dose(
    injections: Sequence[datetime | tuple[datetime, int | None]],
    *,
    tz: ZoneInfo,
    as_of: datetime,
    first_dose_at: datetime | None = None,
    grace_days: int = MISSED_GRACE_DAYS,
) -> DueDose | None:
    """Return the dose that is missed as of `as_of` (INJ-MISSED), or None.

    Missed means not logged by the end of its due date + `grace_days` in the patient's
    time zone, i.e. from local day due + grace_days + 1 onwards.
    """
    upcoming = next_due(injections, tz=tz, first_dose_at=first_dose_at)
    if upcoming is None:
        return None
    if as_of.astimezone(tz).date() > upcoming.due + timedelta(days=grace_days):
        return upcoming
    return None


def _due_before(
    injections: Sequence[tuple[datetime, int | None]],
    given_at: datetime,
    *,
    tz: ZoneInfo,
    first_dose_at: datetime | None,
) -> DueDose | None:
    before = [(at, number) for at, number in injections if at < given_at]
    return next_due(before, tz=tz, first_dose_at=first_dose_at)


def number_at(
    injections: Sequence[tuple[datetime, int | None]],
    given_at: datetime,
    *,
    tz: ZoneInfo,
    first_dose_at: datetime | None = None,
) -> int:
    """The number of a dose given at `given_at`: the one the schedule expects next after
    the doses logged before it."""
    due = _due_before(injections, given_at, tz=tz, first_dose_at=first_dose_at)
    return due.number if due is not None else sum(at < given_at for at, _n in injections) + 1


@dataclass(frozen=True, slots=True)
class DoseQuestion:
    """Why a dose about to be logged needs an "are you sure?": it is a second dose on a
    day that already has one (`repeat_of` is that dose's time), or it comes before the
    date the schedule expects (`expected`)."""

    number: int
    expected: date | None
    repeat_of: datetime | None = None

    @property
    def repeat(self) -> bool:
        return self.repeat_of is not None


def dose_question(
    injections: Sequence[tuple[datetime, int | None]],
    given_at: datetime,
    *,
    tz: ZoneInfo,
    first_dose_at: datetime | None = None,
) -> DoseQuestion | None:
    """Check a dose given at `given_at` against the doses logged already (the dose being
    corrected left out); None when it is where the schedule expects it, or later.

    The expected date comes from the doses logged before it, exactly as next_due gives it
    (weeks 0, 1, 2, 4, then every 4 weeks; with none logged, the team's first-dose date).
    Any dose on the same local day counts as a repeat, whichever was given first.
    """
    day = given_at.astimezone(tz).date()
    due = _due_before(injections, given_at, tz=tz, first_dose_at=first_dose_at)
    number = number_at(injections, given_at, tz=tz, first_dose_at=first_dose_at)
    expected = due.due if due is not None else None
    same_day = sorted(at for at, _number in injections if at.astimezone(tz).date() == day)
    if same_day:
        return DoseQuestion(number=number, expected=expected, repeat_of=same_day[-1])
    if expected is not None and day < expected:
        return DoseQuestion(number=number, expected=expected)
    return None
