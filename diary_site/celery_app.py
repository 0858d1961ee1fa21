"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import (
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.settings")

from django.db import close_old_connections, connections  # noqa: E402

app = Celery("diary_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _keep_connections(**kwargs) -> None:
    """A worker process keeps its database connection for its life (CONN_MAX_AGE None),
    checked before each task that uses it (CONN_HEALTH_CHECKS) and replaced when broken.
    The web's 60 s age made each worker process open a new connection every minute, about
    10 ms on whichever alert came next. Registered before the tasks' own start-up (which
    connects), so the first connection is already a lasting one."""
    for alias in connections:
        connections[alias].settings_dict["CONN_MAX_AGE"] = None


@task_prerun.connect
@task_postrun.connect
def _reuse_connections(sender=None, **kwargs) -> None:
    """Treat each task as Django treats a request: keep the database connection for
    CONN_MAX_AGE, check it before the task uses it (CONN_HEALTH_CHECKS), and drop it when it
    broke. Celery's own default closes it around every task, which made each alert pay for
    a new PostgreSQL connection (CELERY_DB_REUSE_MAX turns that off)."""
    if not getattr(sender.request, "is_eager", False):  # an eager task is inside its caller
        close_old_connections()


@worker_process_shutdown.connect
def _say_goodbye(**kwargs) -> None:
    """A worker process that stops closes its kept mail connection with QUIT
    (diary_core/mailer.py), rather than leaving the server to time it out."""
    from diary_core import mailer

    mailer.close()


@app.task(name="diary_site.noop", ignore_result=False)
def noop() -> None:
    """Does nothing: `make bench` times its round trip as the broker's baseline."""
