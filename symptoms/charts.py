"""Server-rendered SVG charts for the history pages (pure functions, no JavaScript).

Each chart has role="img" and a summary in words; the template adds a table alternative.

How a chart fits a 360 px phone and a laptop alike, and follows the reader's text size:

- Across, the SVG is as wide as its container (width 100 %) and positions are percentages of
  the plot. The left and right margins (tick values, warning-line values) are the SVG's own
  padding, in em, which the chart draws into (overflow visible): an axis label is never
  squeezed by a narrow screen and never lies over the data.
- Down, everything is in em, so text, gaps and the label-collision maths scale together.
- How many day labels fit depends on the width, which only the browser knows: each label
  carries the container width (in em) from which it shows, and a container query in the
  SVG's <style> shows it there. Without container queries the labels that fit a phone show.

Inline style attributes and the <style> element are allowed by the CSP (style-src has
'unsafe-inline'); they also override `.chart-wrap svg { min-width: … }`, so no page scrolls
sideways to see the period. Nothing else on the page is styled from here.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape

import pyphen
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from diary_core.dates import local_date
from symptoms.models import GRADE_LABELS
from symptoms.readings import from_celsius, local_number

# Layout, in em of the chart's font size (1rem: the reader's text size).
TEXT = 0.8125  # axis text, relative to the chart
LABEL_GAP = 0.5  # em between two day labels (inside each label's slot)
LINE = 1.2  # line height of axis text
PAD_LEFT = PAD_RIGHT = 3.0  # room for "101.5" beside the plot
PLOT_TOP = 1.9  # room for the unit above the highest tick
PLOT_HEIGHT = 11.0
MIN_TICK_GAP = 1.8  # between y ticks: about two lines of axis text
LABEL_HEIGHT = 1.05  # one warning-line label, for collision avoidance

INK = "#212529"  # text: 15:1 on white
INK_SOFT = "#495057"  # secondary text: 8:1
GRID = "#dee2e6"  # decoration only
AXIS = "#6c757d"  # the axis line: 4.7:1
BACKGROUND = "#ffffff"
READING = "#1a56b0"  # the readings: 7:1
INJECTION = "#6f42c1"  # 6.5:1
# The warning lines, lowest first: darker and more tightly dashed as they rise. Each has at
# least 3:1 against the background (WCAG 1.4.11) and a dash pattern of its own.
THRESHOLD_STYLES = (("#a15c00", "8 4"), ("#c4291c", "5 3"), ("#6e0f0f", "2 2"))

# The heat-map: light to dark as a grade rises (the tests hold the order). The darkest,
# Very severe and warning signs, also get a dark bar under the cell, so they do not depend
# on colour alone.
GRADE_FILL = {0: "#f1f3f5", 1: "#fdd49e", 2: "#f68d45", 3: "#d0421b", 4: "#7a1208"}
WARNING_FILL = GRADE_FILL[4]
MARK_FILL = INK
YES_FILL = "#41608f"  # a yes-or-no symptom that is not a warning sign: not on the scale
STRIP_EDGE = "#8a939b"  # the outline of a symptom's row of days: 3:1

# Day labels: every day, every week, every two weeks… always counting back from today, so
# today is always labelled and each coarser set is inside the finer one.
DAY_STEPS = (1, 7, 14, 28, 56)
TEMPERATURE_STEPS = tuple(Decimal(s) for s in ("0.1", "0.2", "0.5", "1", "2", "5", "10"))
# The y axis always shows at least the usual range, so a flat week does not look dramatic.
USUAL_RANGE = {"C": (Decimal("36.0"), Decimal("39.0")), "F": (Decimal("96.8"), Decimal("102.2"))}


@dataclass(frozen=True)
class Threshold:
    """A warning line: a rule's current threshold (alerts.care.thresholds.temperature_thresholds)."""

    value_c: Decimal
    label: str


@dataclass(frozen=True)
class Point:
    day_index: float  # days since the start of the first day, in the patient's zone
    value: Decimal  # in the display unit
    value_c: Decimal | None = None  # the reading in °C, as the rules read it


@dataclass(frozen=True)
class HeatRow:
    """One symptom's row on the heat-map: its highest grade each day (0–4; 0 or 1 for a
    yes-or-no symptom)."""

    label: str
    grades: list[int]
    yes_no: bool = False
    warning_sign: bool = False


