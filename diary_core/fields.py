"""Form fields shared by the patients', the diary's and the team's forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a browser's <input type="datetime-local"> sends, and what someone may type without one.
LOCAL_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
# A phone's clock may run a little ahead of the server's: a time this far ahead is "now".
CLOCK_SLACK = timedelta(minutes=5)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time picked on the phone's own date-time control: a wall-clock time,
    returned naive for the form to read in the zone it belongs to (wall_time).

    Django's own field refuses the hour that happens twice when the clocks go back and the
    hour skipped when they go forward ("…may be ambiguous or it may not exist"): a patient
    who measured at 01:30 that night, or changed an entry saved then, could not save."""

    def __init__(self, *, also_accept: tuple[str, ...] = (), **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        kwargs.setdefault("input_formats", [*LOCAL_DATETIME_FORMATS, *also_accept])
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(UTC):  # no zone is ambiguous in UTC: Django reads it as typed
            result = super().to_python(value)
        return None if result is None else result.replace(tzinfo=None)


def wall_time(value: datetime, zone: tzinfo, *, not_after: datetime | None = None) -> datetime:
    """The instant a wall-clock time means in `zone` (an aware `value` is taken as is).

    In the hour that happens twice (the clocks go back) it is the later of the two unless
    that is after `not_after` (a time in the future is never what a person meant by a time
    they measured); in the hour that is skipped (the clocks go forward) it is the time as
    if the clocks had not changed yet (01:30 is 02:30 summer time)."""
    if timezone.is_aware(value):
        return value
    earlier = value.replace(tzinfo=zone, fold=0)
    later = value.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    first, second = sorted((earlier, later), key=lambda at: at.astimezone(UTC))
    if not_after is not None and second > not_after:
        return first.astimezone(zone)
    return second.astimezone(zone)


def past_wall_time(value: datetime, zone: tzinfo, *, now: datetime) -> datetime:
    """The instant a wall-clock time of something that has happened (a reading, a dose)
    means in `zone` (wall_time); a time in the future, beyond CLOCK_SLACK, is refused."""
    latest = now + CLOCK_SLACK
    value = wall_time(value, zone, not_after=latest)
    if value > latest:
        raise forms.ValidationError(_("This time is in the future. Please check it."))
    return value


class TypedDecimalField(forms.DecimalField):
    """A decimal as people type it: "38,6" (a decimal comma, as most of Europe writes it)
    is 38.6. Only a single comma with no point is read as the decimal mark; anything else
    with a comma is refused as a number, never read as 386."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)
