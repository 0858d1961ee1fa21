"""Workflows of the alert engine: evaluate an entry, record alerts, build the patient's prompt.

The trace of an alert: view -> symptoms.services.entry_record -> (after commit)
alerts.tasks.evaluate_entry -> entry_evaluate -> alerts.rules.evaluate.

The diary calls `entry_prompt(entry)` in the request right after submit: the same pure evaluator the
  worker uses, so the prompt works when Redis is down and always agrees with the task.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F, Func, Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from alerts import rules
from alerts.models import (
    LEVEL_RANK,
    TEAM_LEVELS,
    Alert,
    AlertRule,
    EducationPage,
    EngineSettings,
    Episode,
    Level,
    Quieting,
)
from alerts.notify import alerts_open_team_notices
from patients.models import Injection, Patient
from symptoms.charts import Threshold
from symptoms.models import DiaryEntry, SymptomReport, TemperatureReading
from symptoms.reminders import gap_reminders
from symptoms.services import VITALS

logger = logging.getLogger(__name__)

# How far back the evaluator looks (consecutive-day rules, W48/7-day windows, dedup).
HISTORY_WINDOW = timedelta(days=rules.HISTORY_DAYS)
# Pending entries younger than this are left to the task published at submit.
SWEEP_GRACE = timedelta(seconds=60)
SWEEP_BATCH = 200
# Patients per batch in the periodic sweep: four reads per batch, whatever its size, and
# a fixed number of writes for its new alerts (bench, 100,000 patients: batches of 1,000
# took 9-11 s, of 5,000 6-8 s; a batch's transaction stays well under a second).
PERIODIC_BATCH = 5000
MAX_EVALUATION_ATTEMPTS = 5


@dataclass(frozen=True)
class Reason:
    rule_id: str
    level: str
    title: str
    message: str


@dataclass(frozen=True)
class Prompt:
    """What the patient sees right after submitting an entry."""

    level: str  # NONE | WATCH | CONTACT | URGENT
    key: str  # thank_you | keep_monitoring | contact_today | seek_now
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    remeasure_minutes: int | None = None
    remeasure_at: datetime | None = None
    pages: tuple[EducationPage, ...] = ()  # short reads linked from the prompt
    # Whether this entry opens a team alert; if not, when the team was told about the same
    # thing (a de-duplicated firing). The prompt never says "we have let them know" when
    # nobody was told.
    team_alerted: bool = False
    team_told_at: datetime | None = None

    @property
    def is_team_level(self) -> bool:
        return self.level in (Level.CONTACT, Level.URGENT)

    @property
    def lower_reasons(self) -> tuple[Reason, ...]:
        """The reasons below the prompt's level (folded under an URGENT prompt)."""
        return tuple(reason for reason in self.reasons if reason.level != self.level)


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
    for index, earlier_entry in enumerate(history):
        # (A failed entry never records alerts: nothing to add for it.)
        if earlier_entry.evaluation_state == DiaryEntry.EvaluationState.PENDING:
            prior = _with_pending(prior, plain_history, index, profile, injections, configs, quiets)
    return rules.EvaluationInput(
        profile=profile,
        injections=injections,
        entry=_entry_input(entry),
        history=tuple(plain_history),
        prior_alerts=tuple(sorted(prior, key=lambda a: a.at)),
        rules=configs,
        quiets=quiets,
    )


def _with_pending(
    prior, history, index, profile, injections, configs, quiets=()
) -> list[rules.PriorAlert]:
    """Add what an earlier entry still waiting for its task will record.

    The prompt is computed in the request, often before the previous entry's task has run
    (Redis down, two quick entries, parallel workers). Evaluating that entry here, as its task
    will, keeps the prompt and the recorded result in agreement ("we have let them know" is
    said only when this entry opens the team alert).
    """
    pending = history[index]
    result = rules.evaluate(
        rules.EvaluationInput(
            profile=profile,
            injections=injections,
            entry=pending,
            history=tuple(history[:index]),
            prior_alerts=tuple(a for a in prior if a.at <= pending.at),
            rules=configs,
            quiets=quiets,
        )
    )
    return prior + recorded_alerts(pending, result)


def recorded_alerts(entry: rules.Entry, evaluation: rules.Evaluation) -> list[rules.PriorAlert]:
    """The alerts the entry's task records for this evaluation, as the next entry's
    evaluation sees them (the pending entries before it; the what-if's replay)."""
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


