"""Celery tasks. Arguments are ids only; the database is the record of what is due."""

from __future__ import annotations

import logging
import os
import queue
import threading
from concurrent.futures import Future

from celery import shared_task
from django.utils import timezone

from alerts.models import Heartbeat

BEAT = "beat"
logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=10, time_limit=20)
def beat_heartbeat() -> None:
    """Record that beat, the broker and a worker all work (read by /healthz)."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})


class Publisher:
    """Publishes tasks off the caller's thread, in order, on one long-lived thread.

    A publish to a dead broker blocks for seconds (redis-py retries the connection
    whatever Celery's settings say), and a hung broker can block longer, so a request
    must never wait for one. A thread per publish cost the request a thread start (and a
    GIL hand-over) on every submit; this thread is started once per process (again after
    a fork) and is fed through a queue. At most MAX_PENDING publishes wait; beyond that
    they are dropped with a warning, which loses nothing: the database rows are the
    outbox, and the beat sweeps re-drive anything not done a minute later.
    """

    MAX_PENDING = 1000

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._pending = 0

    def submit(self, fn, *args) -> Future:
        """Queue fn(*args); the future is done when it has run (its exceptions are logged)."""
        future: Future = Future()
        with self._lock:
            if self._pid != os.getpid():  # first use in this process, or after a fork
                self._queue = queue.SimpleQueue()
                self._pending = 0
                threading.Thread(target=self._run, args=(self._queue,), name="publisher",
                                 daemon=True).start()  # fmt: skip
                self._pid = os.getpid()
            if self._pending >= self.MAX_PENDING:
                logger.warning("publish queue full; the beat sweep will pick this up")
                future.set_result(None)
                return future
            self._pending += 1
            self._queue.put((fn, args, future))
        return future

    def _run(self, work: queue.SimpleQueue) -> None:
        while True:
            fn, args, future = work.get()
            try:
                fn(*args)
            except Exception:  # noqa: BLE001 — the broker being down must not stop the thread
                logger.warning("could not publish %s; the beat sweep will retry", fn.__name__)
            finally:
                with self._lock:
                    self._pending -= 1
                future.set_result(None)


publisher = Publisher()


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
