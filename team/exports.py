"""Exports of one patient's diary for the care team: CSV (streamed) and PDF summary; the
FHIR Bundle is team/fhir.py.

Every export is written to the AccessLog by the view that serves it.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from alerts.care.prompts import reasons_of
from alerts.models import Alert, EntryOutcome, Level
from alerts.rules import vaccine_plan_is_live
from patients.models import Patient
from symptoms.charts import (
    GRADE_FILL,
    WARNING_FILL,
    YES_FILL,
    spread_labels,
    temperature_axis,
)
from symptoms.models import GRADE_LABELS, DiaryEntry, Symptom, SymptomReport
from symptoms.readings import local_number
from team import lab_charts
from team.summary import Summary
from team.templatetags.alert_format import _name, describe

if TYPE_CHECKING:
    from fpdf import FPDF


IDENTITY_HEADER = (
    _lazy("Hospital number"),
    _lazy("National health number"),
    _lazy("Diary reference"),
    _lazy("Name"),
    _lazy("Date of birth"),
)


def csv_header() -> list[str]:
    """The CSV's column names, with their units, in the reader's language."""
    return [
        *(str(words) for words in IDENTITY_HEADER),
        _("Recorded at (patient's local time)"),
        _("Day"),
        _("Reported by"),
        _("Temperatures"),
        _("Highest temperature (°C)"),
        _("Symptoms (how bad)"),
        _("Warning signs"),
        _("Heart rate (beats per minute)"),
        _("Breathing rate (breaths per minute)"),
        _("Oxygen saturation SpO2 (%)"),
        _("Systolic blood pressure (mmHg)"),
        _("Fever medicine in the last 6 hours"),
        _("Planned vaccine"),
        _("Planned vaccine is live"),
        _("Feels fine"),
        _("Note"),
        _("Advice recorded"),
    ]


def alerts_header() -> list[str]:
    return [
        *(str(words) for words in IDENTITY_HEADER),
        _("Raised at (patient's local time)"),
        _("Level"),
        _("Alert"),
        _("Values"),
        _("Patient was told"),
        _("Status"),
        _("Acknowledged at"),
        _("Acknowledged by"),
        _("Minutes to acknowledge"),
        _("Resolved at"),
        _("Resolved by"),
        _("Action"),
        _("Resolution note"),
    ]


# A spreadsheet opened by double-click reads a CSV as UTF-8 only when it starts with the
# byte-order mark; without it Excel showed "Â°C". Served as text/csv; charset=utf-8.
CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The language of a "machine" CSV: English words, a comma between cells, a decimal point.
MACHINE_LANGUAGE = "en-gb"


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV is written for its reader. A spreadsheet in a language whose decimal mark
    is a comma (German, Spanish) splits cells at semicolons, as Excel and LibreOffice do
    there; "machine" keeps the comma and the point, in English, for other programs."""

    language: str
    delimiter: str

    @classmethod
    def for_reader(cls, *, machine: bool = False) -> CsvStyle:
        language = MACHINE_LANGUAGE if machine else translation.get_language()
        with translation.override(language):
            comma_decimal = get_format("DECIMAL_SEPARATOR") == ","
        return cls(language=language, delimiter=";" if comma_decimal else ",")

    def lines(self, header: Callable[[], list], rows: Iterable[Callable[[], list]]):
        """The file a line at a time, each line written in the style's language (the
        generator runs after the view returns: its language is fixed here, not taken from
        whatever the thread has active then)."""
        writer = csv.writer(_Echo(), delimiter=self.delimiter)
        with translation.override(self.language):
            first = CSV_BOM + writer.writerow(header())
        yield first
        for row in rows:
            with translation.override(self.language):
                line = writer.writerow(row())
            yield line


def _identity(patient: Patient) -> list[str]:
    return [
        _safe(patient.hospital_number),
        _safe(patient.national_number),
        patient.reference,
        _safe(patient.user.get_full_name()),
        patient.date_of_birth.isoformat() if patient.date_of_birth else "",
    ]