def _load_entry(entry_id: int, *, lock: bool = False) -> DiaryEntry | None:
    """The entry with its patient, team, readings and reports (three queries).

    lock=True claims it for evaluation (SELECT ... FOR UPDATE SKIP LOCKED on the entry row
    only): None when another worker holds it or it is gone.
    """
    entries = DiaryEntry.objects.select_related("patient__team", "patient__user")
    if lock:
        entries = entries.select_for_update(skip_locked=True, of=("self",))
    return entries.prefetch_related(*ENTRY_PARTS).filter(pk=entry_id).first()


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


def prompt_from(evaluation: rules.Evaluation, *, at: datetime) -> Prompt:
    """Turn an evaluation into the patient's prompt, with the current rule messages."""
    # Most serious first; within a level, in the rule table's order (temperature first).
    order = {rule_id: i for i, rule_id in enumerate(rules.DEFAULT_RULES)}
    fired = sorted(evaluation.fired, key=lambda f: (-LEVEL_RANK[f.level], order[f.rule_id]))
    rows = AlertRule.objects.in_bulk([f.rule_id for f in fired], field_name="rule_id")
    reasons = tuple(
        Reason(
            rule_id=f.rule_id,
            level=f.level,
            title=rows[f.rule_id].title if f.rule_id in rows else f.rule_id,
            message=rows[f.rule_id].rendered("patient_message") if f.rule_id in rows else "",
        )
        for f in fired
    )
    minutes = evaluation.remeasure_minutes
    pages = ()
    if fired:
        pages = tuple(
            EducationPage.objects.filter(
                published=True, rules__rule_id__in=[f.rule_id for f in fired]
            )
            .distinct()
            .order_by("order")
        )
    told = [d.since for d in evaluation.deduplicated if d.since is not None]
    return Prompt(
        level=evaluation.level,
        key=evaluation.prompt_key,
        reasons=reasons,
        remeasure_minutes=minutes,
        remeasure_at=at + timedelta(minutes=minutes) if minutes else None,
        pages=pages,
        team_alerted=bool(evaluation.team_alerts),
        team_told_at=max(told) if told else None,
    )


def entry_prompt(entry: DiaryEntry, *, loaded: bool = False) -> Prompt:
    """Evaluate the entry in the request (no writes) and return the patient's prompt.

    loaded=True: the caller fetched the entry with its patient and ENTRY_PARTS already
    (the result page), so it is not read a second time.
    """
    if not loaded:
        entry = _load_entry(entry.pk) or entry
    evaluation = rules.evaluate(evaluation_input(entry))
    return prompt_from(evaluation, at=entry.recorded_at)


@dataclass(frozen=True)
class EntryAdvice:
    """What the diary advised after one entry, and why (the history's day-by-day list)."""

    entry: DiaryEntry
    level: str
    key: str  # the prompt's key: thank_you | keep_monitoring | contact_today | seek_now
    reasons: tuple[str, ...]  # the rules' titles, most serious first


def entries_advice(patient: Patient, *, since: datetime) -> list[EntryAdvice]:
    """Each entry since `since`, newest first, with the advice it got: the alerts its
    evaluation recorded (every firing is recorded, de-duplicated or not). Two queries."""
    entries = list(
        DiaryEntry.objects.for_patient(patient)
        .since(since)
        .prefetch_related(*ENTRY_PARTS, "amendments")
    )
    fired: dict[int, list[Alert]] = {}
    for alert in (
        Alert.objects.filter(entry__in=entries).select_related("rule").order_by("fired_at")
    ):
        fired.setdefault(alert.entry_id, []).append(alert)
    advice = []
    for entry in entries:
        alerts = sorted(fired.get(entry.pk, []), key=lambda a: -LEVEL_RANK[a.level])
        level = rules.level_max(a.level for a in alerts)
        advice.append(
            EntryAdvice(
                entry=entry,
                level=level,
                key=rules.PROMPT_KEYS[level],
                reasons=tuple(dict.fromkeys(a.title_words for a in alerts)),
            )
        )
    return advice


def remeasure_requested(patient: Patient, *, now: datetime | None = None) -> bool:
    """Return True if the patient's latest entry, in the last 6 hours, asked for a re-measure."""
    now = now or timezone.now()
    latest = DiaryEntry.objects.for_patient(patient).filter(recorded_at__lte=now).first()
    if latest is None or now - latest.recorded_at > timedelta(hours=6):
        return False
    return Alert.objects.filter(entry=latest, rule__remeasure_minutes__isnull=False).exists()


