"""What a rule draft would have done: the clinic's real entries of the last N days replayed
through the real evaluator with the draft's rules and with the live ones. Nothing is written.

Entries are streamed in batches as plain values (a query for a batch, its readings, its
reports and its patients, whatever its size: alerts.care.evaluation.plain_entries), each
patient's in order; every entry is evaluated as its
task would have evaluated it, with the two weeks of history before it and the alerts that
rule set would itself have recorded before it (so de-duplication follows each rule set).
The first two weeks before the window are replayed too, uncounted, to warm that history.

Not replayed: the periodic sweeps (missed diary, missed dose) and the injection form's
pre-dose check, which do not run on an entry.

A draft of a laboratory rule (§6) changes no entry's evaluation by itself: the entries are
replayed with each patient's flags as they are now, under both rule sets alike. What it
changes is the risk flags the clinic's results hold (alerts/authoring/lab_whatif.py,
`WhatIf.lab`); entries already saved are never evaluated again, and entries saved after
the draft is approved read the changed flags (RISK-ESC, T-FEV-ER-*).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from alerts import rules
from alerts.authoring.lab_whatif import LabWhatIf, changes_lab_flags, lab_whatif
from alerts.authoring.models import DRAFT_FIELDS, RuleDraft, WhatIfRun
from alerts.care.evaluation import HISTORY_WINDOW, _profile, plain_entries, recorded_alerts
from alerts.ruleset.loading import rule_configs, rule_rows
from alerts.ruleset.models import AlertRule, Level
from diary_core.publisher import publish_task_on_commit
from patients.models import CareTeam, Injection, Patient
from symptoms.models import DiaryEntry

BATCH = 500
EXAMPLES = 5


@dataclass
class Outcome:
    """What one rule set did over the window."""

    firings_by_level: Counter = field(default_factory=Counter)
    team_alerts_by_level: Counter = field(default_factory=Counter)
    firings_by_rule: Counter = field(default_factory=Counter)

    @property
    def firings(self) -> int:
        return sum(self.firings_by_level.values())

    @property
    def team_alerts(self) -> int:
        return sum(self.team_alerts_by_level.values())


@dataclass(frozen=True)
class Example:
    reference: str
    entry_id: int
    at: datetime
    rules: tuple[str, ...]


@dataclass
class WhatIf:
    days: int
    since: datetime
    entries: int = 0
    live: Outcome = field(default_factory=Outcome)
    draft: Outcome = field(default_factory=Outcome)
    # Patient references (with their team's name) who would gain / lose a firing.
    gained: set[tuple[str, str]] = field(default_factory=set)
    lost: set[tuple[str, str]] = field(default_factory=set)
    gained_examples: list[Example] = field(default_factory=list)
    lost_examples: list[Example] = field(default_factory=list)
    # The flags laboratory results would hold (a draft of a LAB-* rule only, else None).
    lab: LabWhatIf | None = None

    def as_json(self) -> dict:
        """Counts, rule ids and patient references: what the run page shows side by side."""
        levels = [level.value for level in (Level.URGENT, Level.CONTACT, Level.WATCH)]
        rule_ids = sorted(set(self.live.firings_by_rule) | set(self.draft.firings_by_rule))
        return {
            "days": self.days,
            "entries": self.entries,
            "levels": [
                {
                    "level": level,
                    "live": self.live.firings_by_level[level],
                    "draft": self.draft.firings_by_level[level],
                    "live_team": self.live.team_alerts_by_level[level],
                    "draft_team": self.draft.team_alerts_by_level[level],
                }
                for level in levels
            ],
            "rules": [
                {
                    "rule_id": rule_id,
                    "live": self.live.firings_by_rule[rule_id],
                    "draft": self.draft.firings_by_rule[rule_id],
                }
                for rule_id in rule_ids
                if self.live.firings_by_rule[rule_id] != self.draft.firings_by_rule[rule_id]
            ],
            "gained": [{"team": t, "reference": r} for t, r in sorted(self.gained)],
            "lost": [{"team": t, "reference": r} for t, r in sorted(self.lost)],
            "gained_examples": [_example_json(e) for e in self.gained_examples],
            "lost_examples": [_example_json(e) for e in self.lost_examples],
            "lab": None if self.lab is None else self.lab.as_json(),
        }


def _example_json(example: Example) -> dict:
    return {
        "reference": example.reference,
        "entry_id": example.entry_id,
        "at": example.at.isoformat(),
        "rules": list(example.rules),
    }


def ruleset_with_draft(draft: RuleDraft, rows: dict[str, AlertRule] | None = None) -> rules.RuleSet:
    """The live rules with the draft's rule as the draft proposes it."""
    rows = dict(rule_rows() if rows is None else rows)
    live = rows[draft.rule.rule_id]
    proposed = AlertRule(pk=live.pk, rule_id=live.rule_id, version=live.version + 1)
    for name in DRAFT_FIELDS:
        setattr(proposed, name, getattr(draft, name))
    rows[live.rule_id] = proposed
    return rule_configs(rows)


