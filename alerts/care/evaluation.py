"""The engine's inputs from the rows: the only place that turns an entry, its history and
the patient's profile into the pure evaluator's inputs (evaluation_input, plain_entries).
Recording an entry's outcome is alerts/care/recording.py.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, JSONObject

from alerts import rules
from alerts.care.models import Alert, Quieting
from alerts.ruleset.loading import rule_configs
from diary_core.instants import EpochMicroseconds, instant
from diary_core.prepared import Prepared
from patients.models import Injection, Patient
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


def _plain_entry(entry, temperatures, reports, *, at: datetime | None = None) -> rules.Entry:
    """The evaluator's entry from anything with ENTRY_FIELDS as attributes (a DiaryEntry
    or a row; `at`, when given, stands for its recorded_at), its temperatures
    (TEMPERATURE_FIELDS as attributes) in order of measure, and its reports as (code,
    is_red_flag, grade)."""
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
        at=entry.recorded_at if at is None else at,
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
        reported_by=str(entry.reported_by),  # a just-written entry's is the choice member
    )


def plain_entries(
    entries: QuerySet[DiaryEntry], *, batch: int
) -> Iterator[list[tuple[int, rules.Entry]]]:
    """`entries` as the evaluator's entries with their patient's id, each patient's in time
    order, in lists of `batch` (what a replay of a clinic's months reads; _entry_input
    gives the same per entry).

    Three queries in all, whatever the number: the entries, their readings and their
    reports, each streamed in the same order and merged, and no model instances. Times
    come as integers (diary_core.instants): four or more a replayed entry, which psycopg
    would otherwise parse in Python.
    """
    order = ("patient_id", "recorded_at", "pk")
    at = EpochMicroseconds("recorded_at")
    fields = [name for name in ENTRY_FIELDS if name != "recorded_at"]
    rows = (
        entries.order_by(*order)
        .annotate(at_us=at)
        .values_list("patient_id", "at_us", *fields, named=True)
    )
    of_entries = entries.order_by().values("pk")
    by_entry = ("entry__patient_id", "entry__recorded_at", "entry_id")
    keys = {"e_patient": F("entry__patient_id"), "e_at": EpochMicroseconds("entry__recorded_at")}
    temperatures = _Merged(
        TemperatureReading.objects.filter(entry__in=of_entries)
        .order_by(*by_entry, "measured_at", "pk")
        .annotate(**keys, measured_us=EpochMicroseconds("measured_at"))
        .values_list(
            "e_patient", "e_at", "entry_id", "value", "unit", "measured_us", "confirmed", "site"
        ),
        batch,
    )
    reports = _Merged(
        SymptomReport.objects.filter(entry__in=of_entries)
        .order_by(*by_entry)
        .annotate(**keys)
        .values_list(
            "e_patient", "e_at", "entry_id", "symptom__code", "symptom__is_red_flag", "grade"
        ),
        batch,
    )
    chunk: list[tuple[int, rules.Entry]] = []
    for row in rows.iterator(chunk_size=batch):
        key = (row.patient_id, row.at_us, row.id)
        readings = [
            _Reading(value, unit, instant(measured), confirmed, site)
            for *_key, value, unit, measured, confirmed, site in temperatures.take(key)
        ]
        chunk.append(
            (
                row.patient_id,
                _plain_entry(
                    row, readings, (r[3:] for r in reports.take(key)), at=instant(row.at_us)
                ),
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


# What the evaluator reads of an earlier alert (rules.PriorAlert), besides its rule's id.
PRIOR_ALERT_FIELDS = (
    "level",
    "fired_at",
    "entry_id",
    "episode_key",
    "team_alert",
    "why",
    "resolved_at",
)


def prior_alert(rule_id: str, row: Mapping[str, Any]) -> rules.PriorAlert:
    """An earlier alert as the evaluator reads it, from PRIOR_ALERT_FIELDS of `row` (a
    values() row, an Alert's __dict__, a JSON row with its times turned back)."""
    return rules.PriorAlert(
        rule_id=rule_id,
        level=row["level"],
        at=row["fired_at"],
        entry_id=row["entry_id"],
        episode_key=row["episode_key"],
        team_alert=row["team_alert"],
        detail=row["why"],
        resolved_at=row["resolved_at"],
    )


def _prior_alert(alert: Alert) -> rules.PriorAlert:
    return prior_alert(alert.rule.rule_id, alert.__dict__)


def evaluation_input(entry: DiaryEntry, *, configs=None) -> rules.EvaluationInput:
    """Gather everything the pure evaluator needs for one saved entry (a fixed number of
    queries): the sweep's and an edit's way. The entry's readings and reports are read
    with its history: `entry` needs only its saved row's key, time and patient. A new
    entry's Save reads the same before writing it, in one query (save_reads)."""
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

    def before() -> list[rules.Entry]:
        return plain_history(
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

    def older_due(key: str) -> list[rules.PriorAlert]:
        older = Alert.objects.filter(
            patient=patient, rule__rule_id=PRE_DOSE_RULE, episode_key=key, fired_at__lt=since
        )
        return [_prior_alert(a) for a in older.select_related("rule").order_by("fired_at", "pk")]

    injections = patient.injections.filter(given_at__lte=entry.recorded_at)
    return _assembled(
        patient,
        this,
        history=history,
        before=before,
        recent=[_prior_alert(a) for a in recent_alerts],
        older_due=older_due,
        injections=tuple(
            rules.Injection(at=i.given_at, dose=i.dose_number)
            for i in injections.order_by("given_at", "pk")
        ),
        quiets=patient_quiets(patient, at=entry.recorded_at),
        configs=configs if configs is not None else rule_configs(),
    )


# The pre-dose rule: the team is told once per dose, however long ago the dose fell due.
PRE_DOSE_RULE = "INJ-DUE-INF"


def _assembled(
    patient: Patient,
    this: rules.Entry,
    *,
    history: list[rules.Entry],
    before: Callable[[], list[rules.Entry]],
    recent: list[rules.PriorAlert],
    older_due: Callable[[str], list[rules.PriorAlert]],
    injections: tuple[rules.Injection, ...],
    quiets: tuple[rules.Quiet, ...],
    configs,
) -> rules.EvaluationInput:
    """The evaluator's input from what was read: the one place that decides what of the
    history and the alerts an entry is evaluated with (evaluation_input and save_reads
    only read). `history`: the window's entries before `this`, in time order; `before`:
    the newest entry before the window (read only when the window has none: "worsening"
    compares with the immediately previous entry, however old); `recent`: the window's
    alerts; `older_due`: the pre-dose alerts of a dose before the window, by episode."""
    profile = _profile(patient)
    history = history or before()
    prior = list(recent)
    due = rules.dose_due_soon(profile, injections, as_of=this.at, rules=configs)
    if due is not None:
        # The team is told once per dose, however long ago (a dose overdue for weeks).
        prior = older_due(rules.pre_dose_key(due)) + prior
    return rules.EvaluationInput(
        profile=profile,
        injections=injections,
        entry=this,
        history=tuple(history),
        prior_alerts=tuple(sorted(prior, key=lambda a: a.at)),
        rules=configs,
        quiets=quiets,
    )


# A new entry's Save: what it reads once it holds the patient's lock ------------------


@dataclass(frozen=True)
class SaveReads:
    """What a new entry's Save reads in one query once it holds the patient's lock (the
    lock is a statement of its own: a query that waited for the lock would read from
    before the wait). `repeat_of`: the entry saved before with this client key."""

    patient: Patient
    saved_last_hour: int
    repeat_of: int | None
    history: list[rules.Entry]
    before: list[rules.Entry]
    recent: list[rules.PriorAlert]
    pre_dose: list[rules.PriorAlert]
    injections: tuple[rules.Injection, ...]
    quiets: tuple[rules.Quiet, ...]

    def inputs(self, entry: DiaryEntry, *, configs) -> rules.EvaluationInput:
        """The evaluator's input for `entry`, just written with its readings and
        reports in its prefetch cache (symptoms.services.entry_record): the same as
        evaluation_input(load_entry(entry.pk)) would read (tests/alerts/test_save_reads.py)."""
        this = _entry_input(entry)
        this = replace(
            this,
            at=_utc(this.at),
            temperatures=tuple(replace(t, at=_utc(t.at)) for t in this.temperatures),
        )
        return _assembled(
            self.patient,
            this,
            history=self.history,
            before=lambda: self.before,
            recent=self.recent,
            older_due=lambda key: [a for a in self.pre_dose if a.episode_key == key],
            injections=self.injections,
            quiets=self.quiets,
            configs=configs,
        )


def save_reads(
    patient: Patient, *, at: datetime, client_key: uuid.UUID, hour_ago: datetime
) -> SaveReads:
    """Everything a new entry's Save reads, in one query, for an entry to be saved at
    `at`: the entries saved since `hour_ago` (the hourly bound), an entry already saved
    with `client_key`, and the evaluator's inputs as evaluation_input reads them for a
    saved entry. The caller holds the patient's lock, so nothing read changes before the
    entry is written. Rows come as JSON arrays; times and readings are turned back into
    the types the ORM gives (a reading's value as its exact decimal text). The query is
    compiled once per process (diary_core.prepared)."""
    [row] = _SAVE_READS.rows(
        patient=patient.pk,
        at=at,
        since=at - HISTORY_WINDOW,
        hour_ago=hour_ago,
        client_key=client_key,
    )
    saved_last_hour, repeat_of, *arrays = row
    history, before, recent, pre_dose, injections, quiets = (
        [json.loads(item) for item in array] for array in arrays
    )
    return SaveReads(
        patient=patient,
        saved_last_hour=saved_last_hour,
        repeat_of=repeat_of,
        history=[_json_entry(e) for e in history],
        before=[_json_entry(e) for e in before],
        recent=[_json_alert(a) for a in recent],
        pre_dose=[_json_alert(a) for a in pre_dose],
        injections=tuple(rules.Injection(at=_time(i["at"]), dose=i["dose"]) for i in injections),
        quiets=tuple(
            rules.Quiet(
                rule_id=q["rule_id"] or "",
                symptom_code=q["symptom_code"],
                reason=q["reason"],
                until=_time(q["until"]),
                # User.get_full_name(), as Quieting.as_rule says it
                by=f"{q['first_name']} {q['last_name']}".strip() if q["by"] else "",
            )
            for q in quiets
        ),
    )


def _save_reads(
    *, patient: int, at: datetime, since: datetime, hour_ago: datetime, client_key: uuid.UUID
) -> QuerySet:
    """save_reads' query: one row of the patient's, its columns the reads."""
    mine = {"patient": OuterRef("pk")}
    entries = DiaryEntry.objects.filter(**mine, recorded_at__lte=at)
    alerts = Alert.objects.filter(**mine)
    return (
        Patient.objects.filter(pk=patient)
        .order_by()  # one row: not the patients' list order, which joins their users
        .annotate(
            r_saved_last_hour=Coalesce(
                Subquery(
                    DiaryEntry.objects.filter(**mine, created_at__gte=hour_ago)
                    .order_by()
                    .values("patient")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            r_repeat_of=Subquery(
                DiaryEntry.objects.filter(**mine, client_key=client_key).values("pk")[:1]
            ),
            r_history=_json_rows(
                entries.filter(recorded_at__gte=since).order_by("recorded_at", "pk"), _ENTRY_JSON
            ),
            r_before=_json_rows(
                entries.filter(recorded_at__lt=since).order_by("-recorded_at", "-pk")[:1],
                _ENTRY_JSON,
            ),
            r_recent=_json_rows(
                alerts.filter(fired_at__gte=since, fired_at__lte=at).order_by("fired_at", "pk"),
                _ALERT_JSON,
            ),
            r_pre_dose=_json_rows(
                alerts.filter(rule__rule_id=PRE_DOSE_RULE, fired_at__lt=since).order_by(
                    "fired_at", "pk"
                ),
                _ALERT_JSON,
            ),
            r_injections=_json_rows(
                Injection.objects.filter(**mine, given_at__lte=at).order_by("given_at", "pk"),
                {"at": F("given_at"), "dose": F("dose_number")},
            ),
            r_quiets=_json_rows(
                Quieting.objects.filter(**mine).active(at).order_by("-starts_at", "pk"),
                {
                    "rule_id": F("rule__rule_id"),
                    "symptom_code": F("symptom_code"),
                    "reason": F("reason"),
                    "until": F("expires_at"),
                    "first_name": F("created_by__first_name"),
                    "last_name": F("created_by__last_name"),
                    "by": F("created_by_id"),
                },
            ),
        )
        .values(
            "r_saved_last_hour",
            "r_repeat_of",
            "r_history",
            "r_before",
            "r_recent",
            "r_pre_dose",
            "r_injections",
            "r_quiets",
        )
    )


# Stand-ins no Save holds (negative keys; instants in 1901, apart by a microsecond).
_SAVE_READS = Prepared(
    _save_reads,
    {
        "patient": -7_000_001,
        "at": datetime(1901, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        "since": datetime(1901, 1, 1, 0, 0, 0, 2, tzinfo=UTC),
        "hour_ago": datetime(1901, 1, 1, 0, 0, 0, 3, tzinfo=UTC),
        "client_key": uuid.UUID("00000000-0000-4000-8000-000000000037"),
    },
    {
        "patient": -7_000_002,
        "at": datetime(1901, 1, 2, 0, 0, 0, 1, tzinfo=UTC),
        "since": datetime(1901, 1, 2, 0, 0, 0, 2, tzinfo=UTC),
        "hour_ago": datetime(1901, 1, 2, 0, 0, 0, 3, tzinfo=UTC),
        "client_key": uuid.UUID("00000000-0000-4000-8000-000000000038"),
    },
)


def _json_rows(rows: QuerySet, fields: dict) -> ArraySubquery:
    """`rows` as an array of JSON objects of `fields` (name -> expression)."""
    return ArraySubquery(rows.values(json=JSONObject(**fields)))


_READING_JSON = {
    # The exact decimal, as text: a JSON number would come back as a float.
    "value": Cast("value", CharField()),
    **{name: F(name) for name in TEMPERATURE_FIELDS if name != "value"},
}
_ENTRY_JSON = {
    **{name: F(name) for name in ENTRY_FIELDS},
    "t": ArraySubquery(
        TemperatureReading.objects.filter(entry=OuterRef("pk"))
        .order_by("measured_at", "pk")
        .values(json=JSONObject(**_READING_JSON))
    ),
    "r": ArraySubquery(
        SymptomReport.objects.filter(entry=OuterRef("pk"))
        .order_by("pk")
        .values(
            json=JSONObject(
                code=F("symptom__code"), red_flag=F("symptom__is_red_flag"), grade=F("grade")
            )
        )
    ),
}
_ALERT_JSON = {"rule_id": F("rule__rule_id"), **{name: F(name) for name in PRIOR_ALERT_FIELDS}}


def _time(text: str | None) -> datetime | None:
    """A time as PostgreSQL writes it in JSON (ISO 8601, the connection's UTC), as the ORM
    gives it."""
    return None if text is None else _utc(datetime.fromisoformat(text))


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _json_entry(row: dict) -> rules.Entry:
    readings = [
        _Reading(Decimal(t["value"]), t["unit"], _time(t["measured_at"]), t["confirmed"], t["site"])
        for t in row["t"]
    ]
    reports = ((r["code"], r["red_flag"], r["grade"]) for r in row["r"])
    # The JSON object's keys as the attributes _plain_entry reads.
    return _plain_entry(SimpleNamespace(**row), readings, reports, at=_time(row["recorded_at"]))


def _json_alert(row: dict) -> rules.PriorAlert:
    times = {name: _time(row[name]) for name in ("fired_at", "resolved_at")}
    return prior_alert(row["rule_id"], {**row, **times})


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