# The axes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    low: Decimal
    high: Decimal
    step: Decimal
    height: float = PLOT_HEIGHT

    @property
    def ticks(self) -> list[Decimal]:
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * i for i in range(count + 1)]

    def y(self, value: Decimal) -> float:
        """Em below the top of the plot."""
        return self.height * float((self.high - value) / (self.high - self.low))

    def label(self, value: Decimal) -> str:
        return local_number(value.quantize(Decimal("1") if self.step >= 1 else Decimal("0.1")))


def temperature_axis(values: Sequence[Decimal], unit: str, *, height: float = PLOT_HEIGHT) -> Axis:
    """The y axis: the usual range widened to every value, in the smallest round step whose
    ticks are at least MIN_TICK_GAP apart; it starts and ends on a tick."""
    usual_low, usual_high = USUAL_RANGE[unit]
    low, high = min([usual_low, *values]), max([usual_high, *values])
    for step in TEMPERATURE_STEPS:
        bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
        top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
        if height / float((top - bottom) / step) >= MIN_TICK_GAP:
            return Axis(bottom, top, step, height)
    raise ValueError(f"no tick step fits {low}–{high} in {height} em")


def spread_labels(
    wanted: Sequence[float], *, gap: float = LABEL_HEIGHT, low: float, high: float
) -> list[float]:
    """Move labels (centres, in em) the least that keeps them `gap` apart and inside
    low–high. Labels that would touch become a block centred on their wanted places."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    blocks: list[list[int]] = []  # each a run of label indexes, placed edge to edge

    def start(block: list[int]) -> float:
        centre = sum(wanted[i] for i in block) / len(block)
        first = centre - gap * (len(block) - 1) / 2
        return min(max(first, low), high - gap * (len(block) - 1))

    for index in order:
        blocks.append([index])
        while len(blocks) > 1 and start(blocks[-2]) + gap * len(blocks[-2]) > start(blocks[-1]):
            last = blocks.pop()
            blocks[-1].extend(last)
    placed = [0.0] * len(wanted)
    for block in blocks:
        first = start(block)
        for k, index in enumerate(block):
            placed[index] = first + gap * k
    return placed


@dataclass(frozen=True)
class DayLabel:
    index: int  # days after the start; the last is today
    day: date
    lines: tuple[str, ...]
    needs: float  # the plot's width, in em, from which this label has room (0: always)


def day_labels(start: date, days: int) -> list[DayLabel]:
    """A label under each day that can have one, centred on the day: today always, the
    period's first day wherever it fits beside today's, then every week, two weeks… back
    from today as the width allows (DAY_STEPS)."""
    stacked = days <= 14  # weekday over day number: a week fits a phone
    # Em across one label and its gap: "Wed" over "30"; "30 Nov", about 2.6 em.
    slot = 1.8 if stacked else 3.1
    labels = []
    for index in range(days):
        back = days - 1 - index
        coarsest = max(s for s in DAY_STEPS if back % s == 0)
        needs = 0.0 if back == 0 else math.ceil(days / coarsest) * slot
        if index == 0 and back:
            # The period's first day, from the plot's left edge: shown whenever the plot has
            # room for it and today's label with a gap between (a 360 px phone at 200 % text
            # has; narrower, the table below the chart says every day).
            needs = 2 * slot - LABEL_GAP
        elif back:
            # Clear of the first day's label (from the plot's left edge) and of today's (to
            # its right edge): centred on its day, a label and a half from either end.
            nearest_end = min(index, back) + 0.5
            clear = 1.5 * (slot - LABEL_GAP) + LABEL_GAP  # half this label, the end's, a gap
            needs = max(needs, clear * days / nearest_end)
        if needs > 110:  # wider than any screen
            continue
        day = start + timedelta(days=index)
        lines = (date_format(day, "D"), date_format(day, "j")) if stacked else (_day(day),)
        if back == 0:
            lines += (_("today"),)
        labels.append(DayLabel(index, day, lines, needs))
    return labels


@dataclass(frozen=True)
class Layout:
    """One way of drawing a chart: the wide one (the default), or the narrow one for a
    container under NARROW_BELOW em (a phone at large text sizes)."""

    pad_left: float
    pad_right: float
    height: float
    parts: list[str]


NARROW_BELOW = 16.0
# A phone's chart at 100 % text: which day labels show where container queries do not work.
PHONE_WIDTH = 19.0


# The charts -------------------------------------------------------------------------


def temperature_chart(
    *,
    start: date,
    days: int,
    points: list[Point],
    injections: list[float],
    unit: str,
    thresholds: list[Threshold],
    readings: int | None = None,
) -> str:
    """The readings with the rules' warning lines and the injections, from `start` to today
    (the `days`-th day). `readings`: how many there were, when `points` is a thinned set
    (the summary in words counts them all)."""
    lines = [from_celsius(t.value_c, unit) for t in thresholds]
    shown = sorted((p for p in points if 0 <= p.day_index <= days), key=lambda p: p.day_index)
    axis = temperature_axis([p.value for p in shown] + lines, unit)
    bottom = PLOT_TOP + PLOT_HEIGHT

    def y(value: Decimal) -> float:
        return PLOT_TOP + axis.y(value)

    shared = [_background(PLOT_TOP, PLOT_HEIGHT)]
    for tick in axis.ticks:
        shared.append(_hline(y(tick), GRID))
        shared.append(_text("0", y(tick) + 0.35 * TEXT, axis.label(tick), anchor="end", dx=-0.5))
    shared.append(_text("0", PLOT_TOP - 0.9, f"°{unit}", anchor="end", dx=-0.5))
    shared += _day_ticks(days, bottom)

    wanted = [y(v) for v in lines]
    for at, (colour, dash) in zip(wanted, THRESHOLD_STYLES, strict=False):
        shared.append(_hline(at, colour, dash=dash, width=2))
    # Wide: each line's value beside the plot, close values moved apart, with a leader from
    # the line's end to its label. Narrow: the key below says the values.
    margin, leaders = [], []
    placed = spread_labels(wanted, low=PLOT_TOP - 0.6, high=bottom + 0.6)
    for value, at, label_at, (colour, _dash) in zip(
        lines, wanted, placed, THRESHOLD_STYLES, strict=False
    ):
        if abs(label_at - at) > 0.1:
            leaders.append(
                f'<line x1="0" x2="0.4em" y1="{at:.3f}em" y2="{label_at:.3f}em" '
                f'stroke="{colour}" stroke-width="1"/>'
            )
        margin.append(
            _text(
                "100%",
                label_at + 0.35 * TEXT,
                local_number(value),
                dx=0.5,
                fill=colour,
                weight="bold",
            )
        )
    if leaders:
        margin.append(f'<svg x="100%" overflow="visible">{"".join(leaders)}</svg>')

    shown_injections = [offset for offset in injections if 0 <= offset <= days]
    injection_words = escape(_("Injection"))  # outside the f-string, where makemessages sees it
    for offset in shown_injections:
        x = _x(offset, days)
        shared.append(
            f'<line x1="{x}" x2="{x}" y1="{PLOT_TOP}em" y2="{bottom}em" '
            f'stroke="{INJECTION}" stroke-width="2"><title>{injection_words}</title></line>'
        )

    for a, b in zip(shown, shown[1:], strict=False):
        if b.day_index - a.day_index <= 2:  # a longer gap is a gap, not a trend
            shared.append(
                f'<line x1="{_x(a.day_index, days)}" y1="{y(a.value):.3f}em" '
                f'x2="{_x(b.day_index, days)}" y2="{y(b.value):.3f}em" '
                f'stroke="{READING}" stroke-width="2"/>'
            )
    for p in shown:
        when = _day(start + timedelta(days=int(p.day_index)))
        shared.append(
            f'<circle cx="{_x(p.day_index, days)}" cy="{y(p.value):.3f}em" r="4.5" '
            f'fill="{READING}" stroke="{BACKGROUND}" stroke-width="1.5">'
            f"<title>{escape(when)}: {local_number(p.value)} °{unit}</title></circle>"
        )
    shared.append(_hline(bottom, AXIS))
    labels = day_labels(start, days)
    shared += _day_label_texts(labels, days, bottom)

    # The key, one item a line: what each mark means, in words.
    key = [(_key_dot(READING), _("Temperature reading"))]
    key += [
        (_key_line(colour, dash), f"{local_number(value)} °{unit}: {threshold.label}")
        for value, threshold, (colour, dash) in zip(
            lines, thresholds, THRESHOLD_STYLES, strict=False
        )
    ]
    if shown_injections:
        key.append((_key_line(INJECTION, None, vertical=True), _("Injection")))
    key_top = bottom + 1.1 + LINE * max(len(label.lines) for label in labels) + 0.3
    wide_key, wide_end = _key(key, key_top, left=0.0, wrap=60)
    narrow_key, narrow_end = _key(key, key_top, left=-PAD_LEFT, wrap=12)
    layouts = [
        Layout(PAD_LEFT, PAD_RIGHT, wide_end, margin + wide_key),
        Layout(PAD_LEFT, 0.75, narrow_end, narrow_key),
    ]
    summary = temperature_summary(
        start=start, days=days, points=shown, unit=unit, lines=lines, readings=readings
    )
    return _frame(summary, shared, layouts, labels)


def temperature_summary(
    *,
    start: date,
    days: int,
    points: list[Point],
    unit: str,
    lines: list[Decimal],
    readings: int | None = None,
) -> str:
    """The chart in words, for a screen reader: the period, the highest and the latest."""
    period = _period(start, start + timedelta(days=days - 1))
    words = _("Temperature over the last %(days)s days, %(period)s, in °%(unit)s.") % {
        "days": days,
        "period": period,
        "unit": unit,
    }
    if points:
        highest = max(points, key=lambda p: (p.value, p.day_index))
        latest = max(points, key=lambda p: p.day_index)
        words += " " + ngettext(
            "%(count)s reading: highest %(high)s °%(unit)s on %(high_day)s, "
            "latest %(last)s °%(unit)s on %(last_day)s.",
            "%(count)s readings: highest %(high)s °%(unit)s on %(high_day)s, "
            "latest %(last)s °%(unit)s on %(last_day)s.",
            readings or len(points),
        ) % {
            "count": readings or len(points),
            "high": local_number(highest.value),
            "high_day": _spoken_day(start + timedelta(days=int(highest.day_index))),
            "last": local_number(latest.value),
            "last_day": _spoken_day(start + timedelta(days=int(latest.day_index))),
            "unit": unit,
        }
    else:
        words += " " + _("No readings in this period.")
    if lines:
        words += " " + _("Warning lines at %(values)s °%(unit)s.") % {
            "values": ", ".join(local_number(v) for v in lines),
            "unit": unit,
        }
    return words


def heatmap(*, days: list[date], rows: list[HeatRow]) -> str:
    """Days × symptoms, each cell the day's highest grade, darker as it is worse; a legend in
    the diary's own words (GRADE_LABELS). Aligned with the temperature chart when wide."""
    labels = day_labels(days[0], len(days))
    legend = [(_key_swatch(GRADE_FILL[g], marked=g == 4), str(GRADE_LABELS[g])) for g in range(5)]
    if any(row.warning_sign for row in rows):
        legend.append((_key_swatch(WARNING_FILL, marked=True), _("Warning sign: had it")))
    if any(row.yes_no and not row.warning_sign for row in rows):
        legend.append((_key_swatch(YES_FILL), _("Yes, had it")))
    layouts = [
        Layout(PAD_LEFT, PAD_RIGHT, *_heat_body(days, rows, labels, legend, wrap=34)),
        Layout(0.25, 0.25, *_heat_body(days, rows, labels, legend, wrap=13)),
    ]
    return _frame(heatmap_summary(days=days, rows=rows), [], layouts, labels)


