"""The engine's inputs from the rows: the only place that turns an entry, its history and
the patient's profile into the pure evaluator's inputs (evaluation_input, plain_entries).
Recording an entry's outcome is alerts/care/recording.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, QuerySet

from alerts import rules
from alerts.care.models import Alert, Quieting
from alerts.ruleset.loading import rule_configs
from patients.models import Patient
from symptoms.models import DiaryEntry, SymptomReport, TemperatureReading
from symptoms.services import VITALS

logger = logging.getLogger(__name__)


# How far back the evaluator looks (consecutive-day rules, W48/7-day windows, dedup).
HISTORY_WINDOW = timedelta(days=rules.HISTORY_DAYS)


# An entry's readings and reports, with each report's symptom joined (two queries).
ENTRY_PARTS = (
    "temperatures",
    Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
)


def _profile(patient: Patient) -> rules.Profile:
    return rules.Profile(
        timezone=patient.timezone,
        elevated_risk=patient.elevated_risk,
        hbv_risk=patient.hbv_in_force,
        enrolled_at=patient.enrolled_at,
        first_dose_at=patient.first_dose_at,
        resumed_at=patient.paused_until,
    )


def patient_quiets(patient: Patient, *, at: datetime) -> tuple[rules.Quiet, ...]:
    """The team's quiets for the patient in force at `at` (one query)."""
    return tuple(Quieting.objects.filter(patient=patient).as_rules(at).get(patient.pk, ()))


# What the evaluator reads of an entry row and of its temperature rows (plain_entries).
ENTRY_FIELDS = (
    "id",
    "recorded_at",
    *(name for vital in VITALS for name in (vital, f"{vital}_confirmed")),
    "antipyretic_6h",
    "planned_vaccine_live",
    "planned_vaccine",
    "reported_by",
)


TEMPERATURE_FIELDS = ("value", "unit", "measured_at", "confirmed", "site")


def _entry_input(entry: DiaryEntry) -> rules.Entry:
    """Plain values of an entry whose temperatures and reports are prefetched."""
    return _plain_entry(
        entry,
        entry.temperatures.all(),
        ((r.symptom.code, r.symptom.is_red_flag, r.grade) for r in entry.reports.all()),
    )


def _plain_entry(entry, temperatures, reports) -> rules.Entry:
    """The evaluator's entry from anything with ENTRY_FIELDS as attributes (a DiaryEntry
    or a row), its temperatures (TEMPERATURE_FIELDS as attributes) in order of measure,
    and its reports as (code, is_red_flag, grade)."""
    symptoms: dict[str, int] = {}
    red_flags: set[str] = set()
    for code, is_red_flag, grade in reports:
        if not grade:
            continue
        if is_red_flag:
            red_flags.add(code)
        else:
            symptoms[code] = grade
    vitals = {
        name: rules.Vital(value=value, confirmed=getattr(entry, f"{name}_confirmed"))
        for name in VITALS
        if (value := getattr(entry, name)) is not None
    }
    return rules.Entry(
        id=entry.id,
        at=entry.recorded_at,
        temperatures=tuple(
            rules.Temperature(
                value=t.value, unit=t.unit, at=t.measured_at, confirmed=t.confirmed, site=t.site
            )
            for t in temperatures
        ),
        symptoms=symptoms,
        red_flags=frozenset(red_flags),
        vitals=vitals,
        antipyretic_6h=entry.antipyretic_6h,
        planned_vaccine_live=entry.planned_vaccine_live,
        planned_vaccine=entry.planned_vaccine,
        reported_by=entry.reported_by,
    )


def plain_entries(
    entries: QuerySet[DiaryEntry], *, batch: int
) -> Iterator[list[tuple[int, rules.Entry]]]:
    """`entries` as the evaluator's entries with their patient's id, each patient's in time
    order, in lists of `batch` (what a replay of a clinic's months reads; _entry_input
    gives the same per entry).

    Three queries in all, whatever the number: the entries, their readings and their
    reports, each streamed in the same order and merged, and no model instances.
    """
    order = ("patient_id", "recorded_at", "pk")
    rows = entries.order_by(*order).values_list("patient_id", *ENTRY_FIELDS, named=True)
    of_entries = entries.order_by().values("pk")
    by_entry = ("entry__patient_id", "entry__recorded_at", "entry_id")
    temperatures = _Merged(
        TemperatureReading.objects.filter(entry__in=of_entries)
        .order_by(*by_entry, "measured_at", "pk")
        .values_list(*by_entry, *TEMPERATURE_FIELDS, named=True),
        batch,
    )
    reports = _Merged(
        SymptomReport.objects.filter(entry__in=of_entries)
        .order_by(*by_entry)
        .values_list(*by_entry, "symptom__code", "symptom__is_red_flag", "grade"),
        batch,
    )
    chunk: list[tuple[int, rules.Entry]] = []
    for row in rows.iterator(chunk_size=batch):
        key = (row.patient_id, row.recorded_at, row.id)
        chunk.append(
            (
                row.patient_id,
                _plain_entry(row, temperatures.take(key), (r[3:] for r in reports.take(key))),
            )
        )
        if len(chunk) == batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Merged:
    """Rows in the entries' order, taken entry by entry: those of an entry that is not
    among them (written while the stream ran) are passed over."""

    def __init__(self, rows: QuerySet, batch: int) -> None:
        self.rows = rows.iterator(chunk_size=batch)
        self.next = next(self.rows, None)

    def take(self, key: tuple) -> list:
        taken = []
        while self.next is not None and tuple(self.next[:3]) <= key:
            if tuple(self.next[:3]) == key:
                taken.append(self.next)
            self.next = next(self.rows, None)
        return taken


