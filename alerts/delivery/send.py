"""Sending the team's messages: each Notification row goes through the one outbox loop
(diary_core/outbox.py, its retry policy included); this module says only what is no
longer needed and which transport sends it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import Error, connection, transaction

from alerts.care.models import ConcernEvent, Notification
from alerts.care.notify import SWEEP_BATCH
from alerts.delivery.transports import TRANSPORTS, transports_warm
from diary_core.outbox import Cancel, Outcome, deliver_due, prepare
from diary_core.prepared import PreparedObjects
from reach.models import PushDevice

logger = logging.getLogger(__name__)

# How long the warm-up waits for a table's lock, and for any one statement.
WARM_LOCK_TIMEOUT = "250ms"
WARM_STATEMENT_TIMEOUT = "1s"


# Reminders are about a concern still waiting: not needed once someone has acknowledged it.
WHILE_WAITING = frozenset(
    {
        ConcernEvent.Kind.OVERDUE,
        ConcernEvent.Kind.REMINDER,
        ConcernEvent.Kind.PAGED,
        ConcernEvent.Kind.OUT_OF_HOURS,
    }
)


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


# One read of what a message says and whom it goes to (the transports' context, the
# recipient's address and language, what _not_needed checks): the columns, not whole rows.
# The names a reminder or a handover quotes (the owner, who passed it) load when rendered.
_LOAD = Notification.objects.select_related("concern__patient", "event", "recipient").only(
    "kind",
    "channel",
    "attempts",
    "concern__level",
    "concern__status",
    "concern__acknowledged_at",
    "concern__owner_id",
    "concern__owned_at",
    "concern__patient__reference",
    "event__kind",
    "event__at",
    "event__detail",
    "event__by_id",
    "recipient__username",
    "recipient__first_name",
    "recipient__last_name",
    "recipient__email",
    "recipient__language",
)
# The same read compiled to SQL once per process: Django compiling it was half the read's
# time, a tenth of an alert e-mail's in the worker (docs/scaling.md, issue 37).
_PREPARED = PreparedObjects.keyed("pk", lambda pk: _LOAD.filter(pk=pk))


def _load(pk: int) -> Notification:
    return _PREPARED.get(pk=pk)


def notification_send(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one notification if it is still pending and due (the outbox's outcome: "sent",
    "retry", "failed", "cancelled" or "not pending"). Safe to call twice or concurrently."""
    outcomes = deliver_due(_LOAD, _notification_deliver, now=now, only=notification_id, load=_load)
    return next(iter(outcomes))


def delivery_warm() -> None:
    """Make a worker process's first message as fast as the rest, at the process's start:
    the transports' code and templates (transports_warm), then a message that does not
    exist through the claim and the read, and the push devices' table. A new database
    connection looks up each table the first time a statement touches it (PostgreSQL's
    catalogue caches): about 12 ms on the first alert's read before this. Sends nothing.

    The database's part is best effort and bounded: a worker that starts while a migration
    holds a table's lock, or while PostgreSQL is down, starts anyway (its first message
    then pays for what was not warmed)."""
    transports_warm()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(  # for this transaction only
                    "SELECT set_config('lock_timeout', %s, true), "
                    "set_config('statement_timeout', %s, true)",
                    [WARM_LOCK_TIMEOUT, WARM_STATEMENT_TIMEOUT],
                )
            prepare(Notification)  # the claim and the "sent" record, compiled
            notification_send(0)  # claims nothing
            _PREPARED.objects(pk=0)  # compiles the read, and PostgreSQL looks its tables up
            PushDevice.objects.filter(pk=0).update(last_sent_at=None)
    except Error as exc:  # any database error: unreachable, locked, too slow
        logger.warning("worker warm-up skipped the database (%s)", type(exc).__name__)


def notifications_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Send every due pending notification (a bounded batch); returns how many were sent.

    A message whose worker died while sending it is sent again: at most one duplicate,
    never a message lost (docs/operations.md).
    """
    return deliver_due(_LOAD, _notification_deliver, now=now, batch=batch, load=_load)[Outcome.SENT]