# Recording --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewFiring:
    """A fired rule to record: for an entry, or (entry None) for a periodic rule."""

    patient: Patient
    entry: DiaryEntry | None
    firing: rules.Firing
    team_alert: bool
    at: datetime


def _record_firing(item: NewFiring, *, rows, engine: dict) -> Alert | None:
    """Create the Alert for one fired rule unless it exists (idempotent, one row at a time).

    The fallback of record_firings when a concurrent evaluation wrote one of its rows first.
    """
    firing, at = item.firing, item.at
    rule = rows[firing.rule_id]
    episode, created = Episode.objects.get_or_create(
        patient=item.patient,
        key=firing.episode_key,
        defaults={"opened_at": at, "last_alert_at": at, "highest_level": firing.level},
    )
    lookup = (
        {"entry": item.entry} if item.entry is not None else {"episode_key": firing.episode_key}
    )
    try:
        with transaction.atomic():
            alert, made = Alert.objects.get_or_create(
                patient=item.patient,
                rule=rule,
                **lookup,
                defaults=_alert_fields(item, rule, episode, engine),
            )
    except IntegrityError:
        # A concurrent evaluation recorded it first: that row is the one.
        return None
    if not made:
        return None
    if not created:
        _episode_raise(episode, at=at, level=firing.level)
    return alert


def _alert_fields(item: NewFiring, rule: AlertRule, episode: Episode, engine: dict) -> dict:
    return {
        "episode": episode,
        "episode_key": item.firing.episode_key,
        "rule_version": rule.version,
        "level": item.firing.level,
        "team_alert": item.team_alert,
        # The rule's values and the engine's windows, as they were when it fired.
        "snapshot": {**rule.snapshot(), "engine": engine},
        "why": item.firing.why,
        "fired_at": item.at,
    }


def _episode_raise(episode: Episode, *, at: datetime, level: str) -> None:
    """Move an existing episode's last alert time and highest level up (never down)."""
    if at > episode.last_alert_at:
        Episode.objects.filter(pk=episode.pk, last_alert_at__lt=at).update(last_alert_at=at)
    if LEVEL_RANK[level] > LEVEL_RANK[episode.highest_level]:
        lower = [lv for lv, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[level]]
        Episode.objects.filter(pk=episode.pk, highest_level__in=lower).update(highest_level=level)


def _episodes_for(
    items: list[NewFiring],
) -> tuple[dict[tuple[int, str], Episode], list[tuple[Episode, datetime, str]]]:
    """Find or open the episode of every firing: two reads and one insert, whatever the count.

    Returns the episodes, and how each one that was already open would move up (last alert
    time, highest level): the caller applies that once the firings' alerts are recorded,
    so a repeat of an alert already there never moves its episode.
    """
    wanted: dict[tuple[int, str], tuple[datetime, str, datetime]] = {}
    for item in items:
        key = (item.patient.pk, item.firing.episode_key)
        first, level, last = wanted.get(key, (item.at, item.firing.level, item.at))
        if LEVEL_RANK[item.firing.level] > LEVEL_RANK[level]:
            level = item.firing.level
        wanted[key] = (min(first, item.at), level, max(last, item.at))

    def read() -> dict[tuple[int, str], Episode]:
        found = Episode.objects.filter(
            patient_id__in={pid for pid, _ in wanted}, key__in={key for _, key in wanted}
        )
        return {(e.patient_id, e.key): e for e in found if (e.patient_id, e.key) in wanted}

    episodes = read()
    missing = [k for k in wanted if k not in episodes]
    if missing:
        Episode.objects.bulk_create(
            [
                Episode(
                    patient_id=pid,
                    key=key,
                    opened_at=wanted[pid, key][0],
                    highest_level=wanted[pid, key][1],
                    last_alert_at=wanted[pid, key][2],
                )
                for pid, key in missing
            ],
            ignore_conflicts=True,  # a concurrent evaluation opened it: use that one
        )
        fresh = set(missing)
        episodes = read()
    else:
        fresh = set()
    raises = [
        (e, wanted[key][2], wanted[key][1]) for key, e in episodes.items() if key not in fresh
    ]
    return episodes, raises


