"""The care-team loop: who is told, when, on which channel, and what stops it.

One message per change of a patient's concern (clinical-rules.md §5), to its owner, else
the team's route. Everything that is due lives in PostgreSQL: Notification rows (pending
until sent) and EscalationStep rows (due_at). Beat sweeps pick both up every minute; no
Celery ETA. The Notification rows are sent by the one outbox loop (diary_core/outbox.py,
its retry policy included); this module only says what is no longer needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from alerts.models import Concern, ConcernEvent, EscalationStep, Level, Notification
from alerts.transports import TRANSPORTS
from diary_core.outbox import Cancel, Outcome, deliver_due
from diary_core.publisher import publish_task_on_commit
from patients.models import CareTeam, CareTeamMembership, User

MAX_ESCALATION_STEPS = 20
CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)
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

    An in-app message is delivered by being written (the inbox and the queue's badge read
    the row). Each e-mail is handed to a worker after commit, by its id alone: nothing
    between the commit and the send but the claim (bench: alert delivery). If that publish
    is lost, beat's minute sweep sends it. Returns how many were written.
    """
    rows = [
        Notification(
            concern=concern,
            event=event,
            kind=event.kind,
            recipient_id=user_id,
            channel=channel,
            due_at=now,
            **(
                {"status": Notification.Status.SENT, "sent_at": now}
                if channel == Notification.Channel.IN_APP
                else {}
            ),
        )
        for concern, event, user_ids in changes
        for user_id in dict.fromkeys(user_ids)
        for channel in CHANNELS
    ]
    # The events are new (written by the caller): nothing can be there already.
    made = Notification.objects.bulk_create(rows)
    for row in made:
        if row.channel != Notification.Channel.IN_APP:
            publish_task_on_commit("alerts.tasks.send_notification", row.pk)
    return len(made)


# Reminders are about a concern still waiting: not needed once someone has acknowledged it.
WHILE_WAITING = frozenset({ConcernEvent.Kind.OVERDUE, ConcernEvent.Kind.REMINDER})


def _not_needed(notification: Notification) -> bool:
    """A message that would say something no longer true: a reminder about a concern that
    is acknowledged or closed, or anything to someone who passed the concern on."""
    concern = notification.concern
    if notification.kind in WHILE_WAITING and (
        not concern.is_open or concern.acknowledged_at is not None
    ):
        return True
    handed_on = (
        concern.owner_id is not None
        and concern.owner_id != notification.recipient_id
        and notification.event is not None
        and concern.owned_at is not None
        and notification.event.at < concern.owned_at
        and notification.kind != ConcernEvent.Kind.PASSED
    )
    return handed_on


def _notification_deliver(notification: Notification, now: datetime) -> Cancel | None:
    """The outbox's send_one for a team message: cancelled once it would say something no
    longer true, else handed to its channel's transport."""
    if _not_needed(notification):
        return Cancel()
    TRANSPORTS[notification.channel].notify(notification)
    return None


_LOAD = Notification.objects.select_related(
    "concern__patient", "concern__owner", "event__by", "recipient"
)


def notification_send(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one notification if it is still pending and due (the outbox's outcome: "sent",
    "retry", "failed", "cancelled" or "not pending"). Safe to call twice or concurrently."""
    outcomes = deliver_due(_LOAD, _notification_deliver, now=now, only=notification_id)
    return next(iter(outcomes))


def notifications_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Send every due pending notification (a bounded batch); returns how many were sent.

    A message whose worker died while sending it is sent again: at most one duplicate,
    never a message lost (docs/operations.md).
    """
    return deliver_due(_LOAD, _notification_deliver, now=now, batch=batch)[Outcome.SENT]


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
