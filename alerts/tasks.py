"""Celery tasks. Arguments are ids only; the database is the record of what is due."""

from __future__ import annotations

import logging
from concurrent.futures import Future

from celery import shared_task
from django.utils import timezone

from alerts.models import Heartbeat
from diary_site.publisher import publisher

BEAT = "beat"
logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=10, time_limit=20)
def beat_heartbeat() -> None:
    """Record that beat, the broker and a worker all work (read by /healthz)."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})


def publish_evaluation(entry_id: int) -> Future:
    """Publish evaluate_entry for one entry off the caller's thread; never raise or block.

    The entry row is the outbox: if this publish is lost, the beat sweep re-drives the
    entry a minute later.
    """
    return publisher.submit(_publish_evaluation, entry_id)


def _publish_evaluation(entry_id: int) -> None:
    evaluate_entry.apply_async(args=[entry_id], retry=False)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def evaluate_entry(entry_id: int) -> None:
    """Evaluate one entry and record its alerts. Safe to run twice."""
    from alerts.services import entry_evaluate

    entry_evaluate(entry_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def sweep_pending_entries() -> None:
    """Evaluate entries still pending a minute after submit (beat, every minute)."""
    from alerts.services import pending_entries_sweep

    count = pending_entries_sweep()
    if count:
        logger.info("sweep evaluated %s pending entries", count)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def sweep_periodic_rules() -> None:
    """Run DIARY-GAP-*, DIARY-FOLLOWUP and INJ-MISSED for every patient (beat)."""
    from alerts.services import periodic_rules_sweep

    periodic_rules_sweep()


def publish_send_notifications() -> Future:
    """Ask a worker to send due notifications now; the beat sweep is the fallback."""
    return publisher.submit(_publish_send_notifications)


def _publish_send_notifications() -> None:
    send_due_notifications.apply_async(retry=False)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def send_due_notifications() -> None:
    """Send every due pending notification (after an alert, and every minute from beat)."""
    from alerts.notify import notifications_sweep

    notifications_sweep()


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def sweep_escalations() -> None:
    """Re-notify unacknowledged team alerts whose escalation step is due (beat)."""
    from alerts.notify import escalations_sweep

    escalations_sweep()


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def send_watch_digests() -> None:
    """Send the daily WATCH digests that are due at each team's local time (beat)."""
    from alerts.digest import digests_sweep

    sent = digests_sweep()
    if sent:
        logger.info("sent %s WATCH digests", sent)
