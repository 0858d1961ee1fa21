"""A Celery worker keeps its database connection between tasks, as a web process does
between requests: a new PostgreSQL connection per task was most of an alert's delivery."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from diary_site.celery_app import app, noop

# The task's own connection, in autocommit as a worker's is (not the test's transaction).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_task() -> None:
    """What a worker does around a task: Celery's Django fixup and our handlers."""
    fixup = DjangoWorkerFixup(app)
    for signal, fixup_hook in (
        (task_prerun, fixup.on_task_prerun),
        (task_postrun, fixup.on_task_postrun),
    ):
        fixup_hook(sender=noop)
        signal.send(sender=noop, task_id="t", task=noop, args=(), kwargs={})


def fresh_connection():
    """A connection opened now (the session's may be older than CONN_MAX_AGE already)."""
    connection.close()
    connection.ensure_connection()
    return connection.connection


def test_two_tasks_in_a_row_use_one_connection():
    first = fresh_connection()
    run_task()
    connection.ensure_connection()
    run_task()
    assert connection.connection is first
    assert connection.cursor().execute("SELECT 1") is not None


def test_a_connection_past_its_age_is_replaced_before_the_task():
    first = fresh_connection()
    connection.close_at = time.monotonic() - 1  # CONN_MAX_AGE has passed
    run_task()
    connection.ensure_connection()
    assert connection.connection is not first


def test_a_broken_connection_is_replaced_before_the_task():
    first = fresh_connection()
    first.close()  # PostgreSQL restarted while the worker was idle
    connection.errors_occurred = True
    run_task()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.connection is not first


def test_a_worker_process_connects_at_start_and_keeps_the_connection(monkeypatch):
    """At a worker process's start the connection opens and lasts the process's life (the
    web's CONN_MAX_AGE made each worker reconnect every minute, on whichever alert came
    next); it is still checked before each task and replaced when broken (above). The two
    hooks are called here in the order a worker process runs them; the signal itself, with
    Celery's own hook among its receivers, is sent in the test below, in a process of its
    own (another test of this suite may have installed Celery's hooks in this one)."""
    from alerts import tasks
    from diary_site.celery_app import _keep_connections

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    _keep_connections()
    tasks._warm()
    first = connection.connection
    assert first is not None and connection.close_at is None
    run_task()
    run_task()
    connection.ensure_connection()
    assert connection.connection is first


def test_a_worker_starts_even_when_a_migration_holds_the_outbox_lock(caplog):
    """The warm-up's database part waits at most WARM_LOCK_TIMEOUT for a table's lock
    (a migration's, say) and then gives up: the worker starts; its first message pays for
    what was not warmed. Before, the worker hung at start until the lock was released."""
    import psycopg
    from django.conf import settings

    from alerts.delivery import send
    from scripts.services import with_database

    url = with_database(os.environ["DATABASE_URL"], settings.DATABASES["default"]["NAME"])
    blocker = psycopg.connect(url, autocommit=False)
    blocker.execute("LOCK TABLE alerts_notification IN ACCESS EXCLUSIVE MODE")
    try:
        started = time.monotonic()
        send.delivery_warm()
        waited = time.monotonic() - started
    finally:
        blocker.rollback()
        blocker.close()
    assert waited < 10  # the lock's 0.25 s, not the lock holder's time (it never lets go)
    assert "warm-up skipped the database (OperationalError)" in caplog.text
    with connection.cursor() as cursor:  # the connection is usable, its timeouts gone
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


def test_the_warm_connection_survives_celerys_own_process_start():
    """In a worker's own order of start-up signals: Celery's Django fixup closes every
    connection at each process's start, so the warm-up must run after it and its
    connection still be open, kept for the process's life. Run in a process of its own
    (the fixup, once installed, would close the connections of every later test)."""
    from django.conf import settings

    from scripts.services import with_database

    script = (
        "from celery import signals\n"
        "from diary_site.celery_app import app\n"
        "app.loader.init_worker()\n"  # the worker imports the tasks
        "signals.worker_init.send(sender=None)\n"  # the fixup installs its hooks
        "signals.worker_process_init.send(sender=None)\n"  # a child starts
        "from django.db import connection\n"
        "alive = connection.connection is not None and not connection.connection.closed\n"
        "print('OPEN' if alive else 'CLOSED', connection.settings_dict['CONN_MAX_AGE'])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diary_site.test_settings",
        "DATABASE_URL": with_database(
            os.environ["DATABASE_URL"], settings.DATABASES["default"]["NAME"]
        ),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "OPEN None" in done.stdout, done.stderr[-3000:]
