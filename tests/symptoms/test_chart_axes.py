"""The temperature chart's axes: tick values, warning-line labels that never collide, a day
range that ends today, and the patient's unit. Pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from symptoms import charts
from symptoms.charts import (
    LABEL_GAP,
    LABEL_HEIGHT,
    MIN_TICK_GAP,
    PAD_LEFT,
    PAD_RIGHT,
    PLOT_HEIGHT,
    Threshold,
    day_labels,
    spread_labels,
    temperature_axis,
)
from symptoms.readings import from_celsius

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
    lines = [from_celsius(t.value_c, unit) for t in RULE_LINES]
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
    [(7, 7, 7), (30, 3, 5), (90, 3, 13)],  # a laptop: every week; 90 days: 2 Nov would touch today
)
def test_it_shows_fewer_day_labels_when_narrow(days, on_a_phone, on_a_laptop):
    start = date(2025, 11, 30) - timedelta(days=days - 1)
    labels = day_labels(start, days)

    def shown(width: float) -> list:
        return [label for label in labels if label.needs + PAD_LEFT + PAD_RIGHT <= width]

    assert len(shown(PHONE)) == on_a_phone
    assert len(shown(60)) == on_a_laptop  # a laptop's card, about 960 px
    # At 200 % text on a 360 px phone the chart's box is 9.75 em (312 px at 32 px), drawn in
    # the narrow layout: the period's first and last days still show.
    narrow = [label for label in labels if label.needs + PAD_LEFT + 0.75 <= 9.75]
    assert [label.day for label in narrow] == [start, date(2025, 11, 30)]


@pytest.mark.parametrize("days", [7, 14, 30, 90])
def test_no_two_day_labels_overlap_at_any_width(days):
    """Lay the labels out as the chart does at every plot width from a phone at 200 % text
    to a wide screen: the first starts at the left edge, today ends at the right, the rest
    are centred on their day, each `slot` em less the gap wide. Whichever show at a width
    (needs ≤ width), any two are at least the gap apart."""
    labels = day_labels(date(2025, 11, 30) - timedelta(days=days - 1), days)
    slot = 1.8 if days <= 14 else 3.1
    for tenth in range(40, 1100):
        width = tenth / 10
        shown = [label for label in labels if label.needs <= width]
        spans = []
        wide = slot - LABEL_GAP  # the label itself
        for label in shown:
            if label is labels[-1]:
                spans.append((width - wide, width))
            elif label.index == 0:
                spans.append((0.0, wide))
            else:
                centre = (label.index + 0.5) / days * width
                spans.append((centre - wide / 2, centre + wide / 2))
        spans.sort()
        for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
            assert left - right >= LABEL_GAP - 1e-9, (days, width, spans)


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
