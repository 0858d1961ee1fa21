"""Who is told, and when: one message per change of a patient's concern (clinical-rules.md
§5), to its owner, else the team's route, and the reminders while it waits (EscalationStep
rows with due_at, swept by beat every minute; no Celery ETA). Sending the messages is
alerts/delivery/send.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from alerts.care.models import Concern, ConcernEvent, EscalationStep, Notification
from alerts.ruleset.models import Level
from diary_core.publisher import publish_task_on_commit
from patients.models import CareTeam, CareTeamMembership, User
from reach.choices import NEVER_HELD, channels_for_many, held_until_many
from reach.models import Topic

logger = logging.getLogger(__name__)


MAX_ESCALATION_STEPS = 20


def topic_for(kind: str, level: str) -> str:
    """What a message about an event is about, as the person chose how to get it
    (reach.models.Topic): anything about an URGENT concern is URGENT (never muted, never
    held), its reminders included; a concern passed to someone is PASSED; a reminder of a
    concern past its target is OVERDUE; a new or raised concern, or the patient's request
    for a call back, is CONTACT below URGENT."""
    if level == Level.URGENT:
        return Topic.URGENT
    if kind == ConcernEvent.Kind.PASSED:
        return Topic.PASSED
    if kind in (ConcernEvent.Kind.OVERDUE, ConcernEvent.Kind.REMINDER):
        return Topic.OVERDUE
    return Topic.CONTACT


SWEEP_BATCH = 500


def add_working_hours(start: datetime, hours: float, team: CareTeam) -> datetime:
    """Return the instant `hours` of the team's working time after `start` (Mon–Fri)."""
    tz = ZoneInfo(team.timezone)
    at = start.astimezone(tz)
    remaining = timedelta(hours=hours)
    for _ in range(366):
        day_start = at.replace(
            hour=team.working_day_start.hour,
            minute=team.working_day_start.minute,
            second=0,
            microsecond=0,
        )
        day_end = at.replace(
            hour=team.working_day_end.hour,
            minute=team.working_day_end.minute,
            second=0,
            microsecond=0,
        )
        if at.weekday() < 5 and at < day_end:
            begin = max(at, day_start)
            if begin + remaining <= day_end:
                return begin + remaining
            remaining -= day_end - begin
        at = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return at


def next_escalation_due(level: str, after: datetime, team: CareTeam) -> datetime:
    """When the next reminder of a concern still waiting is due (the team's intervals)."""
    if level == Level.URGENT:
        return after + timedelta(minutes=team.urgent_escalation_minutes)
    return add_working_hours(after, team.contact_escalation_working_hours, team)


