"""The engine's inputs from the rows, the periodic sweep and the pre-dose check.

The only place that turns rows into the pure evaluator's inputs (evaluation_input,
plain_entries, the sweep's batches). Recording an entry's outcome is alerts/recording.py;
writing alerts is alerts/firings.py; what stands for the patient is alerts/concerns.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import BigIntegerField, Func, Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts import rules
from alerts.firings import NewFiring, firings_record
from alerts.models import (
    TEAM_LEVELS,
    Alert,
    AlertRule,
    EngineSettings,
    EntryOutcome,
    Quieting,
)
from patients.models import Injection, Patient
from symptoms.charts import Threshold
from symptoms.models import DiaryEntry, SymptomReport, TemperatureReading
from symptoms.reminders import gap_reminders
from symptoms.services import VITALS

logger = logging.getLogger(__name__)

# How far back the evaluator looks (consecutive-day rules, W48/7-day windows, dedup).
HISTORY_WINDOW = timedelta(days=rules.HISTORY_DAYS)
# Patients per batch in the periodic sweep: four reads per batch, whatever its size, and
# a fixed number of writes for its new alerts (bench, 100,000 patients: batches of 1,000
# took 9-11 s, of 5,000 6-8 s; a batch's transaction stays well under a second).
PERIODIC_BATCH = 5000


# Inputs -----------------------------------------------------------------------------

# An entry's readings and reports, with each report's symptom joined (two queries).
ENTRY_PARTS = (
    "temperatures",
    Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
)


def rule_rows() -> dict[str, AlertRule]:
    """Every rule row by rule id (one query)."""
    return {row.rule_id: row for row in AlertRule.objects.all()}


def rule_configs(rows: dict[str, AlertRule] | None = None) -> rules.RuleSet:
    """The rule rows and the engine's windows as the evaluator's typed configuration
    (two queries; one when rows are given)."""
    rows = rule_rows() if rows is None else rows
    return rules.RuleSet(
        {
            row.rule_id: rules.RuleConfig(
                rule_id=row.rule_id,
                level=row.level,
                active=row.active,
                params=row.params,
                remeasure_minutes=row.remeasure_minutes,
            )
            for row in rows.values()
        },
        windows=EngineSettings.current().windows(),
    )


def _profile(patient: Patient) -> rules.Profile:
    return rules.Profile(
        timezone=patient.timezone,
        elevated_risk=patient.elevated_risk,
        hbv_risk=patient.hbv_risk,
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
    """Gather everything the pure evaluator needs for one entry (a fixed number of queries)."""
    patient = entry.patient
    since = entry.recorded_at - HISTORY_WINDOW
    earlier = (
        DiaryEntry.objects.for_patient(patient)
        .since(since)
        .filter(recorded_at__lte=entry.recorded_at)
        .exclude(pk=entry.pk)
        .prefetch_related(*ENTRY_PARTS)
        .order_by("recorded_at", "pk")
    )
    history = [e for e in earlier if (e.recorded_at, e.pk) < (entry.recorded_at, entry.pk)]
    previous = None
    if not history:
        # The immediately previous entry, however old ("worsening" compares with it).
        previous = (
            DiaryEntry.objects.for_patient(patient)
            .filter(recorded_at__lt=since)
            .prefetch_related(*ENTRY_PARTS)
            .order_by("-recorded_at", "-pk")
            .first()
        )
        history = [previous] if previous else []
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
    plain_history = [_entry_input(e) for e in history]
    quiets = patient_quiets(patient, at=entry.recorded_at)
    return rules.EvaluationInput(
        profile=profile,
        injections=injections,
        entry=_entry_input(entry),
        history=tuple(plain_history),
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


# The prompt -------------------------------------------------------------------------


# The warning lines of a temperature chart: (rule, parameter, words), lowest first.
CHART_THRESHOLDS = (
    ("T-LOW-1", "low_c", _("slightly raised")),
    ("T-FEV-1", "threshold_c", _("fever")),
    ("T-FEV-ER-1", "threshold_c", _("high fever")),
)


def temperature_thresholds(patient: Patient) -> list[Threshold]:
    """The chart's warning lines, read from the rules as the admin last saved them (active
    rules only; the elevated-risk line only for an elevated-risk patient)."""
    configs = rule_configs()
    lines = []
    for rule_id, param, label in CHART_THRESHOLDS:
        if not configs.active[rule_id] or (rule_id == "T-FEV-ER-1" and not patient.elevated_risk):
            continue
        lines.append(Threshold(value_c=configs.params[rule_id][param], label=str(label)))
    return sorted(lines, key=lambda line: line.value_c)


def temperature_outside_normal(values_c: list[Decimal]) -> bool:
    """True when a reading is one a temperature rule could act on: below the highest of
    the temperature rules' "below" lines (T-HYPO-0/1's 36.0 °C) or at or above the lowest
    of their other lines (T-LOW-1's 37.5 °C), as the admin last saved them, active or not.
    An entry past the hourly bound is still saved then (docs/clinical-safety.md item 40)."""
    params = rule_configs().params
    low: list[Decimal] = []
    high: list[Decimal] = []
    for rule_id, definition in rules.DEFAULT_RULES.items():
        if definition.family != "temperature":
            continue
        for name, value in params[rule_id].items():
            if name.endswith("_c"):
                (low if "below" in name else high).append(value)
    return any((low and value < max(low)) or (high and value >= min(high)) for value in values_c)


def remeasure_requested(patient: Patient, *, now: datetime | None = None) -> bool:
    """Return True if the patient's latest entry, in the last 6 hours, asked for a re-measure
    (its recorded outcome)."""
    now = now or timezone.now()
    latest = DiaryEntry.objects.for_patient(patient).filter(recorded_at__lte=now).first()
    if latest is None or now - latest.recorded_at > timedelta(hours=6):
        return False
    outcome = EntryOutcome.objects.filter(entry=latest).order_by("-revision").first()
    return outcome is not None and outcome.remeasure_minutes is not None


# Periodic rules ---------------------------------------------------------------------


def patient_sweep(patient: Patient, *, now: datetime, configs=None) -> rules.SweepResult:
    """Run the periodic rules (DIARY-GAP-*, DIARY-FOLLOWUP, INJ-MISSED) for one patient."""
    results = _sweep_batch(
        {patient.pk: _profile(patient)},
        now=now,
        configs=configs or rule_configs(),
        patients={patient.pk: patient},
    )
    return results[patient.pk]


class EpochMicroseconds(Func):
    """A timestamp as whole microseconds since 1970-01-01 UTC (exact: no float on the way).

    Django loads timestamptz through psycopg's pure-Python parser, about 8 µs a value; an
    integer loads in C. The sweep reads about four timestamps per patient (bench: 3.6 s of
    the 100,000-patient sweep went to parsing entry times; 1.0 s as integers).
    """

    output_field = BigIntegerField()
    # PostgreSQL 14+ returns EXTRACT(EPOCH …) as numeric, so the product is exact.
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"

    def get_db_converters(self, connection):
        return []  # the drivers return an int already: no per-row int() on 400,000 rows


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant(microseconds: int | None) -> datetime | None:
    """The datetime (UTC) of an `EpochMicroseconds` value."""
    return None if microseconds is None else EPOCH + timedelta(microseconds=microseconds)


def _sweep_batch(
    profiles: dict[int, rules.Profile],
    *,
    now: datetime,
    configs,
    rows: dict | None = None,
    patients: dict[int, Patient] | None = None,
) -> dict[int, rules.SweepResult]:
    """Evaluate the periodic rules for a batch of patients in a fixed number of queries.

    `profiles` maps patient ids to their profiles. Four reads for the whole batch (entry
    times, recent alerts, injections, quiets), one more when a patient has no entry in the window
    (their last entry) and one when something fired (older alerts of the same episodes);
    writes only for firings whose (rule, episode) has no alert yet, so a steady state
    writes nothing. The patients with something new are loaded in one more read, unless
    given in `patients`.
    """
    ids = list(profiles)
    since = now - HISTORY_WINDOW
    # Batches are runs of patients in primary-key order: a key range is far cheaper to
    # build and to scan than an IN list of 1,000 ids (bench: sweep over 100,000 patients).
    # Rows of patients in the range but not in the batch (not yet enrolled) are skipped.
    in_batch = {"patient_id__gte": min(ids), "patient_id__lte": max(ids)}
    entry_times: dict[int, list[datetime]] = {pk: [] for pk in ids}
    for pk, at in (
        DiaryEntry.objects.filter(**in_batch, recorded_at__gte=since, recorded_at__lte=now)
        .order_by("recorded_at")
        .values_list("patient_id", EpochMicroseconds("recorded_at"))
    ):
        if pk in entry_times:
            entry_times[pk].append(instant(at))
    # A patient silent for the whole window: the missed-diary rules count back to the last
    # entry, wherever it is; without it they would count from enrolment and raise the
    # same gap again under another first day.
    quiet = [pk for pk, times in entry_times.items() if not times]
    if quiet:
        for pk, at in (
            DiaryEntry.objects.filter(patient_id__in=quiet, recorded_at__lt=since)
            .values("patient_id")
            .annotate(last=Max("recorded_at"))
            .values_list("patient_id", "last")
        ):
            entry_times[pk].append(at)
    prior: dict[int, list[rules.PriorAlert]] = {pk: [] for pk in ids}
    for a in (
        Alert.objects.filter(**in_batch, fired_at__gte=since, fired_at__lte=now)
        .order_by("fired_at", "pk")
        .values(
            "patient_id",
            "rule__rule_id",
            "level",
            "fired_at",
            "entry_id",
            "episode_key",
            "team_alert",
            "why",
            "resolved_at",
        )
    ):
        if a["patient_id"] not in prior:
            continue
        prior[a["patient_id"]].append(
            rules.PriorAlert(
                rule_id=a["rule__rule_id"],
                level=a["level"],
                at=a["fired_at"],
                entry_id=a["entry_id"],
                episode_key=a["episode_key"],
                team_alert=a["team_alert"],
                detail=a["why"],
                resolved_at=a["resolved_at"],
            )
        )
    injections: dict[int, list[rules.Injection]] = {pk: [] for pk in ids}
    for pk, at, dose in (
        Injection.objects.filter(**in_batch, given_at__lte=now)
        .order_by("given_at")
        .values_list("patient_id", "given_at", "dose_number")
    ):
        if pk in injections:
            injections[pk].append(rules.Injection(at=at, dose=dose))
    # The team's quiets in force (few rows: one read for the batch).
    quiets = Quieting.objects.filter(**in_batch).as_rules(now)
    results: dict[int, rules.SweepResult] = {}
    new: list[tuple[int, rules.Firing, bool]] = []
    for pk, profile in profiles.items():
        result = rules.evaluate_sweep(
            rules.SweepInput(
                profile=profile,
                as_of=now,
                entry_times=tuple(entry_times[pk]),
                injections=tuple(injections[pk]),
                prior_alerts=tuple(prior[pk]),
                rules=configs,
                quiets=tuple(quiets.get(pk, ())),
            )
        )
        results[pk] = result
        known = {(a.rule_id, a.episode_key) for a in prior[pk]}
        new += [
            (pk, f, f.rule_id in result.team_alerts)
            for f in result.fired
            if (f.rule_id, f.episode_key) not in known
        ]
    if new:
        # Alerts older than the window are not among `prior`: a long gap or a dose missed
        # weeks ago is still the same episode, recorded once.
        recorded = set(
            Alert.objects.filter(
                patient_id__in={pk for pk, _, _ in new},
                episode_key__in={f.episode_key for _, f, _ in new},
                fired_at__lt=since,
            ).values_list("patient_id", "rule__rule_id", "episode_key")
        )
        new = [
            (pk, f, team) for pk, f, team in new if (pk, f.rule_id, f.episode_key) not in recorded
        ]
    if not new:
        return results
    if patients is None:
        patients = Patient.objects.select_related("team").in_bulk({pk for pk, _, _ in new})
    items = [
        NewFiring(patient=patients[pk], entry=None, firing=f, team_alert=team, at=now)
        for pk, f, team in new
        if pk in patients  # not removed since the batch was read
    ]
    made = firings_record(
        items, rows=rows if rows is not None else rule_rows(), windows=configs.windows, now=now
    )
    # DIARY-GAP-2 is a reminder to the patient, sent outside quiet hours.
    gap_reminders([a.patient for a in made if a.rule.rule_id == "DIARY-GAP-2"], now=now)
    return results


@dataclass(frozen=True)
class PreDoseCheck:
    """Shown on the injection form when a dose is due during an infection (INJ-DUE-INF)."""

    dose: int
    due: date
    level: str  # INJ-DUE-INF's level (CONTACT by default)
    infection_titles: tuple[str, ...]  # the infection rules that fired, in words
    team: object  # the patient's CareTeam, for its phone numbers
    quieted: bool = False  # the team quieted INJ-DUE-INF for this patient: not told

    @property
    def team_told(self) -> bool:
        """A team-level rule: its alert was opened (now or by the sweep or an entry)."""
        return self.level in TEAM_LEVELS and not self.quieted


def injection_pre_dose_check(
    patient: Patient, *, now: datetime | None = None
) -> PreDoseCheck | None:
    """The pre-dose infection check when the patient opens the injection form.

    The same rule as on an entry and in the sweep (rules.pre_dose_check); when it holds, the
    team is told once per dose (one INJ-DUE-INF alert, whichever path raised it first).
    """
    now = now or timezone.now()
    rows = rule_rows()
    configs = rule_configs(rows)
    prior = (
        Alert.objects.filter(patient=patient, fired_at__gte=now - HISTORY_WINDOW, fired_at__lte=now)
        .select_related("rule")
        .order_by("fired_at", "pk")
    )
    injections = patient.injections.filter(given_at__lte=now).order_by("given_at")
    check = rules.pre_dose_check(
        _profile(patient),
        [rules.Injection(at=i.given_at, dose=i.dose_number) for i in injections],
        [_prior_alert(a) for a in prior],
        as_of=now,
        rules=configs,
    )
    if check is None:
        return None
    key, why = check
    level = configs.levels["INJ-DUE-INF"]
    told = Alert.objects.filter(patient=patient, rule__rule_id="INJ-DUE-INF", episode_key=key)
    # The team may have quieted the pre-dose check for this patient (never when URGENT).
    quiet = rules.quieted_by(patient_quiets(patient, at=now), "INJ-DUE-INF", level, why)
    if not told.exists():
        if quiet is not None:
            why = {**why, "quieted": quiet.marker()}
        firing = rules.Firing(rule_id="INJ-DUE-INF", level=level, episode_key=key, why=why)
        with transaction.atomic():
            firings_record(
                [
                    NewFiring(
                        patient=patient,
                        entry=None,
                        firing=firing,
                        team_alert=level in TEAM_LEVELS and quiet is None,
                        at=now,
                    )
                ],
                rows=rows,
                windows=configs.windows,
                now=now,
            )
    titles = tuple(rows[r].title for r in why["infection_rules"] if r in rows)
    return PreDoseCheck(
        dose=why["next_dose"],
        due=date.fromisoformat(why["due"]),
        level=level,
        infection_titles=titles,
        team=patient.team,
        quieted=quiet is not None,
    )


def periodic_rules_sweep(*, now: datetime | None = None, batch: int = PERIODIC_BATCH) -> int:
    """Run the periodic rules for every enrolled patient the team is monitoring (not
    paused, not discharged, an active account: Patient.objects.monitored), a batch at a
    time.

    Idempotent (one alert per rule and episode key) and set-based: a constant number of
    queries per batch, plus writes for what is new.
    """
    now = now or timezone.now()
    rows = rule_rows()
    configs = rule_configs(rows)
    count = 0
    # Plain values, not models: building 100,000 Patient objects cost more than the rules.
    # The few patients with something new are loaded by the batch.
    er_fields = list(Patient.ER_FIELDS.values())
    patients = (
        Patient.objects.monitored(now)
        .filter(enrolled_at__lte=now)
        .order_by("pk")
        .values_list(
            "pk",
            "timezone",
            EpochMicroseconds("enrolled_at"),
            EpochMicroseconds("first_dose_at"),
            EpochMicroseconds("paused_until"),
            "hbv_risk",
            *er_fields,
        )
    )
    last_pk = 0
    while True:
        chunk = list(patients.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            break
        profiles = {
            pk: rules.Profile(
                timezone=tz,
                enrolled_at=instant(enrolled),
                hbv_risk=hbv,
                elevated_risk=Patient.er_reasons(tuple(flags)),
                first_dose_at=instant(first_dose),
                resumed_at=instant(resumed),
            )
            for pk, tz, enrolled, first_dose, resumed, hbv, *flags in chunk
        }
        with transaction.atomic():
            _sweep_batch(profiles, now=now, configs=configs, rows=rows)
        count += len(chunk)
        last_pk = chunk[-1][0]
    return count
