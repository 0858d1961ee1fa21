"""A wall-clock time typed on the phone, read in the person's zone, including the hour that
happens twice and the hour that is skipped (Django's own field refuses both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.urls import reverse

from diary_core.fields import CLOCK_SLACK, LocalDateTimeField, past_wall_time, wall_time
from symptoms.models import DiaryEntry
from tests.sources import places

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("typed", "zone", "not_after", "expected_utc"),
    [
        # An ordinary time.
        (datetime(2026, 12, 5, 9, 30), LONDON, None, datetime(2026, 12, 5, 9, 30)),
        (datetime(2026, 7, 5, 9, 30), LONDON, None, datetime(2026, 7, 5, 8, 30)),
        # Clocks back: 01:30 happens twice; the later (GMT) unless it is still to come.
        (datetime(2026, 10, 25, 1, 30), LONDON, None, datetime(2026, 10, 25, 1, 30)),
        (
            datetime(2026, 10, 25, 1, 30),
            LONDON,
            datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
            datetime(2026, 10, 25, 0, 30),
        ),
        (datetime(2026, 11, 1, 1, 30), NEW_YORK, None, datetime(2026, 11, 1, 6, 30)),
        # Clocks forward: 01:30 does not exist; it is 02:30 summer time.
        (datetime(2027, 3, 28, 1, 30), LONDON, None, datetime(2027, 3, 28, 1, 30)),
    ],
)
def test_wall_time(typed, zone, not_after, expected_utc):
    at = wall_time(typed, zone, not_after=not_after)
    assert at.astimezone(UTC) == expected_utc.replace(tzinfo=UTC)
    assert at.tzinfo is not None


@pytest.mark.parametrize("value", ["2026-10-25T01:30", "2027-03-28T01:30", "2026-12-05 09:30"])
def test_the_field_reads_any_wall_time_whatever_zone_is_active(value, settings):
    from django.utils import timezone

    with timezone.override(LONDON):
        result = LocalDateTimeField().clean(value)
    assert result.tzinfo is None
    assert result.strftime("%Y-%m-%d %H:%M") == value.replace("T", " ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 10, 25, 1, 40, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        (datetime(2026, 10, 25, 0, 40, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_reading_measured_at_0130_on_the_night_the_clocks_go_back_is_saved(
    client, bob, now, expected
):
    """Bug: "2026-10-25 01:30 couldn't be interpreted in time zone Europe/London" and the
    entry was not saved."""
    client.force_login(bob.user)
    with time_machine.travel(now, tick=False):
        response = client.post(
            reverse("symptoms:today"),
            {
                "client_key": "5b1f0c2e-0000-4000-8000-000000000001",
                "unit": "C",
                "temperature": "38.1",
                "measured_at": "2026-10-25T01:30",
                "action": "save",
            },
        )
    assert response.status_code == 302
    assert DiaryEntry.objects.get(patient=bob).recorded_at == expected
    assert expected <= now + timedelta(minutes=5)


def test_a_time_a_little_ahead_is_now_and_one_further_ahead_is_refused():
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    ahead = (now + CLOCK_SLACK).replace(tzinfo=None)
    assert past_wall_time(ahead, LONDON, now=now) == now + CLOCK_SLACK
    with pytest.raises(forms.ValidationError):
        past_wall_time(ahead + timedelta(minutes=1), LONDON, now=now)


def test_the_forms_read_a_past_time_through_the_one_helper():
    """ "Not in the future" and its words are written in diary_core/fields.py only."""
    assert {p.split(":")[0] for p in places(r"in the future\. Please check", ".py")} == {
        "diary_core/fields.py"
    }
    assert places(r"\+\s*timedelta\(minutes=5\)", ".py") == []  # CLOCK_SLACK
