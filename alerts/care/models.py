"""The care record: episodes and alerts, the concern that stands for a patient and its
events, each entry's recorded outcome, the messages it owes the team (Notification) and
its escalation steps, follow-up questions and quietings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alerts import rules
from alerts.rules.concern import standing_level
from alerts.ruleset.models import AlertRule, Level, level_rank
from diary_core.outbox import Channel, OutboxMessage, due_index
from patients.models import CareTeam


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
        # The on-call rota's paging (alerts/care/oncall.py).
        PAGED = "paged", _("Paged")
        NOT_PAGED = "not_paged", _("Nobody to page")
        OUT_OF_HOURS = "out_of_hours", _("Out-of-hours route shown")

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
    def page_words(self) -> str:
        """A page in words: "Erin Evans (on call) by push and text message"; a step with
        nobody to page says whom it could not find."""
        detail = self.detail or {}
        role = {"on_call": _("on call"), "backup": _("backup")}.get(detail.get("role"), "")
        if self.kind == self.Kind.NOT_PAGED:
            return str(_("nobody %(role)s at that time") % {"role": role})
        if self.kind != self.Kind.PAGED:
            return ""
        ways = {Channel.PUSH: _("push"), Channel.SMS: _("text message"), Channel.EMAIL: _("e-mail")}
        channels = [str(ways[c]) for c in detail.get("channels", []) if c in ways]
        if not channels:
            how = _("in the app only")
        else:
            how = _("by %(channels)s") % {"channels": str(_(" and ")).join(channels)}
        return f"{detail.get('name', '')} ({role}) {how}"

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

    Channel = Channel

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
    # A text message's id at the provider, and the provider's last delivery report about
    # it ("delivered", "undelivered", "failed"; alerts/delivery/receipts.py).
    provider_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=12, blank=True)

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
            # The SMS provider's delivery report finds its message by the provider's id.
            models.Index(
                fields=["provider_id"],
                name="alerts_notification_provider",
                condition=~Q(provider_id=""),
            ),
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
        quiets = self.active(now).select_related("rule", "created_by")
        for quiet in quiets.order_by("-starts_at", "pk"):  # the newest first, as listed
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
