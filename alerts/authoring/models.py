"""Rule authoring: a proposed change to a rule (RuleDraft) waiting for a second person,
and the what-if runs that show what it would have done.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.rules import DEFAULT_RULES
from alerts.ruleset.messages import (
    RULE_TEXT_FIELDS,
    in_each_language,
)
from alerts.ruleset.models import AlertRule, Level

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
    # (alerts.authoring.whatif.whatif_runs_recover reads both).
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
                if not _param_differs(before.get(key), after.get(key)):
                    continue
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


def _param_differs(before, after) -> bool:
    """Whether a parameter changes: as numbers when both are (a form gives "1.00" for the
    seeded "1.0", which is no change), else as written."""
    if str(before) == str(after):
        return False
    try:
        return Decimal(str(before)) != Decimal(str(after))
    except (InvalidOperation, ValueError):
        return True
