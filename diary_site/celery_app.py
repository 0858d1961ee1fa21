"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.settings")

app = Celery("diary_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="diary_site.noop", ignore_result=False)
def noop() -> None:
    """Does nothing: `make bench` times its round trip as the broker's baseline."""
