"""Server-rendered SVG charts for the history pages (pure functions, no JavaScript).

Each chart has role="img" and a text label; the template adds a table alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 260
PAD_L, PAD_R, PAD_T, PAD_B = 52, 12, 14, 30
GRADE_FILL = {0: "#ffffff", 1: "#fde9c8", 2: "#f9bf76", 3: "#e8772e", 4: "#b8410e"}


def to_unit(celsius: Decimal, unit: str) -> Decimal:
    if unit == "F":
        return (celsius * 9 / 5 + 32).quantize(Decimal("0.1"))
    return celsius


@dataclass(frozen=True)
class Threshold:
    """A warning line: a rule's current threshold (alerts.services.temperature_thresholds)."""

    value_c: Decimal
    label: str


@dataclass(frozen=True)
class Point:
    day_index: float
    value: Decimal  # in the display unit


def temperature_chart(
    *,
    start: date,
    days: int,
    points: list[Point],
    injections: list[float],
    unit: str,
    thresholds: list[Threshold],
) -> str:
    """A line of readings with the rules' warning lines and injection markers."""
    lines = [to_unit(t.value_c, unit) for t in thresholds]
    values = [p.value for p in points] + lines
    low = min([to_unit(Decimal("35.5"), unit), *values])
    high = max([to_unit(Decimal("39.5"), unit), *values])
    span_x = WIDTH - PAD_L - PAD_R
    span_y = HEIGHT - PAD_T - PAD_B

    def x(day_index: float) -> float:
        return PAD_L + span_x * (day_index / max(days, 1))

    def y(value: Decimal) -> float:
        return PAD_T + span_y * float((high - value) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Temperature over the last {days} days, in °{unit}, with warning lines '
        f'at {", ".join(str(v) for v in lines)} °{unit}" class="chart">',
        f"<title>Temperature, last {days} days</title>",
        f'<rect x="{PAD_L}" y="{PAD_T}" width="{span_x}" height="{span_y}" fill="#f8f9fa"/>',
    ]
    colours = ("#f0ad4e", "#dc3545", "#8b0000")
    for value, colour in zip(lines, colours, strict=False):
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4 3"/>'
            f'<text x="{PAD_L - 4}" y="{y(value) + 4:.1f}" font-size="14" text-anchor="end">'
            f"{value}</text>"
            # Repeated at the right: on a phone the chart opens scrolled to the latest days.
            f'<text x="{WIDTH - PAD_R - 3}" y="{y(value) - 3:.1f}" font-size="12" '
            f'text-anchor="end" fill="{colour}">{value}</text>'
        )
    for offset in injections:
        parts.append(
            f'<line x1="{x(offset):.1f}" x2="{x(offset):.1f}" y1="{PAD_T}" '
            f'y2="{HEIGHT - PAD_B}" stroke="#6f42c1" stroke-width="2"><title>Injection</title>'
            "</line>"
        )
    if points:
        path = " ".join(f"{x(p.day_index):.1f},{y(p.value):.1f}" for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
        for p in points:
            parts.append(
                f'<circle cx="{x(p.day_index):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="#0d6efd"/>'
            )
    step = 1 if days <= 7 else 7 if days <= 30 else 14
    for index in range(0, days + 1, step):
        label = (start + timedelta(days=index)).strftime("%d %b")
        parts.append(
            f'<text x="{x(index):.1f}" y="{HEIGHT - 8}" font-size="14" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def heatmap(*, days: list[date], rows: list[tuple[str, list[int]]]) -> str:
    """Days × symptoms, each cell shaded by the day's highest grade (0–4)."""
    cell, label_w = 16, 240
    width = label_w + cell * len(days) + 4
    height = cell * len(rows) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Symptoms by day, darker means more severe" class="chart">',
        "<title>Symptoms by day</title>",
    ]
    for r, (label, grades) in enumerate(rows):
        yy = r * cell
        parts.append(
            f'<text x="{label_w - 6}" y="{yy + 12}" font-size="14" text-anchor="end">'
            f"{escape(label[:32])}</text>"
        )
        for c, grade in enumerate(grades):
            parts.append(
                f'<rect x="{label_w + c * cell}" y="{yy}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{GRADE_FILL[min(grade, 4)]}" stroke="#dee2e6"/>'
            )
    if days:
        parts.append(
            f'<text x="{label_w}" y="{height - 6}" font-size="14">{days[0]:%d %b}</text>'
            f'<text x="{width - 4}" y="{height - 6}" font-size="14" text-anchor="end">'
            f"{days[-1]:%d %b}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
