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
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Notification
from scripts.services import with_database
from scripts.stack import CELERY
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry
from tests.concurrency import race, wait_for
from tests.conftest import point_celery_at

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


def test_a_redis_outage_loses_no_entry(client, bob, alice, private_redis, tmp_path):
    """(a) Redis stopped while Bob submits 20 entries; back, the sweep evaluates them all."""
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
    private_redis.restart()
    point_celery_at(private_redis.url)
    with celery_worker(private_redis.url, tmp_path):
        later = timezone.now() + timedelta(minutes=2)
        # A publish thread still retrying when Redis comes back may deliver its entry to the
        # worker first; the sweep takes whatever is still pending. Either way: each once.
        assert 0 < services.pending_entries_sweep(now=later) <= 20
        assert wait_for(lambda: evaluated(entries))
    fired = Alert.objects.filter(entry_id__in=entries, rule__rule_id="T-FEV-1")
    assert fired.count() == 20  # every entry has its fever alert, once


def test_a_worker_killed_mid_evaluation_leaves_the_alerts_exactly_once(
    bob, alice, private_redis, tmp_path
):
    """(b) SIGKILL the worker while it is inside evaluate_entry; the sweep finishes the job."""
    entry = make_entry(
        bob, timezone.now() - timedelta(minutes=5), temp="38.6", symptoms={"chills": 2}
    )
    DiaryEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    # Hold a lock the evaluation needs, so the worker is stuck mid-task when it dies.
    blocker = psycopg.connect(database_url(), autocommit=False)
    blocker.execute("LOCK TABLE alerts_alert IN ACCESS EXCLUSIVE MODE")
    try:
        with celery_worker(private_redis.url, tmp_path) as worker:
            from alerts.tasks import evaluate_entry

            evaluate_entry.apply_async(args=[entry.pk], retry=False)
            assert wait_for(lambda: _waiting_on_lock(), 20), "worker never reached the lock"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.PENDING  # rolled back whole
    assert not Alert.objects.filter(entry=entry).exists()
    assert services.pending_entries_sweep(now=timezone.now()) == 1
    assert services.pending_entries_sweep(now=timezone.now()) == 0
    rules = list(Alert.objects.filter(entry=entry).values_list("rule__rule_id", flat=True))
    assert sorted(rules) == ["INF-FLU", "T-FEV-1"]
    # One message per recipient per entry: in the app and by e-mail, on the lead alert.
    assert Notification.objects.filter(alert__entry=entry, recipient=alice).count() == 2


def _waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_a_terminated_database_connection_does_not_fail_the_next_task(bob, private_redis, tmp_path):
    """(c) pg_terminate_backend on the worker's connection mid-task; the next task succeeds."""
    # Their own publishes are lost: the worker runs only the two tasks sent below.
    with mock.patch("symptoms.services.publish_task_on_commit"):
        first = make_entry(bob, timezone.now() - timedelta(hours=2), temp="38.2")
        second = make_entry(bob, timezone.now() - timedelta(hours=1), temp="38.3")
    from alerts.tasks import evaluate_entry

    blocker = psycopg.connect(database_url())
    blocker.execute("LOCK TABLE alerts_alert IN ACCESS EXCLUSIVE MODE")
    with celery_worker(private_redis.url, tmp_path) as worker:
        evaluate_entry.apply_async(args=[first.pk], retry=False)
        assert wait_for(_waiting_on_lock, 20), "worker never reached the lock"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            assert len(cursor.fetchall()) == 1
        blocker.rollback()
        blocker.close()
        evaluate_entry.apply_async(args=[second.pk], retry=False)
        assert wait_for(lambda: evaluated([second.pk])), "the next task failed"
        assert worker.poll() is None  # the worker survived
    assert Alert.objects.filter(entry=second, rule__rule_id="T-FEV-1").exists()
    # The interrupted entry is still pending; the sweep evaluates it.
    assert not evaluated([first.pk])
    DiaryEntry.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert services.pending_entries_sweep(now=timezone.now()) == 1
    assert Alert.objects.filter(entry=first, rule__rule_id="T-FEV-1").count() == 1


def test_one_entry_submitted_twice_and_evaluated_by_two_workers(client, bob, alice):
    """(e) A double submit and two racing evaluations: one entry, one alert, one notice each."""
    client.force_login(bob.user)
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(
            reverse("symptoms:today"), {"client_key": key, "unit": "C", "temperature": "38.4"}
        )
    entry = DiaryEntry.objects.get(patient=bob)
    _, errors = race(lambda: services.entry_evaluate(entry.pk))
    services.entry_evaluate(entry.pk)  # and once more, late
    assert errors == []
    assert Alert.objects.filter(entry=entry, rule__rule_id="T-FEV-1").count() == 1
    per_recipient = Notification.objects.filter(alert__entry=entry, recipient=alice, step=0)
    assert per_recipient.count() == 2  # in-app and e-mail, once each
