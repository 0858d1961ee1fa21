"""Sending the team's messages: each Notification row is sent by a worker, retried, and
swept up by beat when its publish was lost or its worker died.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from alerts.care.models import ConcernEvent, Notification
from alerts.care.notify import SWEEP_BATCH
from alerts.delivery.transports import TRANSPORTS, TransportError

logger = logging.getLogger(__name__)


MAX_ATTEMPTS = 5


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


def notification_send(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one notification if it is still pending. Safe to call twice or concurrently."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1, due_at=now)
    if claimed != 1:
        return "not pending"
    notification = Notification.objects.select_related(
        "concern__patient", "concern__owner", "event__by", "recipient"
    ).get(pk=notification_id)
    if _not_needed(notification):
        Notification.objects.filter(pk=notification_id).update(status=Notification.Status.CANCELLED)
        return "cancelled"
    try:
        TRANSPORTS[notification.channel].notify(notification)
    except TransportError as exc:
        give_up = exc.permanent or notification.attempts >= MAX_ATTEMPTS
        backoff = timedelta(seconds=min(30 * 2 ** (notification.attempts - 1), 1800))
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if give_up else Notification.Status.PENDING,
            last_error=exc.message[:300],
            due_at=now + backoff,
        )
        logger.warning(
            "notification %s (%s) failed: %s", notification_id, notification.channel, exc.message
        )
        return "failed" if give_up else "retry"
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=now, last_error=""
    )
    return "sent"


# A message claimed this long ago and still "sending": its worker died mid-send.
STUCK_AFTER = timedelta(minutes=10)


def notifications_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Send every due pending notification (bounded batch); in-app ones first.

    A message whose worker died while sending it is sent again: at most one duplicate,
    never a message lost (docs/operations.md).
    """
    now = now or timezone.now()
    Notification.objects.filter(
        status=Notification.Status.SENDING, due_at__lt=now - STUCK_AFTER
    ).update(status=Notification.Status.PENDING, last_error="interrupted while sending")
    ids = list(
        Notification.objects.due(now)
        .order_by("-channel", "due_at")  # in_app sorts after email: in-app first
        .values_list("pk", flat=True)[:batch]
    )
    return sum(notification_send(pk, now=now) == "sent" for pk in ids)