def _heat_body(
    days: list[date], rows: list[HeatRow], labels: list[DayLabel], legend: list, *, wrap: int
) -> tuple[float, list[str]]:
    """The rows, each a label over a strip of days, then the day labels and the legend."""
    count = len(days)
    strip, label_line, label_size = 1.5, 1.15, 0.875
    parts = []
    top = 0.3
    for row in rows:
        title = row.label
        if row.warning_sign:
            title = _("Warning sign: %(symptom)s") % {"symptom": row.label}
        elif row.yes_no:
            title = _("%(symptom)s (yes or no)") % {"symptom": row.label}
        wrapped = _wrap(title, wrap)
        weight = "bold" if row.warning_sign else None
        for k, text in enumerate(wrapped):
            parts.append(
                _text("0", top + label_line * (k + 1) - 0.25, text, size=label_size, weight=weight)
            )
        strip_top = top + label_line * len(wrapped) + 0.15
        parts.append(
            f'<rect x="0" y="{strip_top:.3f}em" width="100%" height="{strip}em" '
            f'fill="{GRADE_FILL[0]}" stroke="{STRIP_EDGE}" stroke-width="1"/>'
        )
        for index, grade in enumerate(row.grades):
            if not grade:
                continue
            fill, words, marked = _cell(row, grade)
            x, width = _x(index, count), f"{100 / count:.3f}%"
            edge = f' stroke="{BACKGROUND}" stroke-width="1"' if count <= 31 else ""
            parts.append(
                f'<rect x="{x}" y="{strip_top:.3f}em" width="{width}" height="{strip}em" '
                f'fill="{fill}"{edge}><title>{escape(_day(days[index]))}: {escape(words)}'
                "</title></rect>"
            )
            if marked:
                parts.append(
                    f'<rect x="{x}" y="{strip_top + strip + 0.12:.3f}em" width="{width}" '
                    f'height="0.3em" fill="{MARK_FILL}"/>'
                )
        top = strip_top + strip + 1.1
    bottom = top - 0.6
    parts.append(_hline(bottom, AXIS))
    parts += _day_label_texts(labels, count, bottom)
    legend_top = bottom + 1.1 + LINE * max(len(label.lines) for label in labels) + 0.5
    items, end = _key(legend, legend_top, left=0.0, wrap=wrap - 2, pitch=1.75)
    return end, parts + items


