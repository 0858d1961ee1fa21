"""Horizontal bar charts for the clinic report, as inline SVG (pure functions, no JavaScript).

Same conventions as symptoms/charts.py: role="img" with a summary in words, colours with at
least 3:1 against white, text in the reader's font size; the template puts a data table
beside every chart, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from symptoms.charts import BACKGROUND, GRID, INK, INK_SOFT, READING

BAR_HEIGHT = 1.4  # em
GAP = 0.6  # em between bars
LABEL_WIDTH = 38  # % of the width for the labels
VALUE_WIDTH = 14  # % kept right of the longest bar for its value
BENCHMARK = "#a15c00"  # 4.6:1, dashed: not colour alone


def bar_chart(
    *,
    summary: str,
    bars: Sequence[tuple[str, float | None, str]],
    benchmark: tuple[str, float] | None = None,
    reference: int | None = None,
    scale_max: float | None = None,
) -> str:
    """An SVG of one bar per (label, value, value shown as text); None draws no bar.

    `benchmark` (label, value) draws a dashed reference line at that value; `reference` is
    the index of a bar that is someone else's figure, drawn outlined and dashed, not filled.
    `scale_max` fixes the full width (1.0 for a share: 50 % is half the bar, not all of it);
    without it the longest bar fills the width.
    """
    values = [v for _label, v, _text in bars if v is not None]
    top = max(values + ([benchmark[1]] if benchmark else []) + [0.0])
    top = scale_max if scale_max is not None else (top or 1.0)
    plot = 100 - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for i, (label, value, text) in enumerate(bars):
        y = i * (BAR_HEIGHT + GAP)
        width = 0 if value is None else plot * value / top
        style = (
            f'fill="{BACKGROUND}" stroke="{BENCHMARK}" stroke-width="2" stroke-dasharray="5 3"'
            if i == reference
            else f'fill="{READING}"'
        )
        rows.append(
            f'<text x="{LABEL_WIDTH - 1}%" y="{y + BAR_HEIGHT * 0.72:.2f}em" '
            f'text-anchor="end" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}%" y="{y:.2f}em" width="{width:.2f}%" '
            f'height="{BAR_HEIGHT}em" {style}/>'
            f'<text x="{LABEL_WIDTH + width + 1:.2f}%" y="{y + BAR_HEIGHT * 0.72:.2f}em" '
            f'fill="{INK_SOFT}">{escape(text)}</text>'
        )
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + (1.4 if benchmark else 0)
    if benchmark:
        x = LABEL_WIDTH + plot * benchmark[1] / top
        rows.append(
            f'<line x1="{x:.2f}%" x2="{x:.2f}%" y1="0" y2="{height - 1.2:.2f}em" '
            f'stroke="{BENCHMARK}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{x:.2f}%" y="{height - 0.2:.2f}em" text-anchor="middle" '
            f'fill="{BENCHMARK}">{escape(benchmark[0])}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(summary)}" '
        f'width="100%" height="{height:.2f}em" style="font-size:0.8125rem;'
        f'background:{BACKGROUND};overflow:visible">'
        f"<title>{escape(summary)}</title>"
        f'<line x1="{LABEL_WIDTH}%" x2="{LABEL_WIDTH}%" y1="0" y2="{height:.2f}em" '
        f'stroke="{GRID}"/>' + "".join(rows) + "</svg>"
    )
