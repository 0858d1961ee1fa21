"""'Did you reach someone?' while advice stands, and "not yet" a day later.

The standing advice asks it (templates/alerts/_standing.html). A "yes" is recorded on the
concern (alerts.care.concerns.concern_reached). "Not yet" a day (FOLLOWUP_AFTER) after the entry
that raised the advice opens a team alert (DIARY-FOLLOWUP, team outreach), once per entry,
either when the patient answers or from the periodic sweep if they answered earlier.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alerts import rules
from alerts.care.concerns import REACHED_BY_ANSWER, concern_not_yet, concern_reached
from alerts.care.firings import NewFiring, firings_record
from alerts.care.models import Alert, FollowUp
from alerts.ruleset.models import AlertRule, Level
from patients.models import Patient

FOLLOWUP_AFTER = timedelta(hours=24)


@transaction.atomic
def follow_up_answer(patient: Patient, *, answer: str, user, now: datetime | None = None):
    """Record the answer to "Did you reach someone?" about the patient's open concern.
    Returns the concern (None when none is open: nothing changes)."""
    now = now or timezone.now()
    if answer in REACHED_BY_ANSWER:
        return concern_reached(patient=patient, who=REACHED_BY_ANSWER[answer], by=user, now=now)
    if answer != FollowUp.Answer.NOT_YET:
        raise ValueError(f"unknown answer {answer!r}")
    concern = concern_not_yet(patient=patient, by=user, now=now)
    for follow_up in FollowUp.objects.filter(
        entry__patient=patient, answer=FollowUp.Answer.NOT_YET, escalated_at__isnull=True
    ).select_related("entry__patient"):
        escalate_if_due(follow_up, now=now)
    return concern


def escalate_if_due(follow_up: FollowUp, *, now: datetime) -> Alert | None:
    """Open the team alert for a "not yet" answered a day or more after the prompt."""
    entry = follow_up.entry
    if follow_up.answer != FollowUp.Answer.NOT_YET or follow_up.escalated_at is not None:
        return None
    if now - entry.recorded_at < FOLLOWUP_AFTER:
        return None
    rule = AlertRule.objects.get(rule_id="DIARY-FOLLOWUP")
    firing = rules.Firing(
        rule_id="DIARY-FOLLOWUP",
        level=rule.level,
        episode_key=f"DIARY-FOLLOWUP:answer:{entry.pk}",
        why={
            "answer": "not yet",
            "asked_about_entry_at": entry.recorded_at.isoformat(),
            "answered_at": follow_up.answered_at.isoformat(),
        },
    )
    made = firings_record(
        [
            NewFiring(
                patient=entry.patient,
                entry=None,
                firing=firing,
                team_alert=rule.level in (Level.CONTACT, Level.URGENT),
                at=now,
            )
        ],
        rows={"DIARY-FOLLOWUP": rule},
        now=now,
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(escalated_at=now)
    return made[0] if made else None


def follow_ups_sweep(*, now: datetime | None = None) -> int:
    """Escalate "not yet" answers whose day has now passed (beat, with the periodic rules)."""
    now = now or timezone.now()
    due = FollowUp.objects.filter(
        answer=FollowUp.Answer.NOT_YET,
        escalated_at__isnull=True,
        entry__recorded_at__lte=now - FOLLOWUP_AFTER,
    ).select_related("entry__patient")
    count = 0
    for follow_up in due[:500]:
        with transaction.atomic():
            count += escalate_if_due(follow_up, now=now) is not None
    return count
