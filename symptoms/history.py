"""A patient's recent diary as charts and day rows: shared by the patient's history page
and the clinician's patient page. A fixed number of queries whatever the number of days."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Prefetch

from patients.models import Patient
from symptoms import charts
from symptoms.models import DiaryEntry, Symptom, SymptomReport
from symptoms.readings import from_celsius

HISTORY_DAYS = (7, 30, 90)
# The temperature chart draws at most this many readings a day: on a busy day, the highest,
# the lowest and others spread over the day (the chart's size never grows with a flood).
POINTS_PER_DAY = 12


def history_days(raw: str | None, default: int = 30) -> int:
    try:
        days = int(raw or default)
    except ValueError:
        return default
    return days if days in HISTORY_DAYS else default


def build_history(
    patient: Patient,
    *,
    days: int,
    unit: str,
    thresholds: list[charts.Threshold],
    now: datetime | None = None,
) -> dict:
    """The last `days` days, ending today in the patient's zone. `thresholds`: the warning
    lines, from the rules as the admin last saved them."""
    today_local = patient.today(now=now)
    start = today_local - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, tzinfo=patient.zone)
    entries = list(
        DiaryEntry.objects.for_patient(patient)
        .since(since)
        .prefetch_related(
            "temperatures",
            Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
        )
        .order_by("recorded_at")
    )
    injections = list(patient.injections.filter(given_at__gte=since).order_by("given_at"))

    def offset(at) -> float:
        local = at.astimezone(patient.zone)
        return (local.date() - start).days + (local.hour * 60 + local.minute) / 1440

    points, day_rows = [], {}
    grades_by_symptom: dict[Symptom, dict] = defaultdict(dict)
    for entry in entries:
        row = day_rows.setdefault(
            entry.local_day, {"day": entry.local_day, "max_c": None, "flagged": {}}
        )
        for reading in entry.temperatures.all():
            at = offset(reading.measured_at)
            # A back-dated reading can be older than the period's first day.
            if 0 <= at < days:
                points.append(charts.Point(at, _shown(reading, unit), reading.value_c))
            if row["max_c"] is None or reading.value_c > row["max_c"]:
                row["max_c"] = reading.value_c
                row["max_shown"] = _shown(reading, unit)
        for report in entry.reports.all():
            if report.grade:
                code_day = grades_by_symptom[report.symptom]
                code_day[entry.local_day] = max(code_day.get(entry.local_day, 0), report.grade)
                row["flagged"][report.symptom.label] = max(
                    row["flagged"].get(report.symptom.label, 0), report.grade
                )
                row.setdefault("kinds", {})[report.symptom.label] = report.symptom
    for row in day_rows.values():
        row.setdefault("max_shown", None)
        kinds = row.pop("kinds", {})
        row["symptoms"] = [
            {"label": label, "grade": grade, "words": kinds[label].grade_after_name(grade)}
            for label, grade in row["flagged"].items()
        ]
    points.sort(key=lambda point: point.day_index)
    injection_at = [offset(i.given_at) for i in injections]
    day_list = [start + timedelta(days=i) for i in range(days)]
    heat_rows = [
        charts.HeatRow(
            label=symptom.label,
            grades=[by_day.get(d, 0) for d in day_list],
            yes_no=symptom.kind == Symptom.Kind.FLAG,
            warning_sign=symptom.is_red_flag,
        )
        for symptom, by_day in sorted(grades_by_symptom.items(), key=lambda kv: kv[0].order)
    ]
    return {
        "days": days,
        "unit": unit,
        "entries": entries,
        "rows": sorted(day_rows.values(), key=lambda r: r["day"], reverse=True),
        "temperature_svg": charts.temperature_chart(
            start=start,
            days=days,
            points=thinned(points),
            readings=len(points),
            injections=injection_at,
            unit=unit,
            thresholds=thresholds,
        ),
        "thresholds": [from_celsius(t.value_c, unit) for t in thresholds],
        "heatmap_svg": charts.heatmap(days=day_list, rows=heat_rows) if heat_rows else "",
        "heat_rows": heat_rows,
        "day_list": day_list,
        "injections": injections,
        # The chart's series, unthinned (the PDF draws every reading), and the injections'
        # places on it: day indices since the first day.
        "points": points,
        "injection_at": injection_at,
        "since": since,
    }


def thinned(points: list[charts.Point]) -> list[charts.Point]:
    """At most POINTS_PER_DAY points a day: always the day's highest, lowest and latest,
    and others spread over the day."""
    by_day: dict[int, list[charts.Point]] = defaultdict(list)
    for point in points:
        by_day[int(point.day_index)].append(point)
    kept: list[charts.Point] = []
    for day in by_day.values():
        if len(day) <= POINTS_PER_DAY:
            kept.extend(day)
            continue
        day.sort(key=lambda p: p.day_index)
        always = list(
            dict.fromkeys(
                [max(day, key=lambda p: p.value), min(day, key=lambda p: p.value), day[-1]]
            )
        )
        others = [p for p in day if p not in always]
        room = POINTS_PER_DAY - len(always)
        if len(others) > room:  # evenly spread: distinct indices, first to last
            others = [others[i * (len(others) - 1) // (room - 1)] for i in range(room)]
        kept.extend(always + others)
    return sorted(kept, key=lambda p: p.day_index)


def _shown(reading, unit: str):
    """A reading in the display unit: as the patient typed it when the units agree (100.3 °F,
    not 100.2 °F back from its 37.9 °C)."""
    return reading.value if reading.unit == unit else from_celsius(reading.value_c, unit)
