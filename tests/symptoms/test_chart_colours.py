"""The charts' colours: darker as a symptom is worse, the worst also marked without colour,
the legend in the diary's words, and contrast enough to see (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from symptoms import charts
from symptoms.charts import HeatRow
from symptoms.models import GRADE_LABELS

DAYS = [date(2025, 11, 24) + timedelta(days=i) for i in range(7)]


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_it_darkens_monotonically_with_the_grade():
    shades = [luminance(charts.grade_fill(grade)) for grade in range(5)]
    assert shades == sorted(shades, reverse=True) and len(set(shades)) == 5


def test_a_warning_sign_is_as_dark_as_the_darkest_grade():
    """A red flag is stored as grade 1 (present); it was drawn in the palest colour."""
    row = HeatRow("Fainting", [0, 0, 1, 0, 0, 0, 0], yes_no=True, warning_sign=True)
    svg = charts.heatmap(days=DAYS, rows=[row])
    assert f'fill="{charts.WARNING_FILL}"' in svg
    assert f'fill="{charts.grade_fill(1)}"><title>' not in svg
    assert luminance(charts.WARNING_FILL) <= min(luminance(charts.grade_fill(g)) for g in range(5))


@pytest.mark.parametrize(
    ("row", "marked"),
    [
        (HeatRow("Cough", [4, 0, 0, 0, 0, 0, 0]), True),
        (HeatRow("Cough", [3, 2, 1, 0, 0, 0, 0]), False),
        (HeatRow("Fainting", [1, 0, 0, 0, 0, 0, 0], yes_no=True, warning_sign=True), True),
        (HeatRow("Dark urine", [1, 0, 0, 0, 0, 0, 0], yes_no=True), False),
    ],
)
def test_the_worst_cells_are_marked_not_by_colour_alone(row, marked):
    svg = charts.heatmap(days=DAYS, rows=[row])
    body = svg[svg.index('<g class="chart-wide">') : svg.index('<g class="chart-narrow"')]
    cells = body.count(f'width="14.286%" height="0.3em" fill="{charts.MARK_FILL}"')
    assert cells == (1 if marked else 0)


def test_the_legend_says_the_grades_in_the_forms_words_in_order():
    svg = charts.heatmap(days=DAYS, rows=[HeatRow("Cough", [1, 2, 3, 4, 0, 0, 0])])
    words = [str(GRADE_LABELS[g]) for g in range(5)]
    assert words == ["None", "Mild", "Moderate", "Severe", "Very severe"]
    places = [svg.index(f">{word}</text>") for word in words]
    assert places == sorted(places)
    assert "Cough: worst very severe, on 27 November." in svg  # the summary, in words


def test_the_legend_names_warning_signs_and_yes_or_no_symptoms_only_when_shown():
    plain = charts.heatmap(days=DAYS, rows=[HeatRow("Cough", [1, 0, 0, 0, 0, 0, 0])])
    assert "Warning sign" not in plain and "Yes, had it" not in plain
    both = charts.heatmap(
        days=DAYS,
        rows=[
            HeatRow("Dark urine", [0, 1, 0, 0, 0, 0, 0], yes_no=True),
            HeatRow("Fainting", [0, 0, 1, 0, 0, 0, 0], yes_no=True, warning_sign=True),
        ],
    )
    assert ">Warning sign: had it</text>" in both and ">Yes, had it</text>" in both
    assert ">Warning sign: Fainting</text>" in both


@pytest.mark.parametrize("colour", [charts.INK, charts.INK_SOFT])
def test_text_has_aa_contrast(colour):
    assert contrast(colour, charts.BACKGROUND) >= 4.5


@pytest.mark.parametrize(
    "colour",
    [
        charts.READING,
        charts.INJECTION,
        charts.AXIS,
        charts.STRIP_EDGE,
        charts.MARK_FILL,
        charts.YES_FILL,
        charts.WARNING_FILL,
        *[colour for colour, _dash in charts.THRESHOLD_STYLES],
    ],
)
def test_lines_and_marks_have_3_to_1_contrast(colour):
    assert contrast(colour, charts.BACKGROUND) >= 3


def test_the_warning_line_labels_are_readable_text():
    """The values beside the plot are drawn in their line's colour: AA for text."""
    for colour, _dash in charts.THRESHOLD_STYLES:
        assert contrast(colour, charts.BACKGROUND) >= 4.5
