"""Alert rules as data, alerts, episodes, and the beat heartbeat."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from alerts import rules
from alerts.rules import DEFAULT_RULES, HISTORY_DAYS, EngineWindows
from alerts.rules_admin import (
    RULE_TEXT_FIELDS,
    in_each_language,
    render_message,
    validate_rule_row,
)
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
    snoozed_until = models.DateTimeField(null=True, blank=True)
    snoozed_at = models.DateTimeField(null=True, blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who is dealing with this patient's alerts ("I'll take this", or passed on by a colleague).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owned_at = models.DateTimeField(null=True, blank=True)
    owned_by = models.ForeignKey(  # who made them the owner (themself, or a colleague)
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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

    def entry_team_alerts(self) -> AlertQuerySet:
        """The team alerts raised with this one: the entry's (alerts/notify.py notice_leads
        sends one message for them all), or just this one for a sweep alert."""
        if self.entry_id is None:
            return Alert.objects.filter(pk=self.pk)
        return Alert.objects.filter(entry_id=self.entry_id, team_alert=True)

    def waiting(self) -> bool:
        """Is anyone still to acknowledge this alert or those raised with it? The lead
        alert's reminders go on until the last of them is acknowledged."""
        return self.status == self.Status.OPEN or (
            self.entry_id is not None
            and self.entry_team_alerts().filter(status=self.Status.OPEN).exists()
        )

    def later_amendments(self) -> list:
        """Changes the patient made to the entry after this alert fired (the alert stands:
        it was raised on what the entry said then)."""
        if self.entry_id is None:
            return []
        return [a for a in self.entry.amendments.all() if a.amended_at > self.fired_at]

    # The lifecycle. Each step claims the row (SELECT … FOR UPDATE) and checks its status,
    # so two nurses acting at once change it once, and saves it, so that the history shows
    # who did what and when (QuerySet.update() left no history at all).

    @transaction.atomic
    def acknowledge(self, *, by, now: datetime | None = None) -> bool:
        """Someone is on it: reminders stop on every channel. False if it was not open."""
        now = now or timezone.now()
        claimed = Alert.objects.select_for_update().filter(pk=self.pk, status=self.Status.OPEN)
        row = claimed.first()
        if row is None:
            return False
        row.status, row.acknowledged_at, row.acknowledged_by = self.Status.ACKNOWLEDGED, now, by
        row._save_by(by)
        self.refresh_from_db()
        row.notifications.filter(status=Notification.Status.PENDING, step__gt=0).update(
            status=Notification.Status.CANCELLED
        )
        return True

    @transaction.atomic
    def resolve(self, *, by, action: str, note: str = "", now: datetime | None = None) -> bool:
        """Done, with the action taken: reminders stop. False if it was resolved already."""
        now = now or timezone.now()
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
        row.notifications.filter(status=Notification.Status.PENDING).exclude(
            step=0, channel=Notification.Channel.IN_APP
        ).update(status=Notification.Status.CANCELLED)
        return True

    @transaction.atomic
    def snooze(self, *, by, until: datetime) -> bool:
        """Delay this alert's escalation; a higher-level alert is a new alert, never hidden.
        False if it was resolved already."""
        row = (
            Alert.objects.select_for_update()
            .filter(pk=self.pk)
            .exclude(status=self.Status.RESOLVED)
            .first()
        )
        if row is None:
            return False
        row.snoozed_until, row.snoozed_at, row.snoozed_by = until, timezone.now(), by
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


class NotificationQuerySet(models.QuerySet):
    def due(self, now) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.PENDING, due_at__lte=now)


class Notification(models.Model):
    """One message about one alert to one person on one channel, at one escalation step.

    The row is written before sending and claimed with a conditional UPDATE
    (pending -> sending), so two workers never send it twice.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not needed (acknowledged)")

    class Kind(models.TextChoices):
        ALERT = "alert", _("New alert or reminder")
        HANDOVER = "handover", _("Passed to you by a colleague")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALERT)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    step = models.PositiveSmallIntegerField(default=0, help_text=_("0 = first notice."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A task run twice, or two workers, write each notice once.
            models.UniqueConstraint(
                fields=["alert", "recipient", "channel", "step", "kind"],
                name="alerts_notification_unique",
            ),
        ]
        indexes = [
            # The notification sweep picks pending rows that are due.
            models.Index(
                fields=["due_at"],
                name="alerts_notification_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient} ({self.status})"


class EscalationStep(models.Model):
    """A planned re-notification of an unacknowledged alert; beat picks it up when due.

    No Celery ETA or countdown: the due time lives here, in the database.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="escalations")
    step = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            # Planning a step twice (task redelivery) keeps one row.
            models.UniqueConstraint(fields=["alert", "step"], name="alerts_escalation_unique"),
        ]
        indexes = [
            # The escalation sweep reads unprocessed due steps.
            models.Index(
                fields=["due_at"],
                name="alerts_escalation_due",
                condition=Q(processed_at__isnull=True),
            ),
            # The clinic report (team/report.py) counts re-notifications by when they ran.
            models.Index(
                fields=["processed_at"],
                name="alerts_escalation_renotified",
                condition=Q(outcome="renotified"),
            ),
        ]

    def __str__(self) -> str:
        return f"step {self.step} of alert {self.alert_id} due {self.due_at:%Y-%m-%d %H:%M}"


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
