"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.settings")

from django.db import close_old_connections  # noqa: E402

app = Celery("diary_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _reuse_connections(sender=None, **kwargs) -> None:
    """Treat each task as Django treats a request: keep the database connection for
    CONN_MAX_AGE, check it before the task uses it (CONN_HEALTH_CHECKS), and drop it when it
    broke. Celery's own default closes it around every task, which made each alert pay for
    a new PostgreSQL connection (CELERY_DB_REUSE_MAX turns that off)."""
    if not getattr(sender.request, "is_eager", False):  # an eager task is inside its caller
        close_old_connections()


@app.task(name="diary_site.noop", ignore_result=False)
def noop() -> None:
    """Does nothing: `make bench` times its round trip as the broker's baseline."""