def heatmap_summary(*, days: list[date], rows: list[HeatRow]) -> str:
    """Each symptom in words: a graded one's worst grade and its latest day at that grade, a
    yes-or-no one's number of days and the last."""
    words = _("Symptoms by day, %(period)s.") % {"period": _period(days[0], days[-1])}
    for row in rows:
        worst = max(row.grades, default=0)
        if not worst:
            continue
        last = days[max(i for i, g in enumerate(row.grades) if g == worst)]
        if row.yes_no or row.warning_sign:
            had = sum(1 for g in row.grades if g)
            name = _("Warning sign, %(symptom)s") % {"symptom": row.label}
            words += " " + ngettext(
                "%(symptom)s: on %(count)s day, the last on %(day)s.",
                "%(symptom)s: on %(count)s days, the last on %(day)s.",
                had,
            ) % {
                "symptom": name if row.warning_sign else row.label,
                "count": had,
                "day": _spoken_day(last),
            }
        else:
            words += " " + _("%(symptom)s: worst %(grade)s, on %(day)s.") % {
                "symptom": row.label,
                "grade": str(GRADE_LABELS[min(worst, 4)]).lower(),
                "day": _spoken_day(last),
            }
    return words


def grade_fill(grade: int) -> str:
    return GRADE_FILL[max(0, min(grade, 4))]


