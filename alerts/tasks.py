"""Celery tasks: thin, ids only; the database is the record of what is due.

Tasks call services; services never call tasks (they publish by task name, after commit:
diary_core.publisher), so the two never import each other.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_init, worker_process_init
from django.utils import timezone

from alerts.authoring.whatif import RUN_TIME_LIMIT, whatif_run_execute, whatif_runs_recover
from alerts.care.followup import follow_ups_sweep
from alerts.care.notify import escalations_sweep
from alerts.care.oncall import pages_sweep
from alerts.care.recording import pending_entries_sweep
from alerts.care.sweeps import periodic_rules_sweep
from alerts.delivery.digest import digests_sweep
from alerts.delivery.send import delivery_warm, notification_send, notifications_sweep
from alerts.models import Heartbeat

BEAT = "beat"
logger = logging.getLogger(__name__)


def _warm(**kwargs) -> None:
    """Each worker process gets ready for its first alert (delivery_warm)."""
    delivery_warm()


@worker_init.connect
def _warm_each_process(**kwargs) -> None:
    """Connect _warm to each worker process's start, now: Celery's Django fixup connects
    its own process-start hook from its worker_init receiver (which runs before this one),
    and that hook closes every database connection the process has. Connected at import,
    the warm-up ran first and its connection was closed under it."""
    worker_process_init.connect(_warm, weak=False, dispatch_uid="alerts.tasks._warm")


@shared_task(ignore_result=True, soft_time_limit=10, time_limit=20)
def beat_heartbeat() -> None:
    """Record that beat, the broker and a worker all work (read by /healthz)."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def sweep_pending_entries() -> None:
    """Record the entries whose request could not (beat, every minute)."""
    count = pending_entries_sweep()
    if count:
        logger.info("sweep evaluated %s pending entries", count)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def sweep_periodic_rules() -> None:
    """The periodic rules for every patient (DIARY-GAP-*, DIARY-FOLLOWUP, INJ-MISSED, the
    pre-dose check), then the "not yet" answers a day old (beat)."""
    periodic_rules_sweep()
    follow_ups_sweep()


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=40)
def send_notification(notification_id: int) -> None:
    """Send one message now (published after the commit that wrote it). Safe to run twice:
    the row is claimed first."""
    notification_send(notification_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def send_due_notifications() -> None:
    """Send every due pending notification (after an alert, and every minute from beat)."""
    notifications_sweep()


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def sweep_escalations() -> None:
    """Remind the team of concerns nobody has acknowledged, when due (beat)."""
    escalations_sweep()


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def sweep_pages() -> None:
    """Page the rota about URGENT concerns nobody has acknowledged, when due (beat). A task
    of its own: a failing reminder sweep never stops a page."""
    pages_sweep()


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def send_watch_digests() -> None:
    """Write the daily WATCH digests that are due at each team's local time, and send the
    due ones through the outbox, retries included (beat)."""
    sent = digests_sweep()
    if sent:
        logger.info("sent %s WATCH digests", sent)


# Under the broker's visibility timeout (600 s), or Redis hands the message to a second
# worker while the first still runs it.
@shared_task(
    ignore_result=True,
    soft_time_limit=RUN_TIME_LIMIT.total_seconds() - 40,
    time_limit=RUN_TIME_LIMIT.total_seconds(),
)
def try_rule_draft(run_id: int) -> None:
    """Run a queued "try this draft on the last N days" (alerts.models.WhatIfRun)."""
    whatif_run_execute(run_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def recover_whatif_runs() -> None:
    """Publish again the what-ifs whose message was lost; fail the interrupted ones (beat)."""
    again, failed = whatif_runs_recover()
    if again or failed:
        logger.info("what-if runs: %s published again, %s marked failed", again, failed)
