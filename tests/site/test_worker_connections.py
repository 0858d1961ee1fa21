"""A Celery worker keeps its database connection between tasks, as a web process does
between requests: a new PostgreSQL connection per task was most of an alert's delivery."""

from __future__ import annotations

import time

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
    next); it is still checked before each task and replaced when broken (above)."""
    from celery.signals import worker_process_init

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    worker_process_init.send(sender=None)
    first = connection.connection
    assert first is not None and connection.close_at is None
    run_task()
    run_task()
    connection.ensure_connection()
    assert connection.connection is first
