"""Per-process caches of the clinic's configuration, keyed by its version.

The rule rows, the engine's settings and the symptom catalogue are the same for every
request and change only when someone edits them. Each process keeps the last copy it read
with the version it was read at (diary_core.models.ConfigVersion), and reads the version,
one tiny query, before each use: a change anywhere (the admin, publishing, QuerySet.update,
bulk_create, a migration, raw SQL) sets a new version through the tables' triggers, so the
next use reads the new rows. Nothing is kept across processes, and no health data is kept.

A version read before a copy is loaded can only be older than the copy (the copy is read
after it): the next request then sees a newer version and loads again. Never the other way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")


def config_version() -> int | None:
    """The configuration's version now (one query); None when the row is missing (a test
    database just flushed), and then nothing may be served from a cache."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM diary_core_configversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


class Versioned(Generic[T]):
    """A value built from the configuration tables, kept per process for one version.

    Call it with the version the caller read (config_version()), or with none to read it
    now. The value is shared by every request of the process: treat it as read-only.
    """

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._held: tuple[int, T] | None = None

    def __call__(self, version: int | None = None) -> T:
        if version is None:
            version = config_version()
        held = self._held
        if version is not None and held is not None and held[0] == version:
            return held[1]
        value = self._load()
        if version is not None:
            self._held = (version, value)
        return value

    def forget(self) -> None:
        self._held = None
