"""The published rule set: each rule's levels, thresholds and words (AlertRule), the
engine's settings, the education pages a rule links to, and the levels themselves.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from alerts import rules
from alerts.rules import HISTORY_DAYS, EngineWindows
from alerts.ruleset.messages import (
    render_message,
    validate_rule_row,
)


class Level(models.TextChoices):
    """alerts.rules.Level, with the words people read."""

    NONE = rules.NONE, _("Thank you — nothing needs action today")
    WATCH = rules.WATCH, _("Keep monitoring")
    CONTACT = rules.CONTACT, _("Contact your care team today")
    URGENT = rules.URGENT, _("Seek medical attention now")


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
