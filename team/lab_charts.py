"""Immunoglobulins over time, as inline SVG for the team's pages (pure functions, no
JavaScript, no database): one small chart per test, fed plain values (team/lab_series.py
gathers them; team/exports.py draws the same values into the PDF).

Same conventions as symptoms/charts.py: the SVG is as wide as its container and x is a
percentage of the plot; y is in em, so the text follows the reader's size; role="img" with a
title and a description in words, and the page lists every value in a table beside it.

What is drawn (docs/clinical-rules.md §6):
- each result in force, in date order, joined by a line, in the test's unit (g/L: a result
  reported in mg/dL is converted);
- the lower limit of normal (LLN) the latest result is compared with: the laboratory's when it
  gave one, else the clinic's (LAB-IG-LOW) — a solid labelled line;
- the review level, LLN × (1 − LAB-IG-REVIEW's percentage / 100), for IgG and IgM — a dashed
  labelled line;
- a result below its own LLN as a diamond, not a circle (shape, not colour alone);
- each dose as a triangle under the time axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from diary_core.dates import local_date
from symptoms.charts import AXIS, BACKGROUND, GRID, INJECTION, INK, READING, spread_labels
from symptoms.readings import local_number

TEXT = 0.8125  # axis text, relative to the chart's 1rem
PLOT_TOP = 1.6  # em: room for the unit above the highest tick
PLOT_HEIGHT = 9.0  # em
DOSE_STRIP = 1.0  # em under the axis for the dose marks
PAD_LEFT = 2.6  # em: tick values
PAD_RIGHT = 6.6  # em: the lines' labels ("Review level" over "4.52 g/L")
LABEL_BLOCK = 2.1  # em: one line's label, two lines of text
LLN_INK = "#a15c00"  # 4.6:1 on white, solid
REVIEW_INK = "#c4291c"  # 5.2:1, dashed
REVIEW_DASH = "5 3"
LOW_INK = "#6e0f0f"  # a result below its LLN: a diamond, darker (13:1)
# Round steps for the y axis (g/L): the smallest giving at most MAX_TICKS intervals.
Y_STEPS = tuple(Decimal(s) for s in ("0.1", "0.2", "0.25", "0.5", "1", "2", "2.5", "5", "10", "20"))
MAX_TICKS = 5
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
MAX_DATE_LABELS = 4


@dataclass(frozen=True)
class LabPoint:
    collected: date
    value: Decimal  # in the chart's unit (converted)
    reported: str  # as the laboratory reported it: "450 mg/dL"
    low: bool = False  # below its own LLN (the laboratory's, else the clinic's)
    lln: Decimal | None = None  # that LLN, in the chart's unit


@dataclass(frozen=True)
class IgChart:
    """One immunoglobulin's results and lines, in plain values."""

    test: str  # "IgG", "IgM", "IgA"
    unit: str  # "g/L"
    points: tuple[LabPoint, ...]  # in date order
    lln: Decimal | None = None  # the line drawn (the latest result's LLN)
    lln_source: str = ""  # "lab" or "clinic"
    review: Decimal | None = None  # the review level (None for IgA)
    review_percent: Decimal | None = None
    doses: tuple[date, ...] = field(default=())  # every dose; those in the span are drawn

    @property
    def start(self) -> date:
        return self._span[0]

    @property
    def end(self) -> date:
        return self._span[1]

    @property
    def _span(self) -> tuple[date, date]:
        """From the first result to the last result or dose, a little wider each side (a
        single result still has room either side)."""
        first = self.points[0].collected
        last = max([self.points[-1].collected, *(d for d in self.doses if d >= first)])
        pad = timedelta(days=max(10, round((last - first).days * 0.05)))
        return first - pad, last + pad

    @property
    def shown_doses(self) -> list[date]:
        return [d for d in self.doses if self.start <= d <= self.end]

    def x(self, day: date) -> float:
        """Where `day` is across the plot, 0 (start) to 1 (end)."""
        return (day - self.start).days / max((self.end - self.start).days, 1)

    @property
    def axis(self) -> tuple[Decimal, Decimal]:
        """The y axis from 0: its top and tick step, the top a tick above every value and line."""
        highest = max([p.value for p in self.points] + [v for v in (self.lln, self.review) if v])
        highest = max(highest * Decimal("1.1"), Decimal("0.1"))
        for step in Y_STEPS:
            top = (highest / step).to_integral_value(rounding=ROUND_CEILING) * step
            if top / step <= MAX_TICKS:
                return top, step
        step = Y_STEPS[-1]
        return (highest / step).to_integral_value(rounding=ROUND_CEILING) * step, step

    @property
    def ticks(self) -> list[Decimal]:
        top, step = self.axis
        return [step * i for i in range(int(top / step) + 1)]

    def y(self, value: Decimal) -> float:
        """Where `value` is down the plot, 0 (top) to 1 (the axis, at 0)."""
        top, _step = self.axis
        return float((top - value) / top)

    def date_ticks(self) -> list[date]:
        """First days of months, every 1, 2, 3, 6… months so that at most MAX_DATE_LABELS fit."""
        for step in MONTH_STEPS:
            ticks = []
            month = self.start.year * 12 + self.start.month - 1
            while True:
                month += 1
                day = date(month // 12, month % 12 + 1, 1)
                if day > self.end:
                    break
                if (month % step) == 0 or step == 1:
                    ticks.append(day)
            if len(ticks) <= MAX_DATE_LABELS:
                return ticks
        return []

    def date_label(self, day: date) -> str:
        return local_date(day, "M Y") if self.span_months > 0 else local_date(day, "j M Y")

    @property
    def span_months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


def lln_words(chart: IgChart) -> str:
    """ "lower limit 5.65 g/L (the laboratory's)" or "(the clinic's)"."""
    source = _("the laboratory's") if chart.lln_source == "lab" else _("the clinic's")
    return _("lower limit %(value)s %(unit)s (%(source)s)") % {
        "value": _limit(chart.lln),
        "unit": chart.unit,
        "source": source,
    }


def review_words(chart: IgChart) -> str:
    """ "review level 4.52 g/L (20 % below the lower limit)"."""
    return _("review level %(value)s %(unit)s (%(percent)s %% below the lower limit)") % {
        "value": _limit(chart.review),
        "unit": chart.unit,
        "percent": local_number(_rounded(chart.review_percent)),
    }


def pad_right() -> float:
    """Room for the lines' labels: PAD_RIGHT, or more for a language whose words are
    longer (about 0.6 em a character at the labels' size)."""
    longest = max(len(lln_name()), len(review_name()))
    return max(PAD_RIGHT, 0.6 * longest)


def lln_name() -> str:
    return pgettext("chart line", "Lower limit")


def lln_value(chart: IgChart) -> str:
    return f"{_limit(chart.lln)} {chart.unit}"


def review_name() -> str:
    return pgettext("chart line", "Review level")


def review_value(chart: IgChart) -> str:
    return f"{_limit(chart.review)} {chart.unit}"


def value_words(point: LabPoint, unit: str) -> str:
    """ "4.2 g/L" (converted), "4.5 g/L (reported 450 mg/dL)" when the lab wrote another unit."""
    shown = f"{local_number(_rounded(point.value))} {unit}"
    if not point.reported.endswith(f" {unit}"):
        shown += " " + _("(reported %(reported)s)") % {"reported": point.reported}
    return shown


def chart_summary(chart: IgChart) -> str:
    """The chart in words: the test, the results, the latest and whether it is low, the lines."""
    latest = chart.points[-1]
    words = ngettext(
        "%(test)s in %(unit)s: %(count)s result, on %(first)s.",
        "%(test)s in %(unit)s: %(count)s results, %(first)s to %(last)s.",
        len(chart.points),
    ) % {
        "test": chart.test,
        "unit": chart.unit,
        "count": len(chart.points),
        "first": local_date(chart.points[0].collected, "j M Y"),
        "last": local_date(latest.collected, "j M Y"),
    }
    words += " " + _("Latest %(value)s on %(day)s.") % {
        "value": value_words(latest, chart.unit),
        "day": local_date(latest.collected, "j M Y"),
    }
    if latest.low:
        words += " " + _("It is below its lower limit.")
    if chart.lln is not None:
        words += " " + _("Line: %(what)s.") % {"what": lln_words(chart)}
    if chart.review is not None:
        words += " " + _("Dashed line: %(what)s.") % {"what": review_words(chart)}
    doses = len(chart.shown_doses)
    if doses:
        words += " " + ngettext(
            "%(count)s dose in this time, marked under the axis.",
            "%(count)s doses in this time, marked under the axis.",
            doses,
        ) % {"count": doses}
    return words


def values_description(chart: IgChart) -> str:
    """Every value, for the SVG's <desc>: "3 Mar 2026: 6.1 g/L; 9 Sep 2026: 4.2 g/L, below
    the lower limit"."""
    items = []
    for point in chart.points:
        item = f"{local_date(point.collected, 'j M Y')}: {value_words(point, chart.unit)}"
        if point.low:
            item += ", " + _("below the lower limit")
        items.append(item)
    return "; ".join(items) + "."


def ig_chart_svg(chart: IgChart) -> str:
    """One immunoglobulin's chart (see the module docstring); `chart` has at least one point."""
    bottom = PLOT_TOP + PLOT_HEIGHT

    def y(value: Decimal) -> float:
        return PLOT_TOP + PLOT_HEIGHT * chart.y(value)

    def x(day: date) -> str:
        return f"{100 * chart.x(day):.3f}%"

    parts = [
        f'<rect x="0" y="{PLOT_TOP}em" width="100%" height="{PLOT_HEIGHT}em" fill="{BACKGROUND}"/>'
    ]
    for tick in chart.ticks:
        parts.append(_hline(y(tick), GRID))
        tick_words = local_number(tick) if tick else "0"
        parts.append(_text("0", y(tick) + 0.35 * TEXT, tick_words, anchor="end", dx=-0.4))
    parts.append(_text("0", PLOT_TOP - 0.7, chart.unit, anchor="end", dx=-0.4))

    # The lines, each labelled in the margin right of the plot (the latest results are at
    # the plot's right end, and a label there hid them): the name over the value, in the
    # line's colour; labels of close lines are moved apart, with a leader from the line.
    lines = []
    if chart.lln is not None:
        lines.append((chart.lln, LLN_INK, None, "lln", lln_name(), lln_value(chart)))
    if chart.review is not None:
        lines.append(
            (chart.review, REVIEW_INK, REVIEW_DASH, "review", review_name(), review_value(chart))
        )
    wanted = [y(value) for value, *_rest in lines]
    placed = spread_labels(wanted, gap=LABEL_BLOCK, low=PLOT_TOP - 0.8, high=bottom + 0.8)
    for (_value, ink, dash, cls, name, value), at, centre in zip(
        lines, wanted, placed, strict=True
    ):
        parts.append(_hline(at, ink, width=2, dash=dash, cls=cls))
        top = centre - LABEL_BLOCK / 2
        parts.append(
            f'<svg x="100%" overflow="visible" class="{cls}-label">'
            f'<line x1="0" x2="0.35em" y1="{at:.3f}em" y2="{centre:.3f}em" stroke="{ink}" '
            f'stroke-width="1"/>'
            + _text("0", top + 0.8, name, dx=0.5, fill=ink)
            + _text("0", top + 1.75, value, dx=0.5, fill=ink, weight="bold")
            + "</svg>"
        )

    dose_words = escape(_("Dose"))
    for day in chart.shown_doses:
        parts.append(
            f'<svg x="{x(day)}" y="{bottom + 0.15:.3f}em" overflow="visible" class="dose" '
            f'data-day="{day.isoformat()}"><path d="M0 0 L5 9 L-5 9 Z" fill="{INJECTION}"/>'
            f"<title>{dose_words} {escape(local_date(day, 'j M Y'))}</title></svg>"
        )

    points = chart.points
    for a, b in zip(points, points[1:], strict=False):
        parts.append(
            f'<line x1="{x(a.collected)}" y1="{y(a.value):.3f}em" x2="{x(b.collected)}" '
            f'y2="{y(b.value):.3f}em" stroke="{READING}" stroke-width="2"/>'
        )
    for point in points:
        title = f"{local_date(point.collected, 'j M Y')}: {value_words(point, chart.unit)}"
        if point.low:
            title += ", " + _("below the lower limit")
            mark = (
                f'<path d="M0 -7 L7 0 L0 7 L-7 0 Z" fill="{LOW_INK}" stroke="{BACKGROUND}" '
                'stroke-width="1.5"/>'
            )
        else:
            mark = (
                f'<circle cx="0" cy="0" r="4.5" fill="{READING}" stroke="{BACKGROUND}" '
                'stroke-width="1.5"/>'
            )
        parts.append(
            f'<svg x="{x(point.collected)}" y="{y(point.value):.3f}em" overflow="visible" '
            f'class="point{" low" if point.low else ""}" data-day="{point.collected.isoformat()}">'
            f"{mark}<title>{escape(title)}</title></svg>"
        )

    parts.append(_hline(bottom, AXIS))
    label_at = bottom + DOSE_STRIP + 1.1
    ticks = chart.date_ticks()
    for day in ticks:
        parts.append(
            f'<line x1="{x(day)}" x2="{x(day)}" y1="{bottom}em" y2="{bottom + 0.35}em" '
            f'stroke="{AXIS}" stroke-width="1"/>'
        )
        parts.append(_text(x(day), label_at, chart.date_label(day), anchor="middle"))
    if not ticks:  # a short span: the result's own day
        only = points[-1].collected
        parts.append(_text(x(only), label_at, local_date(only, "j M Y"), anchor="middle"))
    height = label_at + 0.6

    slug = chart.test.lower()
    summary = chart_summary(chart)
    style = (
        "display:block;width:100%;min-width:0;max-width:none;box-sizing:border-box;"
        f"overflow:visible;height:{height:.2f}em;padding:0 {pad_right():.1f}em 0 {PAD_LEFT}em"
    )
    return (
        '<div class="chart-frame" style="font-size:1rem;direction:ltr;text-align:left">'
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart lab-chart" role="img" '
        f'aria-labelledby="lab-{slug}-title lab-{slug}-desc" width="100%" '
        f'height="{height:.2f}em" style="{style}" overflow="visible">'
        f'<title id="lab-{slug}-title">{escape(summary)}</title>'
        f'<desc id="lab-{slug}-desc">{escape(values_description(chart))}</desc>'
        '<g aria-hidden="true">' + "".join(parts) + "</g></svg></div>"
    )


def _limit(value: Decimal) -> str:
    """A limit with the two places the clinic's limits take ("5.65", "0.40"), more when it
    has them (a review level: 5.65 × 0.85 = 4.8025), as the rule editor and the what-if
    write them (alerts/authoring/lab_whatif.py)."""
    two = value.quantize(Decimal("0.01"))
    return local_number(two if two == value else value.normalize())


def _rounded(value: Decimal) -> Decimal:
    """A value to at most two decimal places without trailing zeros, as a lab writes it
    (4.52, 0.4, 10; never "1E+1")."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        value = value.quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _hline(
    y: float, colour: str, *, dash: str | None = None, width: float = 1, cls: str = ""
) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<line x1="0" x2="100%" y1="{y:.3f}em" y2="{y:.3f}em" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}{klass}/>'
    )


def _text(
    x: str,
    y: float,
    body: str,
    *,
    anchor: str = "start",
    dx: float = 0.0,
    fill: str = INK,
    weight: str | None = None,
    cls: str = "",
) -> str:
    """Text at `x`, baseline `y` em down (chart em: divided by the text's own size)."""
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' dx="{dx / TEXT:.3f}em"' if dx else ""
    attrs += f' font-weight="{weight}"' if weight else ""
    attrs += f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x}" y="{y / TEXT:.3f}em" font-size="{TEXT}em" fill="{fill}"{attrs}>'
        f"{escape(body)}</text>"
    )