def _cell(row: HeatRow, grade: int) -> tuple[str, str, bool]:
    """A cell's colour, its words and whether it is marked as among the worst."""
    if row.warning_sign:
        return WARNING_FILL, _("Warning sign: had it"), True
    if row.yes_no:
        return YES_FILL, _("Yes, had it"), False
    return grade_fill(grade), str(GRADE_LABELS[min(grade, 4)]), grade >= 4


# SVG pieces -------------------------------------------------------------------------


def _frame(summary: str, shared: list[str], layouts: list[Layout], labels: list[DayLabel]) -> str:
    """The SVG, as wide as its container, in a box that answers container queries: the wide
    layout by default, the narrow one under NARROW_BELOW em; day labels as the width allows."""
    wide, narrow = layouts
    # A class of its own, so two charts on one page keep their own heights.
    drawn = "".join(shared + wide.parts + narrow.parts).encode()
    name = "chart-" + hashlib.blake2s(drawn, digest_size=4).hexdigest()
    box = f".{name}"

    def geometry(layout: Layout, important: str = "") -> str:
        return (
            f"height:{layout.height:.2f}em{important};"
            f"padding:0 {layout.pad_right}em 0 {layout.pad_left}em{important}"
        )

    rules = [
        f"@container (max-width: {NARROW_BELOW - 0.01:.2f}em) {{ "
        f"{box} {{ {geometry(narrow, ' !important')} }} "
        f"{box} .chart-wide {{ display: none }} {box} .chart-narrow {{ display: inline }} }}"
    ]
    # A day label shows when the plot has room: under the narrow layout's margins below
    # NARROW_BELOW, the wide one's above.
    wide_pads = wide.pad_left + wide.pad_right
    narrow_pads = narrow.pad_left + narrow.pad_right
    needs = sorted({label.needs for label in labels if label.needs})
    if needs:
        rules.append(
            "@container (min-width: 0em) { "
            + " ".join(f"{box} .{_needs_class(n)} {{ display: none }}" for n in needs)
            + " }"
        )
    for n in needs:
        rules.append(
            f"@container (min-width: {max(NARROW_BELOW, n + wide_pads):.2f}em) {{ "
            f"{box} .{_needs_class(n)} {{ display: inline }} }}"
        )
        if n + narrow_pads < NARROW_BELOW:
            rules.append(
                f"@container (min-width: {n + narrow_pads:.2f}em) and "
                f"(max-width: {NARROW_BELOW - 0.01:.2f}em) {{ "
                f"{box} .{_needs_class(n)} {{ display: inline }} }}"
            )
    style = (
        "display:block;width:100%;min-width:0;max-width:none;box-sizing:border-box;"
        f"overflow:visible;{geometry(wide)}"
    )
    label = escape(summary, quote=True)
    return (
        '<div class="chart-frame" style="container-type:inline-size;font-size:1rem;'
        'direction:ltr;text-align:left">'
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {name}" role="img" '
        f'aria-label="{label}" width="100%" height="{wide.height:.2f}em" style="{style}" '
        'overflow="visible">'
        f"<title>{escape(summary)}</title>"
        f"<style>{''.join(rules)}</style>"
        '<g aria-hidden="true">'
        + "".join(shared)
        + f'<g class="chart-wide">{"".join(wide.parts)}</g>'
        + f'<g class="chart-narrow" display="none">{"".join(narrow.parts)}</g>'
        + "</g></svg></div>"
    )