class _Echo:
    """A file-like object whose write() returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def entries_of(patient: Patient, since: datetime | None = None):
    entries = DiaryEntry.objects.for_patient(patient).order_by("recorded_at")
    if since is not None:
        entries = entries.since(since)
    return entries.prefetch_related(
        "temperatures",
        Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
        Prefetch("outcomes", queryset=EntryOutcome.objects.order_by("revision")),
    )


def _advice_text(entry: DiaryEntry) -> str:
    """What the diary told the patient about the entry's latest version, as recorded when it
    was saved (clinical-rules.md §5): the level in words and the rules behind it."""
    outcomes = list(entry.outcomes.all())
    if not outcomes:
        return _("Not assessed yet")
    outcome = outcomes[-1]
    titles = "; ".join(dict.fromkeys(reason.title for reason in reasons_of(outcome)))
    words = str(Level(outcome.level).label)
    return f"{words}: {titles}" if titles else words


def csv_rows(
    patient: Patient, *, style: CsvStyle | None = None, chunk_size: int = 500
) -> Iterator[str]:
    """Yield the CSV a line at a time; entries are read in chunks, never all at once.
    Values in words and units, as the PDF has them: "38.4 °C", "Chills: Moderate",
    "Feeling you might die: yes, reported", "Yes"/"No"; never a code or a bare grade.
    Numbers carry the reader's decimal mark ("38,4" in German and Spanish)."""
    style = style or CsvStyle.for_reader()
    identity = _identity(patient)

    def row(entry: DiaryEntry) -> list:
        temps = list(entry.temperatures.all())
        reports = [r for r in entry.reports.all() if r.grade]
        highest = max((t.value_c for t in temps), default=None)
        return [
            *identity,
            entry.recorded_at.astimezone(patient.zone).isoformat(timespec="minutes"),
            entry.local_day.isoformat(),
            entry.get_reported_by_display(),
            "; ".join(_reading_text(t) for t in temps),
            local_number(highest) if highest is not None else "",
            "; ".join(
                f"{r.symptom.label}: {r.grade_words}" for r in reports if not r.symptom.is_red_flag
            ),
            "; ".join(
                _("%(symptom)s: yes, reported") % {"symptom": r.symptom.label}
                for r in reports
                if r.symptom.is_red_flag
            ),
            entry.heart_rate or "",
            entry.resp_rate or "",
            entry.spo2 or "",
            entry.systolic_bp or "",
            _yes_no(entry.antipyretic_6h),
            _safe(entry.planned_vaccine),
            # Live as VAC-LIVE reads it: the patient's tick, or a live vaccine named.
            _yes_no(vaccine_plan_is_live(entry.planned_vaccine, entry.planned_vaccine_live)),
            _yes_no(entry.feels_fine),
            _safe(entry.note),
            _advice_text(entry),
        ]

    entries = entries_of(patient).iterator(chunk_size=chunk_size)
    yield from style.lines(csv_header, (partial(row, entry) for entry in entries))


def alerts_csv_rows(patient: Patient, *, style: CsvStyle | None = None) -> Iterator[str]:
    """The team alerts and what was done about each: who acknowledged and resolved it, when,
    how, with the note, and the minutes to acknowledge (blank while it is not)."""
    style = style or CsvStyle.for_reader()
    identity = _identity(patient)
    zone = patient.zone
    symptoms = {s.code: s for s in Symptom.objects.all()}

    def when(moment) -> str:
        return moment.astimezone(zone).isoformat(timespec="minutes") if moment else ""

    def row(alert: Alert) -> list:
        waited = alert.acknowledged_at - alert.fired_at if alert.acknowledged_at else None
        with timezone.override(zone):
            values = _values_text(alert.why or {}, symptoms)
        return [
            *identity,
            when(alert.fired_at),
            alert.level,
            _safe(alert.title_words),
            _safe(values),
            _safe(alert.patient_words or ""),
            alert.get_status_display(),
            when(alert.acknowledged_at),
            _safe(_person(alert.acknowledged_by)) if alert.acknowledged_at else "",
            round(waited.total_seconds() / 60) if waited else "",
            when(alert.resolved_at),
            _safe(_person(alert.resolved_by)) if alert.resolved_at else "",
            alert.get_resolution_action_display() if alert.resolved_at else "",
            _safe(alert.resolution_note),
        ]

    alerts = (
        Alert.objects.filter(patient=patient, team_alert=True)
        .select_related("rule", "acknowledged_by", "resolved_by")
        .order_by("fired_at")
    )
    yield from style.lines(alerts_header, (partial(row, alert) for alert in alerts.iterator()))


