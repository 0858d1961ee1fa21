"""The history's days end on today in the patient's own zone, also just either side of
midnight when UTC is on another day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from symptoms import charts
from symptoms.history import build_history
from tests.alerts.factories import make_entry

LINES = [charts.Threshold(value_c=Decimal("38.0"), label="fever")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "now", "today"),
    [
        # British Summer Time: 00:30 in London is still 23:30 the day before in UTC.
        ("Europe/London", datetime(2025, 7, 14, 23, 30, tzinfo=UTC), date(2025, 7, 15)),
        ("Europe/London", datetime(2025, 7, 14, 22, 50, tzinfo=UTC), date(2025, 7, 14)),
        # New Zealand winter, UTC+12: midnight in Auckland is noon in UTC.
        ("Pacific/Auckland", datetime(2025, 7, 14, 12, 30, tzinfo=UTC), date(2025, 7, 15)),
        ("Pacific/Auckland", datetime(2025, 7, 14, 11, 30, tzinfo=UTC), date(2025, 7, 14)),
        # New Zealand summer, UTC+13.
        ("Pacific/Auckland", datetime(2025, 1, 14, 11, 10, tzinfo=UTC), date(2025, 1, 15)),
    ],
)
@pytest.mark.parametrize("days", [7, 30, 90])
def test_it_ends_on_the_patients_today(bob, zone, now, today, days):
    bob.timezone = zone
    bob.save()
    with time_machine.travel(now, tick=False):
        # Ten minutes ago: today in the patient's zone when `today` is the zone's new day.
        make_entry(bob, now - timedelta(minutes=10), temp="38.4")
        history = build_history(bob, days=days, unit="C", thresholds=LINES, now=now)
    assert history["day_list"][-1] == today
    assert len(history["day_list"]) == days
    assert history["day_list"][0] == today - timedelta(days=days - 1)
    svg = history["temperature_svg"]
    last_label = charts.day_labels(history["day_list"][0], days)[-1]
    assert last_label.day == today
    assert f"on {today.day} {today:%B}" in svg  # the summary names the reading's day
    tomorrow = today + timedelta(days=1)
    if days == 7:  # weekday over day number
        assert f">{today.day}</text>" in svg and f">{tomorrow.day}</text>" not in svg
    else:
        assert f">{today.day} {today:%b}</text>" in svg
        assert f">{tomorrow.day} {tomorrow:%b}</text>" not in svg
    assert svg.count(">today</text>") == 1


@pytest.mark.django_db
def test_the_chart_shows_a_fahrenheit_reading_as_the_patient_typed_it(bob):
    """100.3 °F is stored as 37.9 °C, which is 100.2 °F on the way back."""
    bob.temperature_unit = "F"
    bob.save()
    now = datetime(2025, 7, 14, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        make_entry(bob, now - timedelta(hours=1), temp="100.3", unit="F")
        history = build_history(bob, days=7, unit="F", thresholds=LINES, now=now)
    assert "highest 100.3 °F on 14 July" in history["temperature_svg"]
    assert history["rows"][0]["max_shown"] == Decimal("100.3")


@pytest.mark.django_db
def test_the_day_rows_say_grades_in_words(bob):
    now = datetime(2025, 7, 14, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        make_entry(bob, now - timedelta(hours=1), symptoms={"cough": 3}, red_flags=("fainting",))
        history = build_history(bob, days=7, unit="C", thresholds=LINES, now=now)
    words = {s["label"]: s["words"] for s in history["rows"][0]["symptoms"]}
    # Said after the name, as the table shows it: "Cough (severe)".
    assert words == {"Cough": "severe", "Fainting": "yes (warning sign)"}
    assert [row.warning_sign for row in history["heat_rows"]].count(True) == 1