def _needs_class(width: float) -> str:
    return f"chart-needs-{round(width * 10)}"


def _x(day_index: float, days: int) -> str:
    return f"{100 * day_index / max(days, 1):.3f}%"


def _text(
    x: str,
    y: float,
    body: str,
    *,
    size: float = TEXT,
    anchor: str = "start",
    dx: float = 0.0,
    fill: str = INK,
    weight: str | None = None,
    extra: str = "",
) -> str:
    """Text at `x` (a percentage or "0"), baseline `y` em down; `dx` em across. A text's em is
    its own font size, so chart em are divided by `size`."""
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' dx="{dx / size:.3f}em"' if dx else ""
    attrs += f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x}" y="{y / size:.3f}em" font-size="{size}em" fill="{fill}"{attrs}{extra}>'
        f"{escape(body)}</text>"
    )


def _hline(y: float, colour: str, *, dash: str | None = None, width: float = 1) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="0" x2="100%" y1="{y:.3f}em" y2="{y:.3f}em" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}/>'
    )


def _background(top: float, height: float) -> str:
    return f'<rect x="0" y="{top}em" width="100%" height="{height}em" fill="{BACKGROUND}"/>'


def _day_ticks(days: int, bottom: float) -> list[str]:
    """A short mark at each day's boundary (each week's, back from today, for a long period)."""
    every = 1 if days <= 31 else 7
    return [
        f'<line x1="{_x(i, days)}" x2="{_x(i, days)}" y1="{bottom}em" y2="{bottom + 0.35}em" '
        f'stroke="{AXIS}" stroke-width="1"/>'
        for i in range(days % every, days + 1, every)
    ]


def _day_label_texts(labels: list[DayLabel], days: int, bottom: float) -> list[str]:
    parts = []
    for label in labels:
        today = label is labels[-1]
        # Today's label ends at the plot's end and the period's first day starts at its
        # beginning, so that neither runs off a narrow screen.
        if today:
            x, anchor = "100%", "end"
        elif label.index == 0:
            x, anchor = "0", "start"
        else:
            x, anchor = _x(label.index + 0.5, days), "middle"
        extra = ""
        if label.needs:
            extra = f' class="{_needs_class(label.needs)}"'
            # Where container queries do not work, the labels that fit a phone.
            if label.needs + PAD_LEFT + PAD_RIGHT > PHONE_WIDTH:
                extra += ' display="none"'
        for k, line in enumerate(label.lines):
            last = k == len(label.lines) - 1
            parts.append(
                _text(
                    x,
                    bottom + 1.1 + LINE * k,
                    line,
                    anchor=anchor,
                    weight="bold" if today and last else None,
                    extra=extra,
                )
            )
    return parts


