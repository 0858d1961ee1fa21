"""Publishing Celery tasks without ever blocking the caller (a request, a sweep).

Shared by every app: the database rows are the outbox, this only says "look now".
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from concurrent.futures import Future

from celery import current_app as app
from django.db import transaction

logger = logging.getLogger(__name__)


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
                threading.Thread(
                    target=self._run, args=(self._queue,), name="publisher", daemon=True
                ).start()
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


def publish_task(name: str, *args: int) -> Future:
    """Ask a worker to run task `name` (by name: the caller never imports the task's app),
    off the caller's thread; never raise or block. Arguments are ids only.

    The database row is the outbox: if this publish is lost, a beat sweep re-drives the
    work a minute later.
    """
    return publisher.submit(_send_task, name, args)


def _send_task(name: str, args: tuple) -> None:
    app.send_task(name, args=list(args), retry=False)


def publish_task_on_commit(name: str, *args: int) -> None:
    """publish_task once the surrounding transaction commits (never inside it)."""
    transaction.on_commit(lambda: publish_task(name, *args))