class _Reading:
    """One temperature of a history row (TEMPERATURE_FIELDS as attributes)."""

    __slots__ = TEMPERATURE_FIELDS

    def __init__(self, *values) -> None:
        for name, value in zip(TEMPERATURE_FIELDS, values, strict=True):
            setattr(self, name, value)


def plain_history(entries: QuerySet[DiaryEntry]) -> list[rules.Entry]:
    """`entries` as the evaluator's entries, in the queryset's order, in one query: each
    entry row carries its readings and reports as arrays (typed by PostgreSQL, so a reading
    is the Decimal and the instant it was saved as). _entry_input gives the same for an
    entry whose parts are prefetched."""
    readings = TemperatureReading.objects.order_by("measured_at", "pk")
    reports = SymptomReport.objects.order_by("pk")
    arrays = {
        **{f"t_{name}": _array(readings, name) for name in TEMPERATURE_FIELDS},
        "r_code": _array(reports, "symptom__code"),
        "r_red_flag": _array(reports, "symptom__is_red_flag"),
        "r_grade": _array(reports, "grade"),
    }
    rows = entries.annotate(**arrays).values_list(*ENTRY_FIELDS, *arrays, named=True)
    return [
        _plain_entry(
            row,
            [
                _Reading(*values)
                for values in zip(
                    *(getattr(row, f"t_{n}") for n in TEMPERATURE_FIELDS), strict=True
                )
            ],
            zip(row.r_code, row.r_red_flag, row.r_grade, strict=True),
        )
        for row in rows
    ]


def _array(rows: QuerySet, name: str) -> ArraySubquery:
    """The values of `name` of an entry's `rows`, in their order, as one array."""
    return ArraySubquery(rows.filter(entry=OuterRef("pk")).values(name))


def _prior_alert(alert: Alert) -> rules.PriorAlert:
    return rules.PriorAlert(
        rule_id=alert.rule.rule_id,
        level=alert.level,
        at=alert.fired_at,
        entry_id=alert.entry_id,
        episode_key=alert.episode_key,
        team_alert=alert.team_alert,
        detail=alert.why,
        resolved_at=alert.resolved_at,
    )


def evaluation_input(entry: DiaryEntry, *, configs=None) -> rules.EvaluationInput:
    """Gather everything the pure evaluator needs for one entry (a fixed number of queries).
    The entry's readings and reports are read with its history: `entry` needs only its
    saved row's key, time and patient."""
    patient = entry.patient
    since = entry.recorded_at - HISTORY_WINDOW
    # The entry itself comes with its history, in the same query.
    earlier = plain_history(
        DiaryEntry.objects.for_patient(patient)
        .since(since)
        .filter(recorded_at__lte=entry.recorded_at)
        .order_by("recorded_at", "pk")
    )
    this = next((e for e in earlier if e.id == entry.pk), None) or _entry_input(entry)
    history = [e for e in earlier if (e.at, e.id) < (entry.recorded_at, entry.pk)]
    if not history:
        # The immediately previous entry, however old ("worsening" compares with it).
        history = plain_history(
            DiaryEntry.objects.for_patient(patient)
            .filter(recorded_at__lt=since)
            .order_by("-recorded_at", "-pk")[:1]
        )
    recent_alerts = (
        Alert.objects.filter(patient=patient, fired_at__gte=since, fired_at__lte=entry.recorded_at)
        .exclude(entry=entry)
        .select_related("rule")
        .order_by("fired_at", "pk")
    )
    prior = [_prior_alert(a) for a in recent_alerts]
    configs = configs if configs is not None else rule_configs()
    profile = _profile(patient)
    injections = tuple(
        rules.Injection(at=i.given_at, dose=i.dose_number)
        for i in patient.injections.filter(given_at__lte=entry.recorded_at).order_by("given_at")
    )
    due = rules.dose_due_soon(profile, injections, as_of=entry.recorded_at, rules=configs)
    if due is not None:
        # The team is told once per dose, however long ago (a dose overdue for weeks).
        older = Alert.objects.filter(
            patient=patient,
            rule__rule_id="INJ-DUE-INF",
            episode_key=rules.pre_dose_key(due),
            fired_at__lt=since,
        ).select_related("rule")
        prior = [_prior_alert(a) for a in older] + prior
    quiets = patient_quiets(patient, at=entry.recorded_at)
    return rules.EvaluationInput(
        profile=profile,
        injections=injections,
        entry=this,
        history=tuple(history),
        prior_alerts=tuple(sorted(prior, key=lambda a: a.at)),
        rules=configs,
        quiets=quiets,
    )


def recorded_alerts(entry: rules.Entry, evaluation: rules.Evaluation) -> list[rules.PriorAlert]:
    """The alerts recorded for this evaluation, as the next entry's evaluation sees them
    (the what-if's replay)."""
    team = set(evaluation.team_alerts)
    return [
        rules.PriorAlert(
            rule_id=f.rule_id,
            level=f.level,
            at=entry.at,
            entry_id=entry.id,
            episode_key=f.episode_key,
            team_alert=f.rule_id in team,
            detail=f.why,
        )
        for f in evaluation.fired
    ]


def load_entry(entry_id: int) -> DiaryEntry | None:
    """The entry with its patient, team, readings and reports (three queries)."""
    return (
        DiaryEntry.objects.select_related("patient__team", "patient__user")
        .prefetch_related(*ENTRY_PARTS)
        .filter(pk=entry_id)
        .first()
    )
