"""The one row that says which configuration is in force (diary_core.config)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ConfigVersion(models.Model):
    """The version of the clinic's configuration: the rule rows, the engine's settings, the
    education pages and the symptom catalogue. Never written by Python: a statement-level
    trigger on each of those tables sets it to the next value of a sequence, so every
    change (the admin, publishing, QuerySet.update, bulk_create, a migration, raw SQL)
    gives a version never seen before, visible when the change commits."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # diary_core.config reads the one row by its key.
            models.CheckConstraint(condition=Q(id=1), name="diary_core_config_version_singleton"),
        ]

    def __str__(self) -> str:
        return f"configuration version {self.version}"
