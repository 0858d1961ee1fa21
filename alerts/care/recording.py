"""Evaluate an entry once and record what it means, in the transaction that saves it
(docs/clinical-rules.md §5, "Recorded once").

The trace of one entry: the diary's view -> entry_submit (lock the patient, write the entry,
evaluate it, record its outcome, its alerts, the concern's change and the messages, commit)
-> after commit, a worker sends the messages. Every page, message and export reads what is
recorded here; nothing evaluates a saved entry again with today's rules.

If the evaluation itself fails, the entry is still saved (pending) and the beat sweep
records it a minute later through the same path (entry_evaluate), so a patient never
loses what they typed to a bug in a rule.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from alerts import rules
from alerts.care.concerns import Change, concern_apply, lock_patient
from alerts.care.evaluation import evaluation_input, load_entry, save_reads
from alerts.care.firings import NewFiring, record_firings
from alerts.care.models import EntryOutcome
from alerts.rules.concern import Member, lead, reported_codes
from alerts.ruleset.loading import Published, published
from alerts.ruleset.models import AlertRule, EducationPage
from patients.models import Caregiver, Patient, User
from symptoms.models import DiaryEntry, Symptom
from symptoms.services import EntryData, entry_record, entry_update

logger = logging.getLogger(__name__)

# Pending entries younger than this are left to the request that is recording them.
SWEEP_GRACE = timedelta(seconds=60)
SWEEP_BATCH = 200
MAX_EVALUATION_ATTEMPTS = 5


# The diary's ways in ---------------------------------------------------------------------


class EntryRefused(Exception):
    """entry_submit's `refuse` said no: nothing was written."""


def entry_submit(
    *,
    patient: Patient,
    entered_by: User | None,
    data: EntryData,
    client_key: uuid.UUID | None = None,
    caregiver: Caregiver | None = None,
    catalogue: dict[str, Symptom] | None = None,
    now: datetime | None = None,
    config_version: int | None = None,
    refuse: Callable[[int], bool] | None = None,
) -> tuple[DiaryEntry, bool]:
    """Save one entry and record what it means in one transaction; a repeated client key
    records nothing (returns the entry saved first, created=False). `config_version` is
    the configuration's version the request read (diary_core.config): the rules of that
    version evaluate the entry (read now when not given). `refuse`, given the number of
    entries saved in the last hour, says whether this one is not to be saved (the diary's
    hourly bound): then EntryRefused is raised and nothing is written.

    The patient's row is locked first: a patient and a caregiver saving at the same
    moment are recorded one after the other, so they make one concern, not two. Then one
    query reads everything the Save needs (alerts.care.evaluation.save_reads), the entry
    is written (already evaluated) and its outcome recorded: seven statements between
    BEGIN and COMMIT for a Save with one reading that fires nothing
    (tests/alerts/test_recording.py pins the request's count).

    If anything after the lock fails (the reads, a rule, a write), the whole transaction is
    rolled back and the entry is saved again on its own, pending: the sweep records it a
    minute later, so a patient never loses what they typed to a bug in a rule.
    """
    now = now or timezone.now()
    client_key = client_key or uuid.uuid4()
    written = False

    def write(held: Patient, **how) -> tuple[DiaryEntry, bool]:
        return entry_record(
            patient=held,
            entered_by=entered_by,
            data=data,
            client_key=client_key,
            caregiver=caregiver,
            now=now,
            catalogue=catalogue,
            **how,
        )

    try:
        with transaction.atomic():
            # The patient as locked, not as the request first read them: a lab import or a
            # flag change that held the lock before this Save is what the rules must see.
            # The lock is a statement of its own: a query that waited for it would read
            # from before the wait.
            patient = lock_patient(patient) or patient
            reads = save_reads(
                patient,
                at=data.recorded_at or now,
                client_key=client_key,
                hour_ago=now - timedelta(hours=1),
            )
            if reads.repeat_of is not None:  # a double submit, or a retried request
                return DiaryEntry.objects.get(pk=reads.repeat_of), False
            if refuse is not None and refuse(reads.saved_last_hour):
                raise EntryRefused
            # Looked up under the lock, and written evaluated: its outcome is recorded next,
            # in this transaction, or neither is kept.
            entry, _created = write(patient, checked=True, evaluated_at=now)
            rules_now = published(config_version)  # one version for the input and the rows
            entry_outcome_record(
                entry,
                now=now,
                revision=0,
                rules_now=rules_now,
                inputs=reads.inputs(entry, configs=rules_now.configs),
                marked=True,
            )
            written = True
        return entry, True
    except EntryRefused:
        raise
    except Exception:
        # Never lose what the patient typed: a read that failed (the Save's own, or a rule's
        # input that could not be turned back into values), a rule that raised, a write
        # refused. The entry alone, pending: the sweep records it a minute later. When only
        # the commit's after-hooks failed, the entry is saved already and is found by its
        # key here.
        logger.exception(
            "saving a new entry of patient %s failed on the way; saving it alone, pending",
            patient.pk,
        )
        with transaction.atomic():
            entry, created = write(lock_patient(patient) or patient)  # a repeat is found
        return entry, created or written


