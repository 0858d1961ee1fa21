"""Fault tests against real processes this test starts and stops by PID (research P-list).

A private redis-server and a real `celery worker` process share the test database (the
tests are transactional so the worker sees their commits). Nothing here fakes a broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from alerts.delivery import send
from alerts.models import Alert, Concern, EntryOutcome, Notification
from diary_core import outbox
from scripts.services import with_database
from scripts.stack import CELERY
from symptoms.models import DiaryEntry
from tests.alerts.factories import submit_entry
from tests.concurrency import race, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database's URL, for the worker process and a second connection."""
    return with_database(os.environ["DATABASE_URL"], settings.DATABASES["default"]["NAME"])


@contextmanager
def celery_worker(broker: str, tmp_path: Path, queues: str = "") -> Iterator[subprocess.Popen]:
    """A real worker process on the test database (all queues, or only `queues`);
    stopped (or found dead) by PID."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diary_site.test_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            *CELERY,
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
            *(["-Q", queues] if queues else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: "ready" in (tmp_path / log.name).read_text(), 30), (
            "worker did not start"
        )
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def submit(client, **data):
    post = {"client_key": str(uuid.uuid4()), "unit": "C", **data}
    started = time.monotonic()
    response = client.post(reverse("symptoms:today"), post)
    return response, time.monotonic() - started


def evaluated(entry_ids) -> bool:
    return not DiaryEntry.objects.filter(
        pk__in=list(entry_ids), evaluation_state=DiaryEntry.EvaluationState.PENDING
    ).exists()


def sent(**filters) -> int:
    return Notification.objects.filter(status="sent", **filters).count()


def test_a_redis_outage_loses_no_entry_and_no_message(
    client, bob, alice, private_redis, tmp_path, mailoutbox
):
    """(a) Redis stopped while Bob submits 20 entries: each is saved and recorded in its
    request; back, the worker sends the concern's one message, once."""
    client.force_login(bob.user)
    private_redis.stop()
    times = []
    for i in range(20):
        response, took = submit(client, temperature=f"{38.0 + i / 100:.2f}"[:4])
        assert response.status_code == 302
        times.append(took)
    entries = list(DiaryEntry.objects.filter(patient=bob).values_list("pk", flat=True))
    assert len(entries) == 20
    assert max(times) < 2, f"slowest submit {max(times):.2f} s"
    assert evaluated(entries)  # recorded in the requests, Redis or not
    assert EntryOutcome.objects.filter(entry_id__in=entries).count() == 20
    assert Concern.objects.get(patient=bob).level == "CONTACT"
    waiting = Notification.objects.filter(status="pending")
    assert waiting.count() == 1  # the concern's one e-mail (in the app: delivered at once)
    private_redis.restart()
    with celery_worker(private_redis.url, tmp_path):
        from alerts.tasks import send_due_notifications

        assert wait_for(lambda: _published(send_due_notifications), 30)  # beat's minute sweep
        assert wait_for(lambda: sent() == 2)
    fired = Alert.objects.filter(entry_id__in=entries, rule__rule_id="T-FEV-1")
    assert fired.count() == 20  # every entry has its fever alert, once


def test_a_worker_killed_mid_delivery_leaves_the_message_sent_exactly_once(
    bob, alice, private_redis, tmp_path
):
    """(b) SIGKILL the worker while it is sending; the sweep sends what it was sending, once.

    The worker dies waiting on a lock; its claim may still be applied by PostgreSQL after
    the lock is released (nobody told the server the client went away), leaving the row
    "sending": the sweep takes it back after outbox.STUCK_AFTER."""
    submit_entry(bob, timezone.now() - timedelta(minutes=5), temp="38.6", symptoms={"chills": 2})
    assert Notification.objects.filter(status="pending").count() == 1
    # Hold a lock the delivery needs, so the worker is stuck mid-task when it dies.
    blocker = psycopg.connect(database_url(), autocommit=False)
    blocker.execute("LOCK TABLE alerts_notification IN ACCESS EXCLUSIVE MODE")
    try:
        with celery_worker(private_redis.url, tmp_path) as worker:
            # The e-mail's own task was published on commit: the worker takes it at once.
            assert wait_for(lambda: _waiting_on_lock(), 20), "worker never reached the lock"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
    email = Notification.objects.get(channel="email")
    assert wait_for(lambda: Notification.objects.get(pk=email.pk).status in ("pending", "sending"))
    # After the worker's claim (its own clock: a test clock does not reach that process).
    claimed = max(timezone.now(), Notification.objects.get(pk=email.pk).due_at)
    later = claimed + outbox.STUCK_AFTER + timedelta(minutes=1)
    assert send.notifications_sweep(now=later) == 1
    assert send.notifications_sweep(now=later) == 0
    assert sent(recipient=alice) == 2  # in the app and by e-mail, once each


def test_a_message_whose_worker_died_while_sending_is_sent_again(bob, alice, mailoutbox):
    """A row left "sending" (its worker gone after the claim) is picked up again: at most
    one duplicate, never lost."""
    now = timezone.now()
    submit_entry(bob, now, temp="38.6")
    email = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=email.pk).update(status="sending", due_at=now, attempts=1)
    assert send.notifications_sweep(now=now + timedelta(minutes=5)) == 0  # still its worker's
    assert send.notifications_sweep(now=now + timedelta(minutes=11)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(mailoutbox) == 1


def _published(task) -> bool:
    try:
        task.apply_async(retry=False)
    except Exception:  # noqa: BLE001 — the broker may still be coming back
        return False
    return True


def _waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_a_terminated_database_connection_does_not_fail_the_next_task(
    bob, alice, private_redis, tmp_path
):
    """(c) pg_terminate_backend on the worker's connection mid-task; the next task succeeds."""
    submit_entry(bob, timezone.now() - timedelta(hours=1), temp="38.3")
    from alerts.tasks import send_due_notifications

    blocker = psycopg.connect(database_url())
    blocker.execute("LOCK TABLE alerts_notification IN ACCESS EXCLUSIVE MODE")
    with celery_worker(private_redis.url, tmp_path) as worker:
        send_due_notifications.apply_async(retry=False)
        assert wait_for(_waiting_on_lock, 20), "worker never reached the lock"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            assert len(cursor.fetchall()) == 1
        blocker.rollback()
        blocker.close()
        send_due_notifications.apply_async(retry=False)
        assert wait_for(lambda: sent() == 2), "the next task failed"
        assert worker.poll() is None  # the worker survived
    assert sent(recipient=alice) == 2


def test_one_entry_submitted_twice_and_recorded_twice_at_once(client, bob, alice):
    """(e) A double submit and two racing recordings: one entry, one outcome, one alert, one
    message each."""
    client.force_login(bob.user)
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(
            reverse("symptoms:today"), {"client_key": key, "unit": "C", "temperature": "38.4"}
        )
    entry = DiaryEntry.objects.get(patient=bob)
    _, errors = race(lambda: recording.entry_evaluate(entry.pk))
    recording.entry_evaluate(entry.pk)  # and once more, late
    assert errors == []
    assert EntryOutcome.objects.filter(entry=entry).count() == 1
    assert Alert.objects.filter(entry=entry, rule__rule_id="T-FEV-1").count() == 1
    assert Notification.objects.filter(recipient=alice).count() == 2  # in-app and e-mail