def _reading_text(reading) -> str:
    text = f"{local_number(reading.value)} °{reading.unit}"
    if reading.unit != "C":
        text += f" ({local_number(reading.value_c)} °C)"
    return text + (" (" + _("re-measure") + ")" if reading.confirmed else "")


def _yes_no(value: bool) -> str:
    return str(_("Yes") if value else _("No"))


def _safe(text: str) -> str:
    """Stop a spreadsheet from running a patient's text as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# PDF summary ---------------------------------------------------------------------------

# DejaVu Sans ships in the repository (licence beside it): fpdf2's core fonts are Latin-1
# ("Łukasz" came out as "?ukasz") and a newcomer's machine may have no system fonts.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
# fpdf2 subsets the font with fontTools, which logs the glyphs used at INFO: the letters
# of a patient's name and notes must not reach the logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# ...and fpdf2 warns with the characters the font lacks: the page itself says so instead.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)
INK = (33, 37, 41)
MUTED = (95, 104, 112)
GRID = (222, 226, 230)
LINE_BLUE = (31, 95, 158)
ABOVE_RED = (176, 42, 55)
THRESHOLD_INK = (176, 42, 55)
LEVEL_INK = {"URGENT": (176, 42, 55), "CONTACT": (168, 96, 0), "WATCH": (31, 95, 158)}


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _day(value) -> str:
    return date_format(value, "j M Y")


def _moment(value: datetime, zone) -> str:
    return date_format(value.astimezone(zone), "j M Y H:i")


def _document(*, running_head: str, confidential: str) -> FPDF:
    """An empty summary document. fpdf2 takes about 0.4 s to import: load it only when a PDF
    is asked for, not in every process that imports the exports."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class SummaryPDF(FPDF):
        """A4 with the patient's identifiers on every page after the first, and a footer that
        says the page holds health data, with "page x of y"."""

        def __init__(self, *, running_head: str, confidential: str) -> None:
            super().__init__(format="A4")
            self.running_head = running_head
            self.confidential = confidential
            self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
            self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
            self.set_margins(15, 15, 15)
            self.set_auto_page_break(auto=True, margin=18)
            self.set_text_color(*INK)

        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, self.running_head, new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(*GRID)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(3)
            self.set_text_color(*INK)

        def footer(self) -> None:
            self.set_y(-13)
            self.set_font(FONT, "", 7)
            self.set_text_color(*MUTED)
            width = self.w - self.l_margin - self.r_margin
            pages = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
            pages_w = self.get_string_width(pages) + 4
            top = self.get_y()
            # The notice wraps (German is longer) rather than run into the page number.
            self.multi_cell(width - pages_w, 3, self.confidential, new_x="RIGHT", new_y="TOP")
            self.set_xy(self.l_margin + width - pages_w, top)
            self.cell(pages_w, 3, pages, align="R")
            self.set_text_color(*INK)

    pdf = SummaryPDF(running_head=running_head, confidential=confidential)
    pdf.headings_style = FontFace(emphasis="BOLD", fill_color=(241, 243, 245))
    return pdf