def record_firings(
    items: list[NewFiring], *, rows, windows: rules.EngineWindows | None = None
) -> list[Alert]:
    """Record the alerts of fired rules that are not recorded yet; return the new ones.

    Set-based: a fixed number of statements for any number of firings (the sweep's busy
    tick after midnight records thousands). Idempotent through the unique constraints:
    if a concurrent evaluation wrote one of these alerts first, the batch is rolled back
    to its savepoint and each firing is recorded on its own.
    """
    if not items:
        return []
    engine = (windows or EngineSettings.current().windows()).snapshot()
    episodes, raises = _episodes_for(items)
    # No read of the alerts already recorded: the unique constraints are the check. A
    # repeat (task redelivery, re-evaluation after an edit) fails the insert below and
    # takes the row-by-row path, which finds the rows that are there.
    todo: dict[tuple, NewFiring] = {}
    for item in items:
        if item.entry is not None:
            identity = ("entry", item.entry.pk, item.firing.rule_id)
        else:
            identity = ("episode", item.patient.pk, item.firing.rule_id, item.firing.episode_key)
        todo.setdefault(identity, item)
    alerts = [
        Alert(
            patient=item.patient,
            entry=item.entry,
            rule=rows[item.firing.rule_id],
            **_alert_fields(
                item,
                rows[item.firing.rule_id],
                episodes[item.patient.pk, item.firing.episode_key],
                engine,
            ),
        )
        for item in todo.values()
    ]
    try:
        with transaction.atomic():
            made = bulk_create_with_history(alerts, Alert)
            for episode, at, level in raises:  # every alert is new: their episodes move up
                _episode_raise(episode, at=at, level=level)
            return made
    except IntegrityError:
        pass
    made = [_record_firing(item, rows=rows, engine=engine) for item in todo.values()]
    return [alert for alert in made if alert is not None]


@transaction.atomic
def entry_evaluate(entry_id: int, *, now: datetime | None = None) -> rules.Evaluation | None:
    """Evaluate one entry and record its alerts; the body of the evaluate_entry task.

    Idempotent: alerts are unique per (entry, rule), so running it twice records nothing
    twice. Returns None when another worker holds the entry or it is gone.
    """
    now = now or timezone.now()
    entry = _load_entry(entry_id, lock=True)
    if entry is None:
        return None
    rows = rule_rows()
    configs = rule_configs(rows)
    evaluation = rules.evaluate(evaluation_input(entry, configs=configs))
    team = set(evaluation.team_alerts)
    made = record_firings(
        [
            NewFiring(
                patient=entry.patient,
                entry=entry,
                firing=firing,
                team_alert=firing.rule_id in team,
                at=entry.recorded_at,
            )
            for firing in evaluation.fired
        ],
        rows=rows,
        windows=configs.windows,
    )
    alerts_open_team_notices([alert for alert in made if alert.team_alert], now=now)
    DiaryEntry.objects.filter(pk=entry.pk).update(
        evaluation_state=DiaryEntry.EvaluationState.EVALUATED,
        evaluated_at=now,
        evaluation_attempts=entry.evaluation_attempts + 1,
    )
    return evaluation


def pending_entries_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Evaluate entries still pending SWEEP_GRACE after submit (lost publish, Redis down).

    Each entry is claimed with SELECT ... FOR UPDATE SKIP LOCKED inside entry_evaluate,
    so concurrent sweeps and tasks never evaluate one entry at the same time.
    """
    now = now or timezone.now()
    ids = list(
        DiaryEntry.objects.pending()
        .filter(created_at__lte=now - SWEEP_GRACE, evaluation_attempts__lt=MAX_EVALUATION_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    for entry_id in ids:
        try:
            if entry_evaluate(entry_id, now=now) is not None:
                done += 1
        except Exception:  # noqa: BLE001 — one bad entry must not stop the sweep
            logger.exception("evaluation of entry %s failed", entry_id)
            # Count the attempt so a poison entry stops being retried (and shows as failed).
            DiaryEntry.objects.filter(pk=entry_id).update(
                evaluation_attempts=F("evaluation_attempts") + 1
            )
            DiaryEntry.objects.filter(
                pk=entry_id, evaluation_attempts__gte=MAX_EVALUATION_ATTEMPTS
            ).update(evaluation_state=DiaryEntry.EvaluationState.FAILED)
    return done


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
    made = record_firings(
        items, rows=rows if rows is not None else rule_rows(), windows=configs.windows
    )
    alerts_open_team_notices([alert for alert in made if alert.team_alert], now=now)
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
            made = record_firings(
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
            )
            alerts_open_team_notices([a for a in made if a.team_alert], now=now)
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
