from __future__ import annotations

# Load the Celery app with Django so that shared tasks bind to it.
from .celery_app import app as celery_app

__all__ = ("celery_app",)
