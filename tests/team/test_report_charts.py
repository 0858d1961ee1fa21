"""The report's bar charts: readable without colour, safe with any label (no database)."""

from __future__ import annotations

import re

import pytest

from team.report_charts import bar_chart


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)%"', svg)]


def test_it_scales_bars_to_the_largest_value_and_draws_none_as_empty():
    svg = bar_chart(summary="s", bars=[("a", 2.0, "2"), ("b", 1.0, "1"), ("c", None, "—")])
    assert widths(svg) == [48.0, 24.0, 0.0]  # the plot is 48 % of the width


def test_it_escapes_labels_and_summary():
    svg = bar_chart(summary="<x>", bars=[("<script>", 1.0, "&")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;" in svg
    assert 'aria-label="&lt;x&gt;"' in svg and 'role="img"' in svg


def test_a_reference_bar_is_outlined_and_dashed_not_filled_like_ours():
    svg = bar_chart(
        summary="s", bars=[("ours", 0.5, "50 %"), ("theirs", 0.34, "34 %")], reference=1
    )
    ours, theirs = re.findall(r"<rect [^>]*/>", svg)
    assert "stroke-dasharray" not in ours
    assert "stroke-dasharray" in theirs and 'fill="#ffffff"' in theirs


def test_a_share_is_drawn_against_the_whole_not_the_largest_bar():
    """50 % is half the plot, not all of it ("the 50 % bar drawn almost full")."""
    from team.report_charts import LABEL_WIDTH, VALUE_WIDTH

    svg = bar_chart(summary="s", bars=[("URGENT", 0.5, "50 %")], scale_max=1.0)
    (width,) = re.findall(r'<rect x="[\d.]+%" y="[\d.]+em" width="([\d.]+)%"', svg)
    assert float(width) == pytest.approx((100 - LABEL_WIDTH - VALUE_WIDTH) / 2)
    unscaled = bar_chart(summary="s", bars=[("URGENT", 0.5, "50 %")])
    (full,) = re.findall(r'<rect x="[\d.]+%" y="[\d.]+em" width="([\d.]+)%"', unscaled)
    assert float(full) == pytest.approx(100 - LABEL_WIDTH - VALUE_WIDTH)