def _key(
    items: list[tuple[str, str]], top: float, *, left: float, wrap: int, pitch: float = 1.45
) -> tuple[list[str], float]:
    """Key lines from `top`, `left` em across: each a mark, then its words wrapped at `wrap`
    characters. Returns the parts and where they end."""
    parts, y = [], top + 0.6
    for mark, words in items:
        lines = _wrap(words, wrap)
        parts.append(f'<svg x="{left}em" y="{y:.3f}em" overflow="visible">{mark}</svg>')
        for k, line in enumerate(lines):
            parts.append(_text("0", y + 0.35 * TEXT + LINE * k, line, dx=left + 2.3))
        y += pitch + LINE * (len(lines) - 1)
    return parts, y - pitch + 1.0


def _key_line(colour: str, dash: str | None, *, vertical: bool = False) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    if vertical:
        return (
            f'<line x1="0.9em" x2="0.9em" y1="-0.6em" y2="0.6em" stroke="{colour}" '
            f'stroke-width="2"{dashes}/>'
        )
    return f'<line x1="0" x2="1.8em" y1="0" y2="0" stroke="{colour}" stroke-width="2"{dashes}/>'


def _key_dot(colour: str) -> str:
    return (
        f'<line x1="0" x2="1.8em" y1="0" y2="0" stroke="{colour}" stroke-width="2"/>'
        f'<circle cx="0.9em" cy="0" r="4.5" fill="{colour}" stroke="{BACKGROUND}" '
        'stroke-width="1.5"/>'
    )


def _key_swatch(fill: str, *, marked: bool = False) -> str:
    swatch = (
        f'<rect x="0" y="-0.6em" width="1.8em" height="1.1em" fill="{fill}" '
        f'stroke="{STRIP_EDGE}" stroke-width="1"/>'
    )
    if marked:
        swatch += f'<rect x="0" y="0.6em" width="1.8em" height="0.3em" fill="{MARK_FILL}"/>'
    return swatch


def _day(day: date) -> str:
    return local_date(day, "j M")


def _spoken_day(day: date) -> str:
    return local_date(day, "j F")


def _period(first: date, last: date) -> str:
    """ "3 to 30 November", "30 October to 28 November", or with the years when they differ."""
    if first.year != last.year:
        first_words, last_words = date_format(first, "j F Y"), date_format(last, "j F Y")
    elif first.month != last.month:
        first_words, last_words = date_format(first, "j F"), date_format(last, "j F")
    else:
        first_words, last_words = str(first.day), date_format(last, "j F")
    return _("%(first)s to %(last)s") % {"first": first_words, "last": last_words}


def _wrap(text: str, width: int) -> list[str]:
    """Break a label into lines of at most `width` characters, at spaces and after a word's
    own hyphens; a word longer than a line is hyphenated where the page's language allows
    ("Temperatur-messung", not "Temperaturm-essung"), and cut only when it has no such place."""
    pieces: list[tuple[str, bool]] = []  # (text, joined to the one before without a space)
    for word in text.split():
        for k, piece in enumerate(p for p in re.split(r"(?<=-)(?=.)", word) if p):
            joined = k > 0
            while len(piece) > width:
                head = _hyphenated(piece, width) or piece[: width - 1] + "-"
                if head.endswith("--"):
                    head = head[:-1]
                pieces.append((head, joined))
                piece, joined = piece[len(head) - 1 :], True
            pieces.append((piece, joined))
    lines: list[str] = []
    for piece, joined in pieces:
        gap = "" if joined else " "
        if lines and len(lines[-1]) + len(gap) + len(piece) <= width:
            lines[-1] += gap + piece
        else:
            lines.append(piece)
    return lines or [""]


def _hyphenated(word: str, width: int) -> str | None:
    """The word's first part, with its hyphen, at most `width` characters (None if none)."""
    language = (get_language() or "en-gb").replace("-", "_")
    try:
        dictionary = _hyphenation(language)
    except KeyError:  # a language pyphen does not know: cut, as before
        return None
    parts = dictionary.wrap(word, width)
    return parts[0] if parts else None


@functools.cache
def _hyphenation(language: str) -> pyphen.Pyphen:
    code = pyphen.language_fallback(language) or pyphen.language_fallback(language[:2])
    if code is None:
        raise KeyError(language)
    return pyphen.Pyphen(lang=code)