def summary_pdf(summary: Summary, *, reader_zone=None) -> bytes:
    """A pre-visit summary a doctor can file: identifiers, the temperature chart with the
    rules' warning lines, the symptoms by day, the team's alerts with who acted and what
    they did, and the injections: the same facts as the printable page, from the same
    `summary` (team.summary.summary_build). Times are in the reader's zone (`reader_zone`,
    the patient's without one); days are the patient's."""
    patient, history, generated_at = summary.patient, summary.history, summary.generated_at
    zone = reader_zone or patient.zone
    dob = _day(patient.date_of_birth) if patient.date_of_birth else _("not recorded")
    hospital_number = patient.hospital_number or _("not recorded")
    pdf = _document(
        running_head=_("%(name)s · ref %(ref)s · born %(dob)s · hospital no. %(number)s")
        % {
            "name": patient.display_name,
            "ref": patient.reference,
            "dob": dob,
            "number": hospital_number,
        },
        confidential=_(
            "Confidential: contains health data. Patient-reported diary; alerts follow written "
            "rules and are not a diagnosis."
        ),
    )
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, _("Symptom diary summary"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 7, patient.display_name, new_x="LMARGIN", new_y="NEXT")
    if _lacks_glyphs(pdf, patient.display_name):
        # DejaVu has no Chinese, Japanese or Korean: never let a name vanish silently.
        pdf.set_font(FONT, "B", 9)
        pdf.set_text_color(*ABOVE_RED)
        pdf.multi_cell(
            0,
            5,
            _(
                "This name has letters this PDF cannot show. Check the name in the diary "
                "under reference %(ref)s before filing."
            )
            % {"ref": patient.reference},
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)
    pdf.ln(1)
    days = history["day_list"]
    unit = history["unit"]
    identifiers = [
        (_("Reference"), patient.reference),
        (_("Date of birth"), dob),
        (_("Hospital number"), hospital_number),
        (_("Phone"), patient.phone or _("not recorded")),
        (_("Care team"), patient.team.name),
        (
            _("Period covered"),
            _("%(start)s – %(end)s (%(days)s days)")
            % {"days": history["days"], "start": _day(days[0]), "end": _day(days[-1])},
        ),
        (
            _("Generated at"),
            date_format(generated_at.astimezone(zone), "j M Y H:i T"),
        ),
        (
            _("Next dose"),
            _("dose %(number)s, due %(day)s") % {"number": due.number, "day": _day(due.due)}
            if (due := patient.next_dose_due())
            else _("none planned"),
        ),
        (
            _("Times shown in"),
            str(zone)
            if str(zone) == patient.timezone
            else _("%(zone)s (days are the patient's, in %(home)s)")
            % {"zone": zone, "home": patient.timezone},
        ),
        (_("Elevated-risk reasons"), ", ".join(summary.risk_reasons) or _("none")),
        (_("Hepatitis B risk"), summary.hbv_words),
    ]
    pdf.set_font(FONT, "", 9)
    half = width / 2
    # The labels as wide as the longest in the reader's language (German is long); two pairs
    # a row where both values fit their half, else a pair has the row to itself, and a value
    # longer than that wraps ("…unter dem Normalwert" ran into "Hepatitis-B-Risiko" before).
    label_w = min(
        half * 0.55, 3 + max(pdf.get_string_width(str(label)) for label, _v in identifiers)
    )

    def fits(pair) -> bool:
        return pdf.get_string_width(str(pair[1])) <= half - label_w - 3

    def draw(x: float, top: float, pair, value_w: float) -> float:
        pdf.set_xy(x, top)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_w, 5, _fit(pdf, str(pair[0]), label_w - 1))
        pdf.set_text_color(*INK)
        pdf.multi_cell(value_w, 5, str(pair[1]), align="L", new_x="LMARGIN", new_y="NEXT")
        return pdf.get_y()

    pending = list(identifiers)
    while pending:
        top = pdf.get_y()
        pair = pending.pop(0)
        if fits(pair) and pending and fits(pending[0]):
            bottom = draw(pdf.l_margin, top, pair, half - label_w - 2)
            bottom = max(bottom, draw(pdf.l_margin + half, top, pending.pop(0), half - label_w))
        else:
            bottom = draw(pdf.l_margin, top, pair, width - label_w)
        pdf.set_y(bottom)
    pdf.ln(2)

    def heading(title: str) -> None:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 8.5)

    heading(_("Temperature (°%(unit)s)") % {"unit": unit})
    _temperature_chart(pdf, summary)

    heat_rows = history["heat_rows"]
    if heat_rows:
        heading(_("Symptoms by day"))
        _symptom_chart(pdf, days, heat_rows)

    if summary.lab_charts:
        heading(_("Immunoglobulins (g/L)"))
        for chart in summary.lab_charts:
            _ig_chart(pdf, chart)

    heading(_("Team alerts"))
    team_alerts = summary.team_alerts
    if not team_alerts:
        pdf.cell(0, 5, _("None in this period."), new_x="LMARGIN", new_y="NEXT")
    symptoms = {s.code: s for s in Symptom.objects.all()} if team_alerts else {}
    # The values' times in the patient's zone, as every other time on the page.
    with timezone.override(zone):
        for alert in team_alerts:
            _alert_block(pdf, alert, zone, symptoms)

    heading(_("Days (highest temperature, symptoms and how bad)"))
    rows = history["rows"]
    warning = {row.label for row in heat_rows if row.warning_sign}
    if not rows:
        pdf.cell(0, 5, _("No entries in this period."), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*GRID)
        with pdf.table(
            cell_fill_color=None,
            col_widths=(24, 30, 78, 48),
            text_align="LEFT",
            line_height=4.5,
            headings_style=pdf.headings_style,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row(
                [_("Day"), _("Highest temperature"), _("Symptoms (how bad)"), _("Warning signs")]
            )
            for row in rows:
                graded = [s for s in row["symptoms"] if s["label"] not in warning]
                flags = [s["label"] for s in row["symptoms"] if s["label"] in warning]
                table.row(
                    [
                        date_format(row["day"], "D j M"),
                        _temperature_text(row),
                        ", ".join(f"{s['label']} ({str(s['words']).lower()})" for s in graded)
                        or "—",
                        "; ".join(_("%(symptom)s: yes, reported") % {"symptom": f} for f in flags)
                        or "—",
                    ]
                )

    heading(_("Injections"))
    injections = history["injections"]
    if not injections:
        pdf.cell(0, 5, _("None logged in this period."), new_x="LMARGIN", new_y="NEXT")
    for injection in injections:
        pdf.cell(
            0,
            5,
            _("%(when)s — dose %(dose)s (%(site)s)")
            % {
                "when": _moment(injection.given_at, zone),
                "dose": injection.dose_number or "?",
                "site": injection.get_site_display() or _("site not recorded"),
            },
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def _lacks_glyphs(pdf: FPDF, text: str) -> bool:
    """True if the current font cannot draw some character of `text`."""
    cmap = pdf.current_font.cmap
    return any(ord(c) not in cmap for c in text if not c.isspace())


def _temperature_text(row: dict) -> str:
    """One unit, the team's °C, with the patient's °F in brackets: "38.4 °C (101.1 °F)"."""
    if row["max_c"] is None:
        return "—"
    text = f"{local_number(row['max_c'])} °C"
    return f"{text} ({row['patient_unit']})" if row["patient_unit"] else text


def _temperature_chart(pdf: FPDF, summary: Summary):
    """Readings as a line with points, the warning lines dashed, injections dotted: the
    summary's series (the page's chart draws the same)."""
    history, unit, thresholds = summary.history, summary.unit, summary.thresholds
    days = history["days"]
    points = [(p.day_index, p.value, p.value_c) for p in summary.points]
    lines = summary.lines
    axis = temperature_axis([p[1] for p in points] + [v for v, _t in lines], unit)
    left, top = pdf.l_margin + 16, pdf.get_y() + 2
    plot_w, plot_h = pdf.w - pdf.r_margin - left - 34, 52
    low, high = float(axis.low), float(axis.high)

    def x(day_index: float) -> float:
        return left + plot_w * day_index / days

    def y(value) -> float:
        return top + plot_h * (high - float(value)) / (high - low)

    pdf.set_line_width(0.2)
    pdf.set_font(FONT, "", 6.5)
    ticks = axis.ticks
    every = max(1, len(ticks) // 8)
    for i, tick in enumerate(ticks):
        pdf.set_draw_color(*GRID)
        pdf.line(left, y(tick), left + plot_w, y(tick))
        if i % every == 0:
            pdf.set_text_color(*MUTED)
            pdf.set_xy(pdf.l_margin, y(tick) - 2)
            pdf.cell(15, 4, f"{axis.label(tick)} °{unit}", align="R")
    step = 1 if days <= 7 else 7 if days <= 31 else 14
    for back in range(0, days, step):
        index = days - 1 - back
        pdf.set_draw_color(*GRID)
        pdf.line(x(index + 0.5), top + plot_h, x(index + 0.5), top + plot_h + 1)
        pdf.set_xy(x(index + 0.5) - 8, top + plot_h + 1)
        pdf.cell(16, 4, date_format(history["day_list"][index], "j M"), align="C")
    pdf.set_draw_color(*MUTED)
    pdf.rect(left, top, plot_w, plot_h)

    for at in history["injection_at"]:
        pdf.set_draw_color(*MUTED)
        pdf.set_dash_pattern(dash=0.4, gap=0.8)
        pdf.line(x(at), top, x(at), top + plot_h)
        pdf.set_dash_pattern()
        pdf.set_xy(x(at) - 8, top - 3.5)
        pdf.cell(16, 3.5, _("injection"), align="C")

    pdf.set_text_color(*THRESHOLD_INK)
    for value, threshold in lines:
        pdf.set_draw_color(*THRESHOLD_INK)
        pdf.set_dash_pattern(dash=1.6, gap=1.0)
        pdf.line(left, y(value), left + plot_w, y(value))
        pdf.set_dash_pattern()
        pdf.set_xy(left + plot_w + 1, y(value) - 2)
        pdf.cell(33, 4, f"{local_number(value)} °{unit} {threshold.label}")

    lowest = min((t.value_c for t in thresholds), default=None)
    pdf.set_draw_color(*LINE_BLUE)
    pdf.set_line_width(0.35)
    for (a, va, _c), (b, vb, _d) in zip(points, points[1:], strict=False):
        pdf.line(x(a), y(va), x(b), y(vb))
    for at, value, value_c in points:
        colour = ABOVE_RED if lowest is not None and value_c >= lowest else LINE_BLUE
        pdf.set_fill_color(*colour)
        pdf.circle(x(at), y(value), 0.8, style="F")
    pdf.set_line_width(0.2)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(pdf.l_margin, top + plot_h + 5)
    if not points:
        pdf.cell(0, 4, _("No temperatures recorded in this period."))
    else:
        pdf.cell(
            0,
            4,
            _(
                "%(count)s readings; red: at or above a warning line. Dashed red lines: the "
                "rules' current warning thresholds; dotted lines: injections."
            )
            % {"count": len(points)},
        )
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, top + plot_h + 10)


def _ig_chart(pdf: FPDF, chart: lab_charts.IgChart) -> None:
    """One immunoglobulin as the team's page draws it (team/lab_charts.py, the same values):
    the results joined in date order, the lower limit solid, the review level dashed, a
    result below its lower limit a diamond, the doses as triangles under the axis; then the
    values in words."""
    plot_h = 30
    if pdf.get_y() > pdf.h - (plot_h + 45):
        pdf.add_page()
    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 5, chart.test, new_x="LMARGIN", new_y="NEXT")
    left, top = pdf.l_margin + 12, pdf.get_y() + 4
    label_w = 26  # mm right of the plot for the lines' labels
    plot_w = pdf.w - pdf.r_margin - left - label_w
    bottom = top + plot_h

    def x(day) -> float:
        return left + plot_w * chart.x(day)

    def y(value) -> float:
        return top + plot_h * chart.y(value)

    pdf.set_line_width(0.2)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_text_color(*MUTED)
    for tick in chart.ticks:
        pdf.set_draw_color(*GRID)
        pdf.line(left, y(tick), left + plot_w, y(tick))
        pdf.set_xy(pdf.l_margin, y(tick) - 2)
        pdf.cell(11, 4, local_number(tick) if tick else "0", align="R")
    pdf.set_xy(pdf.l_margin, top - 5)
    pdf.cell(11, 4, chart.unit, align="R")
    pdf.set_draw_color(*MUTED)
    pdf.line(left, bottom, left + plot_w, bottom)
    for day in chart.date_ticks():
        pdf.line(x(day), bottom, x(day), bottom + 1)
        pdf.set_xy(x(day) - 12, bottom + 3.2)
        pdf.cell(24, 3.5, chart.date_label(day), align="C")

    # The lines, labelled right of the plot (name over value), close labels moved apart.
    lines = []
    if chart.lln is not None:
        lines.append(
            (
                chart.lln,
                lab_charts.LLN_INK,
                False,
                lab_charts.lln_name(),
                lab_charts.lln_value(chart),
            )
        )
    if chart.review is not None:
        lines.append(
            (
                chart.review,
                lab_charts.REVIEW_INK,
                True,
                lab_charts.review_name(),
                lab_charts.review_value(chart),
            )
        )
    wanted = [y(value) for value, *_rest in lines]
    placed = spread_labels(wanted, gap=7, low=top - 2, high=bottom + 2)
    for (_value, ink, dashed, name, shown), at, centre in zip(lines, wanted, placed, strict=True):
        pdf.set_draw_color(*_rgb(ink))
        pdf.set_text_color(*_rgb(ink))
        pdf.set_line_width(0.45)
        if dashed:
            pdf.set_dash_pattern(dash=1.6, gap=1.0)
        pdf.line(left, at, left + plot_w, at)
        pdf.set_dash_pattern()
        pdf.set_line_width(0.2)
        pdf.line(left + plot_w, at, left + plot_w + 1, centre)
        pdf.set_font(FONT, "", 6.5)
        pdf.set_xy(left + plot_w + 1.5, centre - 3.3)
        pdf.cell(label_w, 3.3, name)
        pdf.set_font(FONT, "B", 6.5)
        pdf.set_xy(left + plot_w + 1.5, centre)
        pdf.cell(label_w, 3.3, shown)

    pdf.set_fill_color(*_rgb(lab_charts.INJECTION))
    for day in chart.shown_doses:
        at = x(day)
        pdf.polygon([(at, bottom + 0.3), (at + 1, bottom + 2.1), (at - 1, bottom + 2.1)], style="F")
    pdf.set_draw_color(*LINE_BLUE)
    pdf.set_line_width(0.35)
    for a, b in zip(chart.points, chart.points[1:], strict=False):
        pdf.line(x(a.collected), y(a.value), x(b.collected), y(b.value))
    for point in chart.points:
        px, py = x(point.collected), y(point.value)
        if point.low:
            pdf.set_fill_color(*_rgb(lab_charts.LOW_INK))
            pdf.polygon([(px, py - 1.4), (px + 1.4, py), (px, py + 1.4), (px - 1.4, py)], style="F")
        else:
            pdf.set_fill_color(*LINE_BLUE)
            pdf.circle(px, py, 0.9, style="F")
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)

    # In words: the lines and every value, newest first (the chart's table on the page).
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin, bottom + 7.5)
    lines = [lab_charts.lln_words(chart)] if chart.lln is not None else []
    if chart.review is not None:
        lines.append(lab_charts.review_words(chart))
    values = "; ".join(
        f"{_day(p.collected)}: {lab_charts.value_words(p, chart.unit)}"
        + (" — " + _("below the lower limit") if p.low else "")
        for p in reversed(chart.points)
    )
    words = _("Results, newest first: %(values)s.") % {"values": values}
    if lines:
        words = _("Lines: %(lines)s.") % {"lines": "; ".join(lines)} + " " + words
    if any(p.low for p in chart.points):
        words += " " + _("Diamonds: results below their lower limit.")
    if chart.shown_doses:
        words += " " + _("Triangles under the axis: doses.")
    pdf.multi_cell(0, 3.8, words, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _symptom_chart(pdf: FPDF, day_list: list, heat_rows) -> None:
    """One strip of days per symptom, shaded by its highest grade that day."""
    days = len(day_list)
    pdf.set_font(FONT, "", 7)
    # As wide as the longest label in the reader's language, within reason: German labels
    # were cut ("Schmerzen oder Brennen beim Wasse…") at a fixed 52 mm.
    longest = max(
        (
            pdf.get_string_width(
                r.label + (" (" + _("warning sign") + ")" if r.warning_sign else "")
            )
            for r in heat_rows
        ),
        default=0,
    )
    label_w = min(80, max(52, longest + 3))
    left = pdf.l_margin + label_w
    cell_w = (pdf.w - pdf.r_margin - left) / days
    cell_h = 3.6
    for row in heat_rows:
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
        y = pdf.get_y()
        label = row.label + (" (" + _("warning sign") + ")" if row.warning_sign else "")
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 1, cell_h, _fit(pdf, label, label_w - 2))
        for i, grade in enumerate(row.grades):
            if grade == 0:
                fill = _rgb(GRADE_FILL[0])
            elif row.warning_sign:
                fill = _rgb(WARNING_FILL)
            elif row.yes_no:
                fill = _rgb(YES_FILL)
            else:
                fill = _rgb(GRADE_FILL[min(grade, 4)])
            pdf.set_fill_color(*fill)
            pdf.rect(left + i * cell_w + 0.15, y + 0.3, cell_w - 0.3, cell_h - 0.6, style="F")
        pdf.set_y(y + cell_h)
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*MUTED)
    step = 1 if days <= 7 else 7 if days <= 31 else 14
    y = pdf.get_y()
    for back in range(0, days, step):
        index = days - 1 - back
        pdf.set_xy(left + (index + 0.5) * cell_w - 8, y)
        pdf.cell(16, 3.5, date_format(day_list[index], "j M"), align="C")
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin, y + 3.5)
    pdf.ln(1.5)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_x(left)
    for grade in range(1, 5):
        pdf.set_fill_color(*_rgb(GRADE_FILL[grade]))
        pdf.rect(pdf.get_x(), pdf.get_y() + 0.8, 3, 2.4, style="F")
        pdf.set_x(pdf.get_x() + 3.5)
        pdf.cell(pdf.get_string_width(str(GRADE_LABELS[grade])) + 3, 4, str(GRADE_LABELS[grade]))
    for colour, words in ((YES_FILL, _("Yes")), (WARNING_FILL, _("Warning sign reported"))):
        pdf.set_fill_color(*_rgb(colour))
        pdf.rect(pdf.get_x(), pdf.get_y() + 0.8, 3, 2.4, style="F")
        pdf.set_x(pdf.get_x() + 3.5)
        pdf.cell(pdf.get_string_width(words) + 3, 4, words)
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(5)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _alert_block(pdf: FPDF, alert: Alert, zone, symptoms: dict[str, Symptom]) -> None:
    """One team alert: level, the rule, the values, what the patient was told, and who
    acknowledged and resolved it, when, how, with the note."""
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(*LEVEL_INK.get(alert.level, INK))
    pdf.cell(22, 5, alert.level)
    pdf.set_text_color(*INK)
    title = alert.title_words
    pdf.multi_cell(
        width - 22,
        5,
        f"{title} — {_moment(alert.fired_at, zone)}",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FONT, "", 8.5)

    # The labels' column fits the longest of them in the reader's language.
    labels = (_("Values"), _("Patient was told"), _("Acknowledged"), _("Resolved"))
    label_w = max(30, 3 + max(pdf.get_string_width(words) for words in labels))

    def line(label: str, value: str) -> None:
        pdf.set_x(pdf.l_margin + 22)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_w, 4.5, label)
        pdf.set_text_color(*INK)
        pdf.multi_cell(width - 22 - label_w, 4.5, value, align="L", new_x="LMARGIN", new_y="NEXT")

    if values := _values_text(alert.why or {}, symptoms):
        line(_("Values"), values)
    line(_("Patient was told"), alert.patient_words or "—")
    if alert.acknowledged_at:
        line(
            _("Acknowledged"),
            _("by %(who)s at %(when)s")
            % {"who": _person(alert.acknowledged_by), "when": _moment(alert.acknowledged_at, zone)},
        )
    else:
        line(_("Acknowledged"), _("not yet"))
    if alert.resolved_at:
        line(
            _("Resolved"),
            _("by %(who)s at %(when)s: %(action)s")
            % {
                "who": _person(alert.resolved_by),
                "when": _moment(alert.resolved_at, zone),
                "action": alert.get_resolution_action_display() or _("no action recorded"),
            },
        )
        line(_("Resolution note"), alert.resolution_note or "—")
    else:
        line(_("Status"), str(alert.get_status_display()))
    pdf.ln(1.5)


