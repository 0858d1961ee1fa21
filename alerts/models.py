"""Alert rules as data, alerts, episodes, and the beat heartbeat."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from alerts import rules
from alerts.rules import DEFAULT_RULES, HISTORY_DAYS, EngineWindows
from alerts.rules.concern import standing_level
from alerts.rules_admin import (
    RULE_TEXT_FIELDS,
    in_each_language,
    render_message,
    validate_rule_row,
)
from diary_core.outbox import OutboxMessage, due_index
from patients.models import CareTeam


class Level(models.TextChoices):
    """alerts.rules.Level, with the words people read."""

    NONE = rules.NONE, _("Nothing to act on")
    WATCH = rules.WATCH, _("Keep monitoring")
    CONTACT = rules.CONTACT, _("Contact the team today")
    URGENT = rules.URGENT, _("Seek attention now")


LEVEL_RANK = rules.RANK
TEAM_LEVELS = rules.TEAM_LEVELS


def level_rank() -> Case:
    """An alert's level as its rank (NONE 0 … URGENT 3), to sort and compare in SQL."""
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in rules.RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


class AlertRule(models.Model):
    """One row per rule of docs/clinical-rules.md §3, edited in the admin with history.

    The evaluator (alerts/rules.py) reads the current level, active flag and params;
    every Alert keeps a snapshot of the values it fired on.
    """

    rule_id = models.CharField(max_length=20, unique=True)
    family = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=120)
    level = models.CharField(max_length=8, choices=Level.choices)
    active = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)
    patient_message = models.TextField()
    clinician_summary = models.TextField(blank=True)
    rationale = models.TextField(blank=True, help_text=_("Why this rule exists, with sources."))
    remeasure_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # title, patient_message and clinician_summary have one column per language, and the
    # history (with every language) is registered after them: alerts/translation.py.

    class Meta:
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return f"{self.rule_id} — {self.title}"

    def clean(self) -> None:
        validate_rule_row(self)

    def rendered(self, field: str) -> str:
        """A message with its {placeholders} filled in from the current parameters."""
        return render_message(getattr(self, field), self.params, self.remeasure_minutes)

    def snapshot(self) -> dict:
        """The values an alert fired on, kept with the alert forever."""
        return {
            "rule_id": self.rule_id,
            "version": self.version,
            "title": self.title,
            "level": self.level,
            "params": self.params,
            # The words as shown then, placeholders filled in from these parameters: English
            # here, and each language that had its own words under "words" (Alert.words).
            **self.words_in(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
            "words": {
                code: self.words_in(code)
                for code in settings.MODELTRANSLATION_LANGUAGES
                if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
                and getattr(self, build_localized_fieldname("patient_message", code))
            },
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }

    def words_in(self, code: str) -> dict[str, str]:
        """The title and both messages in one language (English where it has none yet)."""
        with translation.override(code):
            return {
                "title": self.title,
                "patient_message": self.rendered("patient_message"),
                "clinician_summary": self.rendered("clinician_summary"),
            }


# What a rule change may propose: the rest of the row (id, family, version) is code's.
# The words are proposed in every language at once (alerts/translation.py): "title_en_gb",
# "title_es", "title_de", and the same for both messages.
DRAFT_FIELDS = (
    *in_each_language("title"),
    "level",
    "active",
    "params",
    "remeasure_minutes",
    *in_each_language("patient_message"),
    *in_each_language("clinician_summary"),
    "rationale",
)


class RuleDraft(models.Model):
    """A proposed change to one AlertRule, with its reason, waiting for a second person.

    The live row changes only when someone with alerts.approve_rule_change approves the
    draft (alerts/drafts.py rule_draft_approve), never the author themself unless the clinic
    is configured as a one-person clinic (settings.DIARY_SINGLE_APPROVER_CLINIC).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for review")
        PUBLISHED = "published", _("Approved and published")
        REJECTED = "rejected", _("Rejected")

    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="drafts")
    based_on_version = models.PositiveIntegerField(
        help_text=_("The rule's version when the draft was written.")
    )
    # Set when the draft restores an earlier version (a rollback).
    restores_version = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=120)
    level = models.CharField(max_length=8, choices=Level.choices)
    active = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)
    remeasure_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_message = models.TextField()
    clinician_summary = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    reason = models.TextField(_("reason for the change"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # The author approved it themself (allowed only in a configured one-person clinic).
    self_approved = models.BooleanField(default=False)
    published_version = models.PositiveIntegerField(null=True, blank=True)

    # Per-language messages and the history: alerts/translation.py.

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_rule_change", _("Can approve a change to an alert rule"))]

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.rule.rule_id}"

    def proposed(self) -> dict:
        return {name: getattr(self, name) for name in DRAFT_FIELDS}

    def changes(self) -> list[tuple[str, str, str]]:
        """(what, before, after) in words, one per changed value, against the live rule."""
        return rule_changes(self.rule, self.proposed())


class WhatIfRun(models.Model):
    """One "try this draft on the last N days" run: its progress and result live here
    (never in Redis); the task is given this row's id only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    draft = models.ForeignKey(RuleDraft, on_delete=models.CASCADE, related_name="runs")
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # Counts and patient references only (alerts/whatif.py WhatIf.as_json).
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When its task was last published, and when a worker claimed it
    # (alerts.whatif.whatif_runs_recover reads both).
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Try of draft {self.draft_id} over {self.days} days ({self.status})"

    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 100 * self.done // self.total if self.total else 0


def _words(name: str, value) -> str:
    if name == "active":
        return str(_("on") if value else _("off"))
    if name == "level":
        return str(Level(value).label) + f" ({value})" if value in Level.values else str(value)
    if value in (None, ""):
        return str(_("(none)"))
    return str(value)


def _field_words(name: str) -> str:
    """A field's name in words; a language's column says which ("Patient message — Español")."""
    languages = dict(settings.LANGUAGES)
    for code in settings.MODELTRANSLATION_LANGUAGES:
        suffix = "_" + code.replace("-", "_")
        if name.endswith(suffix) and name[: -len(suffix)] in RULE_TEXT_FIELDS:
            base = str(AlertRule._meta.get_field(name[: -len(suffix)]).verbose_name)
            return f"{base[:1].upper()}{base[1:]} — {languages[code]}"
    return str(AlertRule._meta.get_field(name).verbose_name)


def _words_differ(before, after) -> bool:
    """An untranslated column is empty or None: both mean "shows the English"."""
    if isinstance(before, str | None) and isinstance(after, str | None):
        return (before or "") != (after or "")
    return before != after


def rule_changes(rule: AlertRule, proposed: dict) -> list[tuple[str, str, str]]:
    """What `proposed` changes in `rule`, in words: each parameter on its own line."""
    definition = DEFAULT_RULES.get(rule.rule_id)
    changes = []
    for name in DRAFT_FIELDS:
        before, after = getattr(rule, name), proposed.get(name, getattr(rule, name))
        if name == "params":
            before, after = before or {}, after or {}
            for key in sorted(set(before) | set(after)):
                if str(before.get(key)) != str(after.get(key)):
                    known = definition is not None and key in definition.params
                    unit = definition.params[key].unit if known else ""
                    changes.append(
                        (
                            f"{key}",
                            f"{before.get(key, '—')} {unit}".strip(),
                            f"{after.get(key, '—')} {unit}".strip(),
                        )
                    )
        elif _words_differ(before, after):
            label = _field_words(name)
            changes.append((label, _words(name, before), _words(name, after)))
    return changes


class EngineSettings(models.Model):
    """The de-duplication windows of docs/clinical-rules.md A.0, edited in the admin with
    history. One row (pk 1); the evaluator reads it with the rules, and every alert keeps a
    copy of the values it fired on (Alert.snapshot["engine"]).

    Each window is bounded by the two weeks of history the evaluator reads.
    """

    SINGLETON = 1

    dedup_hours = models.PositiveSmallIntegerField(
        _("no re-notification within (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(HISTORY_DAYS * 24)],
        help_text=_(
            "The same rule and episode is not notified again within this many hours "
            "unless its level rises. URGENT is never held back."
        ),
    )
    persistent_days = models.PositiveSmallIntegerField(
        _("persistent unchanged symptom: re-notify after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(HISTORY_DAYS)],
        help_text=_(
            "A symptom that stays the same on every entry and every day re-notifies "
            "only when it worsens or after this many days."
        ),
    )
    episode_gap_days = models.PositiveSmallIntegerField(
        _("an episode continues while the rule fires again within (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(HISTORY_DAYS)],
        help_text=_("Beyond this, or once the team resolves its alert, a new episode starts."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert engine settings")
        verbose_name_plural = _("alert engine settings")
        constraints = [
            # rule_configs() reads the one row by its key.
            models.CheckConstraint(condition=Q(pk=1), name="alerts_engine_settings_singleton"),
            # The evaluator reads two weeks of history: no window may need more.
            models.CheckConstraint(
                condition=Q(
                    dedup_hours__gte=1,
                    dedup_hours__lte=HISTORY_DAYS * 24,
                    persistent_days__gte=1,
                    persistent_days__lte=HISTORY_DAYS,
                    episode_gap_days__gte=1,
                    episode_gap_days__lte=HISTORY_DAYS,
                ),
                name="alerts_engine_settings_windows",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Alert engine settings"))

    @classmethod
    def current(cls) -> EngineSettings:
        """The row (created with the specification's defaults if it is missing)."""
        row, _created = cls.objects.get_or_create(pk=cls.SINGLETON)
        return row

    def windows(self) -> EngineWindows:
        return EngineWindows(
            dedup=timedelta(hours=self.dedup_hours),
            persistent=timedelta(days=self.persistent_days),
            episode_gap=timedelta(days=self.episode_gap_days),
        )


class Episode(models.Model):
    """Alerts of one patient and one rule episode, grouped for de-duplication."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="episodes"
    )
    key = models.CharField(max_length=80)
    opened_at = models.DateTimeField()
    last_alert_at = models.DateTimeField()
    highest_level = models.CharField(max_length=8, choices=Level.choices)

    class Meta:
        constraints = [
            # entry_evaluate get_or_creates episodes by (patient, key).
            models.UniqueConstraint(fields=["patient", "key"], name="alerts_episode_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.key}"


class ResolutionAction(models.TextChoices):
    PHONED = "phoned_patient", _("Phoned the patient")
    ADVISED_GP = "advised_gp", _("Advised GP / urgent care")
    SENT_ED = "sent_to_ed", _("Sent to the emergency department")
    ANTIMICROBIALS = "antimicrobials", _("Antibiotics or antivirals started")
    DOSE_POSTPONED = "dose_postponed", _("Dose postponed")
    NO_ACTION = "no_action", _("No action needed")


class AlertQuerySet(models.QuerySet):
    def for_clinician(self, user) -> AlertQuerySet:
        """The alerts of the clinician's patients (CareTeam.objects.for_clinician)."""
        return self.filter(patient__team__in=CareTeam.objects.for_clinician(user))

    def team_alerts(self) -> AlertQuerySet:
        return self.filter(team_alert=True)

    def open(self) -> AlertQuerySet:
        return self.exclude(status=Alert.Status.RESOLVED)


class Alert(models.Model):
    """A rule that fired for a patient, with the snapshot and the why it fired on.

    WATCH firings and de-duplicated firings are recorded too (team_alert=False): they
    feed the digest, the timeline and later de-duplication. team_alert=True marks a
    CONTACT or URGENT alert the care team is notified about.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="alerts")
    entry = models.ForeignKey(
        "symptoms.DiaryEntry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    rule_version = models.PositiveIntegerField()
    level = models.CharField(max_length=8, choices=Level.choices)
    team_alert = models.BooleanField(default=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    episode_key = models.CharField(max_length=80)
    snapshot = models.JSONField(default=dict)
    why = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    fired_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_action = models.CharField(
        max_length=30, choices=ResolutionAction.choices, blank=True
    )
    resolution_note = models.TextField(blank=True)
    # The patient's concern this alert joined (clinical-rules.md §5): every CONTACT or URGENT
    # firing the team did not quiet. WATCH and quieted firings have none.
    concern = models.ForeignKey(
        "Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )

    history = HistoricalRecords(excluded_fields=["snapshot", "why"])
    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_at"]
        constraints = [
            # Evaluating an entry twice (task redelivery, sweep) records each rule once.
            models.UniqueConstraint(
                fields=["entry", "rule"],
                name="alerts_alert_entry_rule_unique",
                condition=Q(entry__isnull=False),
            ),
            # Sweep alerts have no entry: one per rule episode, however often beat runs.
            models.UniqueConstraint(
                fields=["patient", "rule", "episode_key"],
                name="alerts_alert_sweep_unique",
                condition=Q(entry__isnull=True),
            ),
        ]
        indexes = [
            # The evaluator reads a patient's recent alerts for de-duplication.
            models.Index(fields=["patient", "fired_at"], name="alerts_alert_patient_time"),
            # The clinic report (team/report.py) reads one period's alerts of many patients.
            models.Index(fields=["fired_at"], name="alerts_alert_time"),
            # The triage queue lists open team alerts.
            models.Index(
                fields=["status", "level", "fired_at"],
                name="alerts_alert_triage",
                condition=Q(team_alert=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.rule_id} {self.level} for {self.patient}"

    def said(self, field: str) -> str:
        """The rule's words as they were when this fired, in the reader's language: its
        own translation then, else the English then (older alerts kept English only)."""
        snapshot = self.snapshot or {}
        words = (snapshot.get("words") or {}).get(translation.get_language()) or {}
        return words.get(field) or snapshot.get(field) or ""

    @property
    def title_words(self) -> str:
        return self.said("title") or self.rule.title

    @property
    def patient_words(self) -> str:
        return self.said("patient_message")

    @property
    def summary_words(self) -> str:
        return self.said("clinician_summary") or self.title_words

    def later_amendments(self) -> list:
        """Changes the patient made to the entry after this alert fired (the alert stands:
        it was raised on what the entry said then)."""
        if self.entry_id is None:
            return []
        return [a for a in self.entry.amendments.all() if a.amended_at > self.fired_at]

    # The lifecycle of one alert: the concern's services (alerts/concerns.py) call these,
    # with the patient's row locked. Each claims the row (SELECT … FOR UPDATE), checks its
    # status and saves it, so the history shows who did what and when.

    def acknowledge(self, *, by, now: datetime) -> bool:
        """Someone is on it. False if it was not open."""
        row = Alert.objects.select_for_update().filter(pk=self.pk, status=self.Status.OPEN).first()
        if row is None:
            return False
        row.status, row.acknowledged_at, row.acknowledged_by = self.Status.ACKNOWLEDGED, now, by
        row._save_by(by)
        self.refresh_from_db()
        return True

    def resolve(self, *, by, action: str, note: str = "", now: datetime) -> bool:
        """Done, with the action taken. False if it was resolved already."""
        row = (
            Alert.objects.select_for_update()
            .filter(pk=self.pk)
            .exclude(status=self.Status.RESOLVED)
            .first()
        )
        if row is None:
            return False
        row.status, row.resolved_at, row.resolved_by = self.Status.RESOLVED, now, by
        row.resolution_action, row.resolution_note = action, note
        row.acknowledged_at = row.acknowledged_at or now
        row.acknowledged_by_id = row.acknowledged_by_id or by.pk
        row._save_by(by)
        self.refresh_from_db()
        return True

    def _save_by(self, user) -> None:
        self._history_user = user  # django-simple-history records who made the change
        self.save()


class Heartbeat(models.Model):
    """The last time a periodic job ran. /healthz reads the beat's row."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ConcernQuerySet(models.QuerySet):
    def open(self) -> ConcernQuerySet:
        return self.filter(status=Concern.Status.OPEN)

    def for_clinician(self, user) -> ConcernQuerySet:
        """The concerns of the clinician's patients (CareTeam.objects.for_clinician)."""
        return self.filter(patient__team__in=CareTeam.objects.for_clinician(user))

    def in_queue_order(self, now: datetime) -> ConcernQuerySet:
        """The team's queue order (clinical-rules.md §5): (1) unacknowledged URGENT, longest
        waiting first; (2) unacknowledged CONTACT past its response target; (3) other
        unacknowledged CONTACT; (4) acknowledged, still open, by level, then by the next due
        action (a call back asked for, then the oldest acknowledgement)."""
        unacknowledged = Q(acknowledged_at__isnull=True)
        group = Case(
            When(unacknowledged & Q(level=Level.URGENT), then=Value(1)),
            When(unacknowledged & Q(due_at__lte=now), then=Value(2)),
            When(unacknowledged, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
        next_due = Coalesce(
            Case(
                When(
                    callback_requested_at__isnull=False,
                    callback_done_at__isnull=True,
                    then=F("callback_requested_at"),
                )
            ),
            F("acknowledged_at"),
        )
        return self.annotate(
            queue_group=group, queue_rank=level_rank(), next_due_at=next_due
        ).order_by(
            "queue_group",
            # Groups 1–3: longest waiting first; group 4: URGENT first.
            Case(When(queue_group=4, then=-F("queue_rank")), default=Value(0)),
            Case(When(queue_group=4, then=F("next_due_at")), default=F("waiting_since")),
            "pk",
        )


class Concern(models.Model):
    """What stands for one patient (docs/clinical-rules.md §5): one open per patient.

    It opens with the first entry or sweep at CONTACT or URGENT; later firings join it. Its
    level is the highest of its unresolved alerts. The patient's standing advice, the team's
    queue row and every message about the patient read this row. Every change is a
    ConcernEvent (who, when, what), written by alerts/concerns.py with the patient's row
    locked.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Reached(models.TextChoices):
        """Whom the patient (or caregiver) says they reached (§5 "reached")."""

        GP = "gp", _("the GP")
        NHS_111 = "111", _("NHS 111 or the out-of-hours service")
        ED = "ed", _("the emergency department or an ambulance")
        TEAM = "team", _("the MS care team")

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="concerns"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The highest level of its unresolved alerts (the last one it had, once resolved).
    level = models.CharField(max_length=8, choices=Level.choices)
    # The alert whose reason is read first (alerts.rules.concern.lead).
    lead = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The same among the alerts whose advice the patient was given (all but LAB-*): the
    # standing advice reads these two.
    advice_level = models.CharField(max_length=8, choices=Level.choices, default=Level.NONE)
    advice_lead = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    # When it reached its level.
    level_since = models.DateTimeField()
    # Since when it has been waiting for someone to acknowledge it (None: acknowledged),
    # and when it should be acknowledged by (the response target of its level).
    waiting_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who is dealing with it ("I'll take this", or passed on by a colleague).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owned_at = models.DateTimeField(null=True, blank=True)
    owned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The patient or caregiver says they reached someone: the advice no longer stands until
    # a rise or a new URGENT firing (which clear these).
    reached = models.CharField(max_length=4, choices=Reached.choices, blank=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    reached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "Ask the team to call me", and the team's "called back".
    callback_requested_at = models.DateTimeField(null=True, blank=True)
    callback_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    callback_done_at = models.DateTimeField(null=True, blank=True)
    callback_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Reminders to the team held back until then (a higher level is a new wait, never held).
    snoozed_until = models.DateTimeField(null=True, blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_action = models.CharField(
        max_length=30, choices=ResolutionAction.choices, blank=True
    )
    resolution_note = models.TextField(blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # One open concern per patient (§5): alerts/concerns.py locks the patient's row
            # first; this keeps it so even if a path forgot.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="open"),
                name="alerts_concern_one_open",
            ),
            # An open concern is at CONTACT or URGENT.
            models.CheckConstraint(
                condition=~Q(status="open") | Q(level__in=["CONTACT", "URGENT"]),
                name="alerts_concern_open_level",
            ),
        ]
        indexes = [
            # The team's queue reads the open concerns in its order.
            models.Index(
                fields=["level", "waiting_since"],
                name="alerts_concern_queue",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} concern for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def standing(self) -> str:
        """The level of the advice that stands for the patient (NONE when none)."""
        if not self.is_open:
            return rules.NONE
        return standing_level(self.advice_level, reached=bool(self.reached))

    @property
    def callback_waiting(self) -> bool:
        return self.callback_requested_at is not None and self.callback_done_at is None

    def overdue(self, now: datetime) -> timedelta | None:
        """How long past its response target it is while nobody has acknowledged it."""
        if self.acknowledged_at is not None or self.due_at is None or now <= self.due_at:
            return None
        return now - self.due_at


class ConcernEvent(models.Model):
    """One change of a concern: who, when, what (append-only). The concern's timeline, the
    messages (each message is about one event) and the report read these."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        RAISED = "raised", _("Level raised")
        URGENT = "urgent", _("A new URGENT warning")
        JOINED = "joined", _("More warnings added")
        TAKEN = "taken", _("Taken")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        PASSED = "passed", _("Passed on")
        REACHED = "reached", _("The patient reached someone")
        NOT_YET = "not_yet", _("The patient has not reached anyone yet")
        CALLBACK = "callback", _("The patient asked for a call back")
        CALLED_BACK = "called_back", _("Called back")
        OVERDUE = "overdue", _("Past its response target")
        REMINDER = "reminder", _("Reminder")
        SNOOZED = "snoozed", _("Reminders snoozed")
        RESOLVED_SOME = "resolved_some", _("Some alerts resolved")
        RESOLVED = "resolved", _("Resolved")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The concern's level after the change.
    level = models.CharField(max_length=8, choices=Level.choices)
    entry = models.ForeignKey(
        "symptoms.DiaryEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Rule ids, alert ids, whom the patient reached, the action and the note: never a
    # reading or a symptom (those are in the alerts).
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # The concern page and the patient's timeline read a concern's events in order.
            models.Index(fields=["concern", "at"], name="alerts_concern_event_time"),
            # The clinic report counts reminders and messages by when they happened.
            models.Index(fields=["kind", "at"], name="alerts_concern_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_words(self) -> str:
        """The action the team recorded on resolving, in words ("Phoned the patient")."""
        action = (self.detail or {}).get("action", "")
        return str(ResolutionAction(action).label) if action in ResolutionAction.values else ""

    @property
    def reached_words(self) -> str:
        who = (self.detail or {}).get("who", "")
        return str(Concern.Reached(who).label) if who in Concern.Reached.values else ""


class EntryOutcome(models.Model):
    """What the diary concluded about one entry and what it told the patient, written in the
    transaction that saved the entry (clinical-rules.md §5, "Recorded once").

    The result page, "read the advice again", the history and the queue read this row;
    nothing evaluates a saved entry again with today's rules. A change to the entry is
    evaluated as a new revision; the earlier revisions stay.
    """

    entry = models.ForeignKey(
        "symptoms.DiaryEntry", on_delete=models.CASCADE, related_name="outcomes"
    )
    # 0: as saved; n: after its n-th change.
    revision = models.PositiveSmallIntegerField(default=0)
    recorded_at = models.DateTimeField()
    level = models.CharField(max_length=8, choices=Level.choices)
    # thank_you | keep_monitoring | contact_today | seek_now
    prompt_key = models.CharField(max_length=20)
    # Fired rule ids (sorted), [{rule_id, reason}] suppressed, rule ids told to the team,
    # [{rule_id, reason, since}] held back by de-duplication, rule ids the team quieted.
    rules = models.JSONField(default=list)
    suppressed = models.JSONField(default=list, blank=True)
    team_alerts = models.JSONField(default=list, blank=True)
    deduplicated = models.JSONField(default=list, blank=True)
    quieted = models.JSONField(default=list, blank=True)
    remeasure_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # The advice as shown: [{rule_id, level, version, reported, words: {language: {title,
    # message}}}], the lead first, then most serious first in the rule table's order.
    reasons = models.JSONField(default=list, blank=True)
    # The education pages linked from it (slugs).
    pages = models.JSONField(default=list, blank=True)
    # The language the patient read it in when it was saved.
    language = models.CharField(max_length=10, blank=True)
    # When the team was told about a held-back firing (the prompt says so).
    team_told_at = models.DateTimeField(null=True, blank=True)
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes"
    )
    # What it did to the concern: opened | raised | urgent | joined | "" (nothing).
    transition = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["entry", "-revision"]
        constraints = [
            # Recorded once per version of the entry (a redelivered evaluation finds it).
            models.UniqueConstraint(
                fields=["entry", "revision"], name="alerts_outcome_entry_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} for entry {self.entry_id} (revision {self.revision})"

    @property
    def remeasure_at(self) -> datetime | None:
        if not self.remeasure_minutes or self.level == Level.URGENT:
            return None
        return self.entry.recorded_at + timedelta(minutes=self.remeasure_minutes)


class NotificationQuerySet(models.QuerySet):
    def due(self, now) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.PENDING, due_at__lte=now)


class Notification(OutboxMessage):
    """One message about one change of a concern to one person on one channel.

    The row is written in the transaction that changed the concern; the outbox
    (diary_core/outbox.py) claims it before sending, so two workers never send it twice.
    It says there is something to see, never what (no health data).
    """

    recipient_path = "recipient"
    channel_path = "channel"

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        EMAIL = "email", _("E-mail")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notifications")
    # The change it is about (None for messages from before concerns existed).
    event = models.ForeignKey(
        ConcernEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(max_length=14, choices=ConcernEvent.Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One message per change, person and channel, however often it is written.
            models.UniqueConstraint(
                fields=["event", "recipient", "channel"], name="alerts_notification_once"
            ),
        ]
        indexes = [
            # The outbox claims pending rows that are due.
            due_index("alerts_notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient} ({self.status})"


class EscalationStep(models.Model):
    """A planned reminder while a concern waits for someone to acknowledge it; beat picks
    it up when due (no Celery ETA or countdown: the due time lives here).

    Step 1 is due at the response target ("past its response target"); each later step
    one escalation interval after the one before. A wait ends (and its steps with it) when
    the concern is acknowledged, raised or resolved.
    """

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="escalations")
    # The event that started the wait (opened, raised, a new URGENT).
    wait = models.ForeignKey(ConcernEvent, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            # Planning a step twice (a redelivered task) keeps one row.
            models.UniqueConstraint(fields=["wait", "step"], name="alerts_escalation_once"),
        ]
        indexes = [
            # The escalation sweep reads unprocessed due steps.
            models.Index(
                fields=["due_at"],
                name="alerts_escalation_due",
                condition=Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"step {self.step} of concern {self.concern_id} due {self.due_at:%Y-%m-%d %H:%M}"


class EducationPage(models.Model):
    """A short page a patient can read from their prompt; edited in the admin with history.

    `rules` are the rules whose prompt links here. The body is plain text: blank lines
    separate paragraphs (no HTML, so an edit can never break the page or inject script).
    """

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=200, help_text="One line shown under the link.")
    body = models.TextField(help_text="Plain text. Leave a blank line between paragraphs.")
    rules = models.ManyToManyField(AlertRule, blank=True, related_name="education_pages")
    published = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    # Per-language title, summary and body, and the history: alerts/translation.py.

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class Digest(models.Model):
    """The daily WATCH digest e-mail to one clinician for one team (one per local day).

    It says how many WATCH items there are and links to the list; never what they are.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to report")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("patients.CareTeam", on_delete=models.CASCADE, related_name="digests")
    local_day = models.DateField()
    watch_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "team", "local_day"], name="alerts_digest_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"WATCH digest for {self.recipient} ({self.team}) on {self.local_day}"


class FollowUp(models.Model):
    """The patient's answer to "Did you reach someone?" after a CONTACT or URGENT prompt."""

    class Answer(models.TextChoices):
        CARE_TEAM = "care_team", _("Yes, my MS care team")
        GP = "gp", _("Yes, my GP")
        URGENT_CARE = "urgent_care", _("Yes, urgent care or NHS 111")
        ED = "ed", _("Yes, the emergency department or an ambulance")
        NOT_YET = "not_yet", _("Not yet")

    entry = models.OneToOneField(
        "symptoms.DiaryEntry", on_delete=models.CASCADE, related_name="follow_up"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when "not yet" a day after the prompt raised a team alert (so it is raised once).
    escalated_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_answer_display()} (entry {self.entry_id})"


class QuietingQuerySet(models.QuerySet):
    def active(self, now: datetime) -> QuietingQuerySet:
        """The quiets in force at `now` (started, not expired, not lifted by then)."""
        return self.filter(
            Q(lifted_at__isnull=True) | Q(lifted_at__gt=now), starts_at__lte=now, expires_at__gt=now
        )

    def as_rules(self, now: datetime) -> dict[int, list[rules.Quiet]]:
        """The quiets in force at `now` as the evaluator's plain values, by patient id."""
        found: dict[int, list[rules.Quiet]] = {}
        for quiet in self.active(now).select_related("rule", "created_by"):
            found.setdefault(quiet.patient_id, []).append(quiet.as_rule())
        return found


class Quieting(models.Model):
    """The team's decision not to be paged about one rule, or one symptom, for one patient
    until `expires_at` (docs/clinical-safety.md, "Quieting a rule for one patient").

    A quieted firing is still recorded (team_alert=False, why["quieted"]): the timeline and
    the digest show it, the patient's advice is unchanged. URGENT firings are never quieted
    (alerts.rules.engine.quieted_by).
    """

    MAX_DAYS = 90
    DEFAULT_DAYS = 30

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="quietings"
    )
    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, null=True, blank=True, related_name="quietings"
    )
    symptom_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = QuietingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            # A quiet is about one rule or one symptom, never both or neither (the engine
            # matches on exactly one of them).
            models.CheckConstraint(
                condition=(Q(rule__isnull=False) & Q(symptom_code=""))
                | (Q(rule__isnull=True) & ~Q(symptom_code="")),
                name="alerts_quieting_rule_xor_symptom",
            ),
            # A quiet always ends: nobody silences a patient for ever by mistake.
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")),
                name="alerts_quieting_expires_after_start",
            ),
        ]
        indexes = [
            # evaluation_input and the periodic sweep read a patient's quiets in force.
            models.Index(fields=["patient", "expires_at"], name="alerts_quieting_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} quiet {self.rule.rule_id if self.rule_id else self.symptom_code}"

    @property
    def subject(self) -> str:
        return self.rule.rule_id if self.rule_id else self.symptom_code

    def as_rule(self) -> rules.Quiet:
        """The plain value the evaluator reads."""
        return rules.Quiet(
            rule_id=self.rule.rule_id if self.rule_id else "",
            symptom_code=self.symptom_code,
            reason=self.reason,
            until=self.expires_at,
            by=self.created_by.get_full_name() if self.created_by else "",
        )
