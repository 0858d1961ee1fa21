"""Per-process caches of the clinic's configuration, keyed by its version.

The rule rows, the engine's settings and the symptom catalogue are the same for every
request and change only when someone edits them. Each process keeps the last copy it read
with the version it was read at (diary_core.models.ConfigVersion), and reads the version,
one tiny query, before each use: a change anywhere (the admin, publishing, QuerySet.update,
bulk_create, a migration, raw SQL) sets a new version through the tables' triggers, so the
next use reads the new rows. Nothing is kept across processes, and no health data is kept.

A signed-in request learns the version with its session's read (diary_core.sessions), so
what it reads before it changes anything (the diary's Save, a page's labels and titles)
costs no query of its own: request_config_version().

A version read before a copy is loaded can only be older than the copy (the copy is read
after it): the next request then sees a newer version and loads again. Never the other way.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.db import connection
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

VERSION_SQL = "SELECT version FROM diary_core_configversion WHERE id = 1"


def version_column() -> Subquery:
    """The version as a column of another query (the session's read: diary_core.sessions)."""
    from diary_core.models import ConfigVersion  # models load after the apps

    return Subquery(ConfigVersion.objects.filter(id=1).values("version")[:1])


# The version as the current request began: None until its session's read brings it (or
# it is first asked for); _OUTSIDE when no request is being served (a task, the shell, a
# test's own code). Set afresh by RequestConfigVersionMiddleware for every request, so it
# never outlives one.
_OUTSIDE = object()
_at_request_start: ContextVar[object] = ContextVar("config_version_at_start", default=_OUTSIDE)


def config_version() -> int | None:
    """The configuration's version now (one query); None when the row is missing (a test
    database just flushed), and then nothing may be served from a cache."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def request_config_version() -> int | None:
    """The configuration's version as the current request began: brought by its session's
    read (no query of its own), else read now. For what a request reads before it changes
    anything (the diary's Save, a page's labels); a request that changes the configuration
    and then reads it again asks config_version()."""
    seen = _at_request_start.get()
    if seen is _OUTSIDE:
        return config_version()
    if seen is None:
        seen = config_version()
        _at_request_start.set(seen)
    return seen


# What the current request keeps for itself beyond the version (the user row its session's
# read brought: patients.sessions): a dict made afresh for each request and dropped when it
# ends, by RequestConfigVersionMiddleware; None when no request is being served.
_request_values: ContextVar[dict | None] = ContextVar("request_values", default=None)


def request_values() -> dict | None:
    """The current request's own values (see above); None outside a request."""
    return _request_values.get()


def remember_request_version(version: int | None) -> None:
    """Called by the session's read (diary_core.sessions) with the version it brought;
    kept only while a request is being served."""
    if _at_request_start.get() is None:
        _at_request_start.set(version)


class RequestConfigVersionMiddleware:
    """Scope the version a session read brings, and the request's own values, to that
    request (first in MIDDLEWARE: a worker process serves many requests one after
    another)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _at_request_start.set(None)
        values = _request_values.set({})
        try:
            return self.get_response(request)
        finally:
            _request_values.reset(values)
            _at_request_start.reset(token)


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
        # Kept only when the version is still `version` after the load: a copy read inside
        # a transaction that changed the configuration (a new version, never committed if
        # it rolls back), or across a change that committed meanwhile, is used once and
        # never held under a version it does not belong to.
        if version is not None and config_version() == version:
            self._held = (version, value)
        return value

    def forget(self) -> None:
        self._held = None
