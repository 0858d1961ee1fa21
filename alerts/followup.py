"""'Did you reach someone?' after a CONTACT or URGENT prompt.

The next visit to the diary asks it. "Not yet" a day (FOLLOWUP_AFTER) after the prompt
opens a team alert (DIARY-FOLLOWUP, team outreach), once per prompt, either when the
patient answers or from the periodic sweep if they answered earlier.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts import rules
from alerts.models import Alert, AlertRule, FollowUp, Level
from alerts.notify import alerts_open_team_notices
from alerts.services import NewFiring, record_firings
from patients.models import Patient
from symptoms.models import DiaryEntry

ASK_WITHIN = timedelta(days=3)
FOLLOWUP_AFTER = timedelta(hours=24)
# A "reached someone" answer settles the advice; "not yet" does not.
REACHED = frozenset(FollowUp.Answer.values) - {FollowUp.Answer.NOT_YET}


def standing_advice(patient: Patient, *, now: datetime | None = None) -> Alert | None:
    """Today's highest advice that still stands: the latest CONTACT or URGENT alert of the
    patient's local day that the team has not resolved and that no "yes, I reached
    someone" answer has settled. An answer settles the alerts recorded before it, on any
    of the patient's entries (the question is asked about the latest warning only); an
    alert recorded after it (a changed entry raising URGENT) stands again. Shown on every
    later result, on Today and on the history, to the patient and the caregiver alike, so
    that a later, milder entry never reads as "nothing needs action" while it stands."""
    now = now or timezone.now()
    reached_at = FollowUp.objects.filter(
        entry__patient=patient, answer__in=REACHED, answered_at__lte=now
    ).aggregate(latest=Max("answered_at"))["latest"]
    candidates = (
        Alert.objects.filter(
            patient=patient,
            entry__local_day=patient.today(now=now),
            level__in=(Level.CONTACT, Level.URGENT),
            fired_at__lte=now,
        )
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("entry", "rule")
    )
    if reached_at is not None:
        candidates = candidates.filter(created_at__gt=reached_at)
    return max(
        candidates, key=lambda alert: (rules.RANK[alert.level], alert.fired_at), default=None
    )


def entry_to_ask_about(patient: Patient, *, now: datetime | None = None) -> DiaryEntry | None:
    """The latest entry of the last 3 days whose prompt was CONTACT/URGENT, if not yet answered
    (or answered "not yet")."""
    now = now or timezone.now()
    latest_warning = (
        Alert.objects.filter(
            patient=patient,
            entry__isnull=False,
            level__in=(Level.CONTACT, Level.URGENT),
            fired_at__gte=now - ASK_WITHIN,
            fired_at__lte=now,
        )
        .select_related("entry")
        .order_by("-fired_at")
        .first()
    )
    if latest_warning is None:
        return None
    entry = latest_warning.entry
    answer = FollowUp.objects.filter(entry=entry).values_list("answer", flat=True).first()
    if answer is not None and answer != FollowUp.Answer.NOT_YET:
        return None
    return entry


@transaction.atomic
def follow_up_answer(entry: DiaryEntry, *, answer: str, user, now: datetime | None = None):
    now = now or timezone.now()
    follow_up, _ = FollowUp.objects.update_or_create(
        entry=entry, defaults={"answer": answer, "answered_at": now, "answered_by": user}
    )
    escalate_if_due(follow_up, now=now)
    return follow_up


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
    made = record_firings(
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
    )
    alert = made[0] if made else None
    FollowUp.objects.filter(pk=follow_up.pk).update(escalated_at=now)
    if alert is not None and alert.team_alert:
        alerts_open_team_notices([alert], now=now)
    return alert


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