def _values_text(why: dict, symptoms: dict[str, Symptom]) -> str:
    """What the patient reported that fired the rule, in words and units: "38.4 °C at…",
    "Chills or shivering: Moderate", "Feeling you might die: yes, reported". The rule's
    own thresholds are left out: the title says what the rule is."""

    def label(code: str) -> str:
        return symptoms[code].label if code in symptoms else code.replace("_", " ")

    def words(code: str, grade) -> str:
        if isinstance(grade, dict) and {"from", "to"} <= grade.keys():
            return f"{words(code, grade['from'])} → {words(code, grade['to'])}"
        if not isinstance(grade, int):
            return describe(grade)
        if grade == 0:
            return str(GRADE_LABELS[0])
        return symptoms[code].grade_words(grade) if code in symptoms else str(grade)

    parts = []
    for key, value in why.items():
        if key == "thresholds":
            continue
        if key == "symptoms" and isinstance(value, dict):
            parts.append(", ".join(f"{label(c)}: {words(c, g)}" for c, g in value.items()))
        elif key == "red_flags" and isinstance(value, (list, tuple)):
            parts.append(
                "; ".join(_("%(symptom)s: yes, reported") % {"symptom": label(c)} for c in value)
            )
        elif key == "readings":
            parts.append(describe(value))
        else:
            parts.append(f"{_name(key)}: {describe(value)}")
    return "; ".join(p for p in parts if p)


def _person(user) -> str:
    if user is None:
        return _("a former team member")
    return user.get_full_name() or user.username