def _team_members(team_id: int, roles: list[str]) -> list[int]:
    return list(
        CareTeamMembership.objects.filter(
            team_id=team_id, role__in=roles, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def recipients(concern: Concern, *, with_backup: bool = False) -> list[int]:
    """Who is told about a change of the concern: its owner when it has one, else the
    team's route (the primary clinicians). with_backup: the backups too (the reminders of
    a concern nobody has acknowledged)."""
    owner = concern.owner_id
    if owner is not None and not User.objects.filter(pk=owner, is_active=True).exists():
        owner = None
    people = (
        [owner]
        if owner is not None
        else _team_members(concern.patient.team_id, [CareTeamMembership.Role.PRIMARY])
    )
    if with_backup:
        backups = _team_members(concern.patient.team_id, [CareTeamMembership.Role.BACKUP])
        people += [pk for pk in backups if pk not in people]
    return people


def concern_notify(
    concern: Concern, event: ConcernEvent, user_ids: list[int], *, now: datetime
) -> int:
    """Write one message about `event` per person and channel (see notify_many)."""
    return notify_many([(concern, event, user_ids)], now=now)


def notify_many(changes: list[tuple[Concern, ConcernEvent, list[int]]], *, now: datetime) -> int:
    """Write one message about each change (a concern, the event, the people) per person and
    channel in the caller's transaction, in one statement.

    Every person gets the in-app message; then one row per channel the person chose for
    the event's topic (topic_for) and can be reached on (reach.choices): by default
    e-mail, plus push with a device. A row held by the person's quiet hours is due at
    their end (the outbox sends it then); an URGENT one, and an in-app one, never waits.
    A fixed number of queries whatever the number of people: their choices, their devices
    and phones, their quiet hours, and the insert.

    An in-app message is delivered by being written (the inbox and the queue's badge read
    the row). Each other message is handed to a worker after commit, by its id alone:
    nothing between the commit and the send but the claim (bench: alert delivery). If that
    publish is lost, beat's minute sweep sends it. Returns how many were written.
    """
    wanted = [
        (concern, event, user_id, topic_for(event.kind, event.level))
        for concern, event, user_ids in changes
        for user_id in dict.fromkeys(user_ids)
    ]
    people = {user_id for _c, _e, user_id, _t in wanted}
    chosen = channels_for_many(people, {topic for *_rest, topic in wanted})
    held = held_until_many(
        {user_id for _c, _e, user_id, topic in wanted if topic not in NEVER_HELD}, now=now
    )
    rows = []
    for concern, event, user_id, topic in wanted:
        rows.append(
            Notification(
                concern=concern,
                event=event,
                kind=event.kind,
                recipient_id=user_id,
                channel=Notification.Channel.IN_APP,
                due_at=now,
                status=Notification.Status.SENT,
                sent_at=now,
            )
        )
        due = (None if topic in NEVER_HELD else held.get(user_id)) or now
        rows.extend(
            Notification(
                concern=concern,
                event=event,
                kind=event.kind,
                recipient_id=user_id,
                channel=channel,
                due_at=due,
            )
            for channel in chosen[(user_id, topic)]
        )
    # The events are new (written by the caller): nothing can be there already.
    made = Notification.objects.bulk_create(rows)
    for row in made:
        # A held row waits for beat's sweep at its due time.
        if row.channel != Notification.Channel.IN_APP and row.due_at <= now:
            publish_task_on_commit("alerts.tasks.send_notification", row.pk)
    return len(made)


def escalations_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Remind the team of concerns nobody has acknowledged: the first step at the response
    target ("past its response target"), then at the team's interval, adding the backups."""
    now = now or timezone.now()
    done = 0
    steps = list(
        EscalationStep.objects.filter(processed_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:batch]
    )
    for step_id in steps:
        with transaction.atomic():
            step = (
                EscalationStep.objects.select_for_update(skip_locked=True)
                .filter(pk=step_id, processed_at__isnull=True)
                .select_related("concern__patient__team")
                .first()
            )
            if step is None:  # another sweep has it
                continue
            concern = step.concern
            if not concern.is_open or concern.acknowledged_at is not None:
                step.processed_at, step.outcome = now, "not needed"
                step.save(update_fields=["processed_at", "outcome"])
                continue
            if concern.snoozed_until and concern.snoozed_until > now:
                step.due_at = concern.snoozed_until
                step.save(update_fields=["due_at"])
                continue
            step.processed_at, step.outcome = now, "renotified"
            step.save(update_fields=["processed_at", "outcome"])
            kind = ConcernEvent.Kind.OVERDUE if step.step == 1 else ConcernEvent.Kind.REMINDER
            event = ConcernEvent.objects.create(
                concern=concern, kind=kind, at=now, level=concern.level, detail={"step": step.step}
            )
            concern_notify(concern, event, recipients(concern, with_backup=True), now=now)
            if step.step < MAX_ESCALATION_STEPS:
                EscalationStep.objects.get_or_create(
                    wait=step.wait,
                    step=step.step + 1,
                    defaults={
                        "concern": concern,
                        "due_at": next_escalation_due(concern.level, now, concern.patient.team),
                    },
                )
            done += 1
    return done