def rule_draft_try(
    *,
    draft: RuleDraft,
    days: int,
    teams: Iterable[CareTeam] | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WhatIf:
    """The what-if of `draft` over the last `days` days (of `teams`, or every team)."""
    rows = rule_rows()
    return whatif(
        draft_rules=ruleset_with_draft(draft, rows),
        live_rules=rule_configs(rows),
        days=days,
        teams=teams,
        now=now,
        progress=progress,
    )


def whatif(
    *,
    draft_rules: rules.RuleSet,
    live_rules: rules.RuleSet,
    days: int,
    teams: Iterable[CareTeam] | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> WhatIf:
    """Replay the entries of the last `days` days with both rule sets; write nothing."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    teams = None if teams is None else list(teams)
    entries = DiaryEntry.objects.filter(
        recorded_at__gte=since - HISTORY_WINDOW, recorded_at__lte=now
    )
    injections_of = Injection.objects.filter(given_at__lte=now)
    if teams is not None:
        entries = entries.filter(patient__team__in=list(teams))
        injections_of = injections_of.filter(patient__team__in=list(teams))
    total = entries.filter(recorded_at__gte=since).count()
    injections: dict[int, list[rules.Injection]] = defaultdict(list)
    for patient_id, at, dose in injections_of.order_by("given_at").values_list(
        "patient_id", "given_at", "dose_number"
    ):
        injections[patient_id].append(rules.Injection(at=at, dose=dose))
    result = WhatIf(days=days, since=since)
    state: _PatientReplay | None = None
    for chunk in plain_entries(entries, batch=batch):
        patients = Patient.objects.select_related("team").in_bulk({p for p, _e in chunk})
        for patient_id, entry in chunk:
            if state is None or state.patient_id != patient_id:
                state = _PatientReplay(patients[patient_id], injections[patient_id])
            live, draft = state.step(entry, live_rules, draft_rules)
            if entry.at < since:
                continue
            result.entries += 1
            _count(result.live, live)
            _count(result.draft, draft)
            if draft is not live:
                _compare(result, state.patient, entry, live, draft)
            if progress is not None and (result.entries % batch == 0 or result.entries == total):
                progress(result.entries, total)
    if progress is not None and result.entries < total:
        progress(total, total)
    if changes_lab_flags(live_rules, draft_rules):
        result.lab = lab_whatif(live_rules=live_rules, draft_rules=draft_rules, teams=teams)
    return result


class _PatientReplay:
    """One patient's entries, in order, with what each rule set would have recorded."""

    def __init__(self, patient: Patient, injections: list[rules.Injection]) -> None:
        self.patient_id = patient.pk
        self.patient = patient
        self.profile = _profile(patient)
        self.injections = injections
        self.given: tuple[rules.Injection, ...] = ()
        # Oldest first; trimmed from the left as the entries move on.
        self.history: deque[rules.Entry] = deque()
        self.prior = {"live": deque(), "draft": deque()}

    def step(self, plain: rules.Entry, live_rules, draft_rules):
        since = plain.at - HISTORY_WINDOW
        # The two weeks before the entry, or else the one entry before it, however old
        # ("worsening" compares with it), as the entry's task is given.
        history = self.history
        while len(history) > 1 and history[0].at < since:
            history.popleft()
        given = len(self.given)
        if given < len(self.injections) and self.injections[given].at <= plain.at:
            self.given = tuple(i for i in self.injections if i.at <= plain.at)
        names = ("live", "draft")
        for name in names:
            prior = self.prior[name]
            while prior and prior[0].at < since:
                prior.popleft()
        # The same entry under both rule sets: a check runs once unless the draft could
        # change what it finds, and while the two agree they are one evaluation
        # (rules.evaluate_pair), their alerts the same objects (compared by identity).
        out = rules.evaluate_pair(
            *(
                rules.EvaluationInput(
                    profile=self.profile,
                    injections=self.given,
                    entry=plain,
                    history=tuple(history),
                    prior_alerts=tuple(self.prior[name]),
                    rules=ruleset,
                )
                for name, ruleset in zip(names, (live_rules, draft_rules), strict=True)
            )
        )
        recorded = None
        for name, evaluation in zip(names, out, strict=True):
            if recorded is None or evaluation is not out[0]:
                recorded = recorded_alerts(plain, evaluation)
            self.prior[name].extend(recorded)
        if history and history[0].at < since:
            history.popleft()  # no longer needed once this entry is the one before
        history.append(plain)
        return out


def _count(outcome: Outcome, evaluation: rules.Evaluation) -> None:
    team = set(evaluation.team_alerts)
    for firing in evaluation.fired:
        outcome.firings_by_level[firing.level] += 1
        outcome.firings_by_rule[firing.rule_id] += 1
        if firing.rule_id in team:
            outcome.team_alerts_by_level[firing.level] += 1


def _compare(result: WhatIf, patient: Patient, entry: rules.Entry, live, draft) -> None:
    live_rules, draft_rules = set(live.rule_ids), set(draft.rule_ids)
    who = (patient.team.name, patient.reference)
    for more, people, examples in (
        (draft_rules - live_rules, result.gained, result.gained_examples),
        (live_rules - draft_rules, result.lost, result.lost_examples),
    ):
        if more:
            people.add(who)
            if len(examples) < EXAMPLES:
                examples.append(Example(who[1], entry.id, entry.at, tuple(sorted(more))))


# As a background run, with its progress and result in a database row --------------------

RUN_TASK = "alerts.tasks.try_rule_draft"
# alerts.tasks.try_rule_draft's hard time limit (under the broker's visibility timeout),
# and a margin for the kill and for clocks: a run "running" past both was interrupted.
RUN_TIME_LIMIT = timedelta(seconds=580)
RUN_STUCK_AFTER = RUN_TIME_LIMIT + timedelta(seconds=120)
# A run still queued this long after its task was published had its message lost (Redis
# restarted, a failed publish) or waits behind others: it is published again, at most
# this often, and given up after RUN_GIVE_UP with no worker taking it.
RUN_GRACE = timedelta(minutes=2)
RUN_GIVE_UP = timedelta(hours=1)
NOT_STARTED = "NotStarted"
INTERRUPTED = "Interrupted"


def whatif_run_request(*, draft: RuleDraft, days: int, by) -> WhatIfRun:
    """Queue a what-if of `draft`; a worker runs it (the task is given the row's id)."""
    run = WhatIfRun(draft=draft, days=days, requested_by=by, published_at=timezone.now())
    run.full_clean()
    run.save()
    publish_task_on_commit(RUN_TASK, run.pk)
    return run


def whatif_run_execute(run_id: int, *, now: datetime | None = None) -> WhatIfRun | None:
    """Run a queued what-if once (a conditional claim: a redelivered task does nothing)."""
    claimed = WhatIfRun.objects.filter(pk=run_id, status=WhatIfRun.Status.QUEUED).update(
        status=WhatIfRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = WhatIfRun.objects.select_related("draft__rule").get(pk=run_id)
    # Every write after the claim: not once the run was marked interrupted.
    running = WhatIfRun.objects.filter(pk=run_id, status=WhatIfRun.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        running.update(done=done, total=total)

    try:
        result = rule_draft_try(draft=run.draft, days=run.days, now=now, progress=progress)
    except Exception as exc:
        running.update(
            status=WhatIfRun.Status.FAILED,
            error=type(exc).__name__,  # never the message: it may quote an entry
            finished_at=timezone.now(),
        )
        raise
    running.update(
        status=WhatIfRun.Status.DONE,
        result=result.as_json(),
        done=result.entries,
        total=result.entries,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def whatif_runs_recover(*, now: datetime | None = None) -> tuple[int, int]:
    """Runs whose task will never come (beat, every minute): a run queued RUN_GRACE after
    its task was published is published again (a second message is harmless: the claim
    runs it once; at most once per RUN_GRACE, so a busy queue is not flooded), and given
    up after RUN_GIVE_UP; a run still "running" past the task's hard time limit and a
    margin was interrupted (its worker killed or restarted) and is marked failed, so its
    page stops waiting and says to try again. Returns (published again, marked failed)."""
    now = now or timezone.now()
    runs = WhatIfRun.objects
    failed = runs.filter(status=WhatIfRun.Status.QUEUED, created_at__lt=now - RUN_GIVE_UP).update(
        status=WhatIfRun.Status.FAILED, error=NOT_STARTED, finished_at=now
    )
    # (A run claimed before started_at was recorded counts from its request.)
    stuck = Q(started_at__lt=now - RUN_STUCK_AFTER) | Q(
        started_at__isnull=True, created_at__lt=now - RUN_STUCK_AFTER
    )
    failed += runs.filter(stuck, status=WhatIfRun.Status.RUNNING).update(
        status=WhatIfRun.Status.FAILED, error=INTERRUPTED, finished_at=now
    )
    due = Q(published_at__lt=now - RUN_GRACE) | Q(
        published_at__isnull=True, created_at__lt=now - RUN_GRACE
    )
    lost = list(runs.filter(due, status=WhatIfRun.Status.QUEUED).values_list("pk", flat=True))
    runs.filter(pk__in=lost).update(published_at=now)
    for run_id in lost:
        publish_task_on_commit(RUN_TASK, run_id)
    return len(lost), failed
