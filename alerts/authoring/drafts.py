"""Rule changes: drafted with a reason, approved by a second person, published atomically.

Every change needs the second person (switching a rule off, lowering its level and moving
a threshold alike: which direction is "safer" depends on the parameter, and the safer reading
is to ask for review of all of them). A clinic configured as a one-person clinic
(settings.DIARY_SINGLE_APPROVER_CLINIC) may approve its own drafts; each such approval is
recorded on the draft (self_approved) and in the rule's history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.authoring.models import DRAFT_FIELDS, RuleDraft, rule_changes
from alerts.care.labs import FLAG_RULES, lab_flags_refresh
from alerts.ruleset.loading import rule_configs
from alerts.ruleset.messages import (
    MESSAGE_FIELDS,
    RULE_TEXT_FIELDS,
    draft_message_problems,
    english,
    in_each_language,
    language_of,
    validate_rule_row,
    with_placeholders,
)
from alerts.ruleset.models import AlertRule

APPROVE_PERMISSION = "alerts.approve_rule_change"
# simple_history keeps the change reason in a 100-character column.
CHANGE_REASON_LENGTH = 100


class DraftRefused(Exception):
    """The change cannot be made; the message says why, in words for the admin."""


def rule_draft_create(
    *,
    rule: AlertRule,
    by,
    reason: str,
    proposed: dict[str, Any],
    restores_version: int | None = None,
) -> RuleDraft:
    """Save a proposed change as a draft; the live rule is not touched."""
    reason = (reason or "").strip()
    if not reason:
        raise DraftRefused(_("Say why the rule is being changed."))
    # "patient_message" without a language means the English words.
    proposed = {english(k) if k in RULE_TEXT_FIELDS else k: v for k, v in proposed.items()}
    values = {name: proposed.get(name, getattr(rule, name)) for name in DRAFT_FIELDS}
    if not rule_changes(rule, values):
        raise DraftRefused(_("Nothing would change: the draft is the same as the live rule."))
    _validate(rule, values)
    problems = draft_message_problems(rule, values)
    if problems:
        raise DraftRefused(
            "; ".join(f"{field}: {p}" for field, found in problems.items() for p in found)
        )
    return RuleDraft.objects.create(
        rule=rule,
        based_on_version=rule.version,
        restores_version=restores_version,
        reason=reason,
        created_by=by,
        **values,
    )


def rule_draft_rollback(*, rule: AlertRule, to_version: int, by, reason: str) -> RuleDraft:
    """A draft that restores the rule as it was at `to_version` (reviewed like any change)."""
    past = rule.history.filter(version=to_version).order_by("-history_date").first()
    if past is None:
        raise DraftRefused(
            _("There is no version %(version)s of this rule.") % {"version": to_version}
        )
    proposed = {name: getattr(past, name) for name in DRAFT_FIELDS}
    # A version saved before its translations existed (NULL, not empty) keeps today's: a
    # rollback restores the rule, it does not take a language's words away.
    for field in RULE_TEXT_FIELDS:
        for name in in_each_language(field)[1:]:  # English first; the translations after it
            if proposed[name] is None:
                proposed[name] = getattr(rule, name)
    for name in MESSAGE_FIELDS:  # an older message may still have its numbers typed in
        if proposed.get(name):
            proposed[name] = with_placeholders(
                proposed[name],
                proposed["params"],
                rule_id=rule.rule_id,
                remeasure_minutes=proposed.get("remeasure_minutes"),
                language=language_of(name),
            )
    return rule_draft_create(
        rule=rule,
        by=by,
        reason=reason,
        proposed=proposed,
        restores_version=to_version,
    )


def can_approve(draft: RuleDraft, user) -> bool:
    """May `user` approve `draft` (the permission, and not their own unless configured)?"""
    if not user.has_perm(APPROVE_PERMISSION):
        return False
    return draft.created_by_id != user.pk or settings.DIARY_SINGLE_APPROVER_CLINIC


def rule_draft_approve(
    *, draft: RuleDraft, by, note: str = "", now: datetime | None = None
) -> AlertRule:
    """Publish the draft: the rule takes its values as a new version, with its reason."""
    now = now or timezone.now()
    if not by.has_perm(APPROVE_PERMISSION):
        raise DraftRefused(_("You do not have permission to approve rule changes."))
    self_approval = draft.created_by_id == by.pk
    if self_approval and not settings.DIARY_SINGLE_APPROVER_CLINIC:
        raise DraftRefused(
            _("A second person must approve this change: you wrote the draft yourself.")
        )
    with transaction.atomic():
        row = RuleDraft.objects.select_for_update().get(pk=draft.pk)
        if row.status != RuleDraft.Status.DRAFT:
            raise DraftRefused(_("This draft has already been reviewed."))
        rule = AlertRule.objects.select_for_update().get(pk=row.rule_id)
        if rule.version != row.based_on_version:
            raise DraftRefused(
                _(
                    "The rule has changed since this draft was written (version %(then)s, "
                    "now %(now)s). Reject it and draft the change again."
                )
                % {"then": row.based_on_version, "now": rule.version}
            )
        for name in DRAFT_FIELDS:
            setattr(rule, name, getattr(row, name))
        _validate(rule, row.proposed())
        rule.version += 1
        rule._history_user = by
        rule._change_reason = _change_reason(row, self_approval)
        # In English, so the table's original columns (read by no page) keep the English.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            rule.save()
        if rule.rule_id in FLAG_RULES:
            # A laboratory limit: the flags results hold follow it from now on (§6).
            lab_flags_refresh(
                ruleset=rule_configs(),
                by=by,
                reason=f"{rule.rule_id} version {rule.version} published",
            )
        row.status = RuleDraft.Status.PUBLISHED
        row.reviewed_by, row.reviewed_at, row.review_note = by, now, note.strip()
        row.self_approved = self_approval
        row.published_version = rule.version
        row._history_user = by
        row.save()
    draft.refresh_from_db()
    return rule


def rule_draft_reject(*, draft: RuleDraft, by, note: str, now: datetime | None = None) -> None:
    """Close the draft without changing the rule (anyone who may approve it, or its author)."""
    note = (note or "").strip()
    if not note:
        raise DraftRefused(_("Say why the draft is rejected."))
    if draft.created_by_id != by.pk and not by.has_perm(APPROVE_PERMISSION):
        raise DraftRefused(_("You do not have permission to review rule changes."))
    with transaction.atomic():
        row = RuleDraft.objects.select_for_update().get(pk=draft.pk)
        if row.status != RuleDraft.Status.DRAFT:
            raise DraftRefused(_("This draft has already been reviewed."))
        row.status = RuleDraft.Status.REJECTED
        row.reviewed_by, row.reviewed_at, row.review_note = by, now or timezone.now(), note
        row._history_user = by
        row.save()
    draft.refresh_from_db()


def _validate(rule: AlertRule, values: dict[str, Any]) -> None:
    candidate = AlertRule(rule_id=rule.rule_id, **values)
    try:
        validate_rule_row(candidate)
    except ValidationError as exc:
        raise DraftRefused("; ".join(exc.messages)) from exc


def _change_reason(draft: RuleDraft, self_approval: bool) -> str:
    who = _("self-approved") if self_approval else _("approved by a second person")
    text = f"Draft {draft.pk} ({who}): {draft.reason}"
    return text if len(text) <= CHANGE_REASON_LENGTH else text[: CHANGE_REASON_LENGTH - 1] + "…"
