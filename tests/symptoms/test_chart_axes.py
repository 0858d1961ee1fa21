"""The temperature chart's axes: tick values, warning-line labels that never collide, a day
range that ends today, and the patient's unit. Pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from defusedxml import ElementTree

from symptoms import charts
from symptoms.charts import (
    LABEL_HEIGHT,
    MIN_TICK_GAP,
    PAD_LEFT,
    PAD_RIGHT,
    PLOT_HEIGHT,
    Point,
    Threshold,
    day_labels,
    spread_labels,
    temperature_axis,
)

RULE_LINES = [
    Threshold(D("37.5"), "slightly raised"),
    Threshold(D("38.0"), "fever"),
    Threshold(D("38.3"), "high fever"),
]
# The chart's container on a 360 px phone at 100 % text, in em (measured in Chromium).
PHONE = 18.9


@pytest.mark.parametrize(
    ("unit", "values", "low", "high", "step"),
    [
        ("C", [], "36.0", "39.0", "0.5"),  # the usual range, every half degree
        ("C", ["37.5", "38.0", "38.3", "38.6"], "36.0", "39.0", "0.5"),
        ("C", ["39.1"], "36", "40", "1"),  # 36.0–39.5 in halves is too tight
        ("C", ["40.1"], "36", "41", "1"),
        ("C", ["35.2"], "35", "39", "1"),
        ("C", ["35.0", "42.4"], "34", "44", "2"),
        ("F", [], "96", "104", "2"),
        ("F", ["99.5", "100.4", "100.9"], "96", "104", "2"),
        ("F", ["104.5"], "96", "106", "2"),
    ],
)
def test_it_picks_round_ticks_that_start_and_end_the_axis(unit, values, low, high, step):
    axis = temperature_axis([D(v) for v in values], unit)
    assert (axis.low, axis.high, axis.step) == (D(low), D(high), D(step))
    assert axis.ticks[0] == axis.low and axis.ticks[-1] == axis.high
    assert all(axis.low <= D(v) <= axis.high for v in values)


@pytest.mark.parametrize("height", [5.0, 8.0, PLOT_HEIGHT, 20.0])
@pytest.mark.parametrize("unit", ["C", "F"])
def test_its_ticks_are_never_closer_than_two_lines_of_text(height, unit):
    axis = temperature_axis([], unit, height=height)
    gaps = [axis.y(a) - axis.y(b) for a, b in zip(axis.ticks, axis.ticks[1:], strict=False)]
    assert min(gaps) >= MIN_TICK_GAP
    assert len(axis.ticks) >= 3


@pytest.mark.parametrize(
    ("step", "value", "label"),
    [("0.5", "37.5", "37.5"), ("0.5", "38", "38.0"), ("1", "38.0", "38"), ("2", "100", "100")],
)
def test_it_writes_tick_values_to_the_steps_precision(step, value, label):
    axis = charts.Axis(D("30"), D("110"), D(step))
    assert axis.label(D(value)) == label


@pytest.mark.parametrize(
    ("wanted", "placed"),
    [
        ([2.0, 6.0], [2.0, 6.0]),  # far apart: where they belong
        ([5.0, 5.5], [4.725, 5.775]),  # too close: apart, centred on where they belong
        ([5.5, 5.0], [5.775, 4.725]),  # in any order
        ([5.0, 5.0, 5.0], [3.95, 5.0, 6.05]),
        ([0.0, 0.2], [0.0, 1.05]),  # at the top: pushed down, not off the chart
        ([10.0, 9.9], [10.0, 8.95]),  # at the bottom: pushed up
        ([1.0, 1.5, 8.0], [0.725, 1.775, 8.0]),  # only the close ones move
    ],
)
def test_it_moves_close_labels_apart_the_least(wanted, placed):
    assert spread_labels(wanted, gap=1.05, low=0.0, high=10.0) == pytest.approx(placed)


@pytest.mark.parametrize("height", [4.0, 6.0, 8.0, PLOT_HEIGHT])
@pytest.mark.parametrize("unit", ["C", "F"])
def test_the_rules_lines_labels_never_overlap_at_any_height(height, unit):
    """37.5, 38.0 and 38.3 °C are 0.3 °C apart at the top: closer than a line of text."""
    lines = [charts.to_unit(t.value_c, unit) for t in RULE_LINES]
    axis = temperature_axis(lines, unit, height=height)
    placed = sorted(spread_labels([axis.y(v) for v in lines], low=-0.6, high=height + 0.6))
    assert all(b - a >= LABEL_HEIGHT - 1e-9 for a, b in zip(placed, placed[1:], strict=False))
    assert -0.6 <= placed[0] and placed[-1] <= height + 0.6


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_day_axis_ends_on_today(days):
    """It used to end on tomorrow: `days + 1` labels from the first day."""
    today = date(2025, 11, 30)
    start = today - timedelta(days=days - 1)
    labels = day_labels(start, days)
    assert labels[-1].day == today and labels[-1].index == days - 1
    assert labels[-1].lines[-1] == "today"
    assert labels[-1].needs == 0  # always shown
    assert all(0 <= label.index < days for label in labels)


def test_a_week_labels_each_day_with_its_weekday_and_number():
    labels = day_labels(date(2025, 11, 24), 7)
    assert [label.lines[:2] for label in labels] == [
        ("Mon", "24"),
        ("Tue", "25"),
        ("Wed", "26"),
        ("Thu", "27"),
        ("Fri", "28"),
        ("Sat", "29"),
        ("Sun", "30"),
    ]


@pytest.mark.parametrize(
    ("days", "on_a_phone", "on_a_laptop"),
    [(7, 7, 7), (30, 3, 5), (90, 4, 13)],  # a laptop: every week
)
def test_it_shows_fewer_day_labels_when_narrow(days, on_a_phone, on_a_laptop):
    start = date(2025, 11, 30) - timedelta(days=days - 1)
    labels = day_labels(start, days)

    def shown(width: float) -> list:
        return [label for label in labels if label.needs + PAD_LEFT + PAD_RIGHT <= width]

    assert len(shown(PHONE)) == on_a_phone
    assert len(shown(60)) == on_a_laptop  # a laptop's card, about 960 px
    # At 200 % text on a phone (a 9 em card), the period's first and last days still show.
    assert [label.day for label in shown(9)] == [start, date(2025, 11, 30)]


@pytest.mark.parametrize("days", [7, 30, 90])
def test_no_day_label_runs_into_the_first(days):
    """The first day's label starts at the plot's left edge; a label centred on day i shows
    only where the plot is wide enough that it clears the first one (slot em each)."""
    labels = day_labels(date(2025, 11, 30) - timedelta(days=days - 1), days)
    slot = 1.8 if days <= 14 else 3.1
    for label in labels[1:-1]:
        centre = (label.index + 0.5) / days  # as a share of the plot's width
        assert centre * label.needs - slot / 2 >= slot - 1e-9, label


def _chart(unit: str = "C", **kwargs) -> str:
    start = date(2025, 11, 1)
    points = [Point(27.4, charts.to_unit(D(c), unit)) for c in ("38.6",)]
    points.append(Point(29.3, charts.to_unit(D("37.2"), unit)))
    return charts.temperature_chart(
        start=start,
        days=30,
        points=points,
        injections=[20.4],
        unit=unit,
        thresholds=RULE_LINES,
        **kwargs,
    )


def test_it_labels_the_axis_in_the_patients_unit():
    svg = _chart("F")
    assert ">°F</text>" in svg and ">°C</text>" not in svg
    assert ">100.4</text>" in svg  # the fever line, beside the plot
    assert "100.4 °F: fever" in svg  # and in the key
    for tick in ("96", "98", "100", "102", "104"):
        assert f">{tick}</text>" in svg


def test_it_says_what_it_shows_in_words():
    svg = _chart()
    root = ElementTree.fromstring(svg)  # well-formed, so the browser draws it as written
    chart = root.find("{http://www.w3.org/2000/svg}svg")
    assert chart.get("role") == "img"
    summary = (
        "Temperature over the last 30 days, 1 to 30 November, in °C. 2 readings: highest "
        "38.6 °C on 28 November, latest 37.2 °C on 30 November. Warning lines at 37.5, 38.0, "
        "38.3 °C."
    )
    assert chart.get("aria-label") == summary
    assert chart.find("{http://www.w3.org/2000/svg}title").text == summary


def test_it_fills_its_container_and_never_needs_sideways_scrolling():
    svg = _chart()
    assert 'width="100%"' in svg and "min-width:0" in svg
    assert "viewBox" not in svg  # no fixed drawing to shrink: text keeps its size


def test_a_reading_before_the_first_day_is_not_drawn_off_the_chart():
    svg = charts.temperature_chart(
        start=date(2025, 11, 24),
        days=7,
        points=[Point(-0.5, D("39.2"))],
        injections=[-2.0],
        unit="C",
        thresholds=RULE_LINES,
    )
    assert "39.2 °C" not in svg and "<title>24 Nov" not in svg
    assert "No readings in this period." in svg


@pytest.mark.parametrize(
    ("language", "text", "width", "lines"),
    [
        ("de", "Temperaturmessung", 12, ["Temperatur-", "messung"]),  # not "Temperaturm-essung"
        ("de", "Warnzeichen: Starke Atemnot", 9, ["Warnzei-", "chen:", "Starke", "Atemnot"]),
        ("en-gb", "Temperature reading", 12, ["Temperature", "reading"]),  # fits: not broken
        ("es", "Medición de temperatura", 12, ["Medición de", "temperatura"]),
    ],
)
def test_a_long_word_is_hyphenated_where_its_language_allows(language, text, width, lines):
    from django.utils import translation

    with translation.override(language):
        assert charts._wrap(text, width) == lines