def entry_amend(
    *,
    entry: DiaryEntry,
    data: EntryData,
    by: User | None = None,
    catalogue: dict[str, Symptom] | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
    config_version: int | None = None,
) -> DiaryEntry:
    """Change an entry and record what the changed entry means as a new revision of its
    outcome. Alerts already raised stay (a change can add alerts, never cancel one), and
    the concern never steps down because of an edit. A change made on a copy older than
    the saved entry (`expected_version`) raises symptoms.services.EntryChanged, nothing
    written."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_patient(entry.patient)
        entry = entry_update(
            entry=entry,
            data=data,
            by=by,
            catalogue=catalogue,
            now=now,
            expected_version=expected_version,
        )
        if entry.evaluation_state == DiaryEntry.EvaluationState.PENDING:  # else: unchanged
            _record_or_leave_pending(entry, now=now, config_version=config_version)
    return entry


def _record_or_leave_pending(
    entry: DiaryEntry, *, now: datetime, config_version: int | None = None
) -> None:
    """Record a changed entry's outcome in a savepoint; if that fails, the entry stays
    saved and pending for the sweep (never lose what the patient typed)."""
    try:
        with transaction.atomic():
            entry_outcome_record(load_entry(entry.pk), now=now, config_version=config_version)
    except Exception:  # noqa: BLE001 — the entry must be saved whatever a rule does
        logger.exception("recording entry %s failed; the sweep will try again", entry.pk)


def entry_evaluate(entry_id: int, *, now: datetime | None = None) -> EntryOutcome | None:
    """Record the outcome of an entry still waiting for one (its request failed, or it was
    written without one: the demo data, a scenario, a test): the sweep's way in, through the
    same path as a request. Idempotent: None when it is recorded already, held by another
    worker, or gone."""
    now = now or timezone.now()
    with transaction.atomic():
        # The patient first, then the entry: the order a change takes (entry_amend), so a
        # sweep and an edit of the same entry wait for each other and never deadlock.
        row = (
            DiaryEntry.objects.filter(
                pk=entry_id, evaluation_state=DiaryEntry.EvaluationState.PENDING
            )
            .values("patient_id")
            .first()
        )
        if row is None:
            return None
        lock_patient(Patient(pk=row["patient_id"]))
        held = (
            DiaryEntry.objects.select_for_update(skip_locked=True)
            .filter(pk=entry_id, evaluation_state=DiaryEntry.EvaluationState.PENDING)
            .exists()
        )
        if not held:
            return None
        entry = load_entry(entry_id)
        if entry is None or entry.evaluation_state != DiaryEntry.EvaluationState.PENDING:
            return None
        return entry_outcome_record(entry, now=now)


def pending_entries_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Record the entries still pending a minute after they were saved (beat, every minute).

    Each entry is claimed with SELECT … FOR UPDATE SKIP LOCKED inside entry_evaluate, so
    concurrent sweeps never record one entry twice.
    """
    now = now or timezone.now()
    ids = list(
        DiaryEntry.objects.pending()
        .filter(
            created_at__lte=now - SWEEP_GRACE,
            evaluation_attempts__lt=MAX_EVALUATION_ATTEMPTS,
        )
        .order_by("created_at", "pk")
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


# The record ------------------------------------------------------------------------------


def entry_outcome_record(
    entry: DiaryEntry,
    *,
    now: datetime,
    revision: int | None = None,
    config_version: int | None = None,
    inputs: rules.EvaluationInput | None = None,
    rules_now: Published | None = None,
    marked: bool = False,
) -> EntryOutcome:
    """Evaluate `entry` (loaded with load_entry) once and record, in the caller's
    transaction: its outcome (a new revision after a change), the alerts of the rules that
    fired, the concern's change and the messages. The patient's row must be locked. The
    rules are those of `config_version` (diary_core.config; read now when not given).
    `inputs`: the evaluator's input, when the caller has read it already (a new
    entry's Save, which passes the rules it was built with as `rules_now`); else read
    here. `marked`: the entry was written evaluated in this transaction (a new entry's
    Save: entry_record's `evaluated_at`), so it is not marked again here."""
    rules_now = rules_now or published(config_version)
    rows, configs = rules_now.rows, rules_now.configs
    if inputs is None:
        inputs = evaluation_input(entry, configs=configs)
    evaluation = rules.evaluate(inputs)
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
    change = concern_apply(patient=entry.patient, alerts=made, now=now, entry=entry, locked=True)
    if revision is None:  # 0 as saved; each change adds a revision (the earlier ones stay)
        revision = EntryOutcome.objects.filter(entry=entry).count()
    outcome = EntryOutcome.objects.create(
        entry=entry,
        revision=revision,
        recorded_at=now,
        **outcome_fields(evaluation, rows, change),
    )
    if not marked:
        DiaryEntry.objects.filter(pk=entry.pk).update(
            evaluation_state=DiaryEntry.EvaluationState.EVALUATED,
            evaluated_at=now,
            evaluation_attempts=F("evaluation_attempts") + 1,
        )
        entry.evaluation_state = DiaryEntry.EvaluationState.EVALUATED
    return outcome


def outcome_fields(
    evaluation: rules.Evaluation, rows: dict[str, AlertRule], change: Change
) -> dict:
    """The columns of an EntryOutcome for one evaluation: what the patient is shown, in the
    words of the rules as they are now, in every language, the lead first."""
    members = [
        Member(
            key=f.rule_id,
            rule_id=f.rule_id,
            level=f.level,
            source="entry",
            at=datetime.min,
            reported=reported_codes(f.why),
        )
        for f in evaluation.fired
    ]
    first = lead(members)
    order = {rule_id: i for i, rule_id in enumerate(rules.DEFAULT_RULES)}
    fired = sorted(
        evaluation.fired,
        key=lambda f: (
            first is None or f.rule_id != first.rule_id,
            -rules.RANK[f.level],
            order[f.rule_id],
        ),
    )
    pages = []
    if fired:
        pages = list(
            EducationPage.objects.filter(
                published=True, rules__rule_id__in=[f.rule_id for f in fired]
            )
            .order_by("order", "title")
            .values_list("slug", flat=True)
            .distinct()
        )
    told = [d.since for d in evaluation.deduplicated if d.since is not None]
    return {
        "level": evaluation.level,
        "prompt_key": evaluation.prompt_key,
        "rules": sorted({f.rule_id for f in evaluation.fired}),
        "suppressed": [{"rule_id": s.rule_id, "reason": s.reason} for s in evaluation.suppressed],
        "team_alerts": sorted(set(evaluation.team_alerts)),
        "deduplicated": [
            {
                "rule_id": d.rule_id,
                "reason": d.reason,
                "since": d.since.isoformat() if d.since else None,
            }
            for d in evaluation.deduplicated
        ],
        "quieted": sorted(evaluation.quieted),
        "remeasure_minutes": evaluation.remeasure_minutes,
        "reasons": [_reason(f, rows.get(f.rule_id)) for f in fired],
        "pages": list(dict.fromkeys(pages)),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "team_told_at": max(told) if told else None,
        "concern": change.concern,
        "transition": change.transition,
    }


def _reason(firing: rules.Firing, row: AlertRule | None) -> dict:
    words = {}
    if row is not None:
        for code in settings.MODELTRANSLATION_LANGUAGES:
            said = row.words_in(code)
            words[code] = {"title": said["title"], "message": said["patient_message"]}
    return {
        "rule_id": firing.rule_id,
        "level": firing.level,
        "version": row.version if row is not None else None,
        "why": firing.why,
        "words": words,
    }
