"""Error reports that tell someone, and carry no health data.

A server error reaches the technical team by Sentry when SENTRY_DSN is set, otherwise by
e-mail to ADMINS (DJANGO_ADMINS). Both are built here so that neither carries what a
patient typed: no form data, no query strings (a search for a patient's name), no cookies
or headers, no local variables of the failing code (an entry's temperatures).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

REMOVED = "[removed: may hold health data]"
PROJECT = Path(__file__).resolve().parent.parent


def strip_query(url: str) -> str:
    """The URL without its query string or fragment."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


class NoHealthDataFilter(SafeExceptionReporterFilter):
    """Django's filter, told that every value a request carries may be health data."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, REMOVED)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [("(local variables)", REMOVED)]

    def get_safe_request_meta(self, request):
        return {
            "REQUEST_METHOD": request.META.get("REQUEST_METHOD", ""),
            "PATH_INFO": request.META.get("PATH_INFO", ""),
        }

    def get_safe_cookies(self, request):
        return {}


class NoHealthDataReporter(ExceptionReporter):
    """The report ADMINS receive: the traceback's code lines and the path, nothing typed."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(key, REMOVED) for key in self.request.GET]
            data["request_FILES_items"] = []
            data["request_COOKIES_items"] = []
            data["request_insecure_uri"] = strip_query(data.get("request_insecure_uri", ""))
        data["settings"] = {}
        # An exception's message can repeat what was posted ("Reverse for '<next>' not
        # found", a value in a validation error): its type and place say enough.
        if data.get("exception_value"):
            data["exception_value"] = REMOVED
        data["exception_notes"] = ""  # add_note() text, like the message
        data["unicode_hint"] = ""  # a slice of the undecodable input
        for frame in data.get("frames", []):
            cause = frame.get("exc_cause")
            if cause is not None:
                frame["exc_cause"] = f"{type(cause).__name__}: {REMOVED}"
        return data


def error_signature(record: logging.LogRecord) -> str:
    """What makes two error reports "the same error": the exception's type and the
    innermost line of our code it passed through; a report without an exception, its
    logger and message template (not the values put in it); a suspicious request, its
    logger alone (one kind however many hosts or values are tried)."""
    if record.exc_info and record.exc_info[1] is not None:
        kind = type(record.exc_info[1])
        frames = traceback.extract_tb(record.exc_info[2])
        ours = [
            f for f in frames if f.filename.startswith(str(PROJECT)) and ".venv" not in f.filename
        ]
        place = (ours or frames)[-1] if (ours or frames) else None
        where = f"{place.filename}:{place.lineno}" if place else "?"
        return f"{kind.__module__}.{kind.__qualname__}@{where}"
    if record.name.startswith("django.security."):
        return record.name  # its message repeats what was sent ("Invalid HTTP_HOST: '…'")
    return f"{record.name}:{record.msg}"


class LimitedAdminEmailHandler(AdminEmailHandler):
    """Mails ADMINS about an error once an hour per kind (error_signature), and at most
    PER_HOUR mails an hour in all: a flood of the same 500, or of odd requests from an
    anonymous visitor, is one mail, not hundreds. Counted in the shared cache (every
    process), and in this process too when the cache is down. Sentry groups and limits
    on its own when SENTRY_DSN is set (ADMINS is then empty)."""

    PER_HOUR = 20
    WINDOW = 3600

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sent_at: dict[str, float] = {}  # when the cache is down: this process's count
        self._per_hour: dict[int, int] = {}
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if self.allowed(record):
            super().emit(record)

    def allowed(self, record: logging.LogRecord, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        key = hashlib.sha256(error_signature(record).encode()).hexdigest()[:32]
        hour = int(now // self.WINDOW)
        try:
            from django.core.cache import cache

            # The hour's cap first: a kind refused by the cap is not marked as mailed.
            if cache.get(f"error-mail:{key}") or (
                (cache.get(f"error-mail:hour:{hour}") or 0) >= self.PER_HOUR
            ):
                return False
            if not cache.add(f"error-mail:{key}", 1, self.WINDOW):
                return False  # another process mailed it a moment ago
            cache.add(f"error-mail:hour:{hour}", 0, 2 * self.WINDOW)
            return cache.incr(f"error-mail:hour:{hour}") <= self.PER_HOUR
        except Exception:  # noqa: BLE001 — the cache being down must not lose the report
            return self._allowed_here(key, hour, now)

    def _allowed_here(self, key: str, hour: int, now: float) -> bool:
        with self._lock:
            if self._per_hour.get(hour, 0) >= self.PER_HOUR:
                return False
            if now - self._sent_at.get(key, float("-inf")) < self.WINDOW:
                return False
            self._sent_at[key] = now
            self._per_hour = {hour: self._per_hour.get(hour, 0) + 1}
            return True


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send: keep what finds the bug (exception, path, release), drop what
    a patient or clinician typed."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {
            "method": request.get("method"),
            "url": strip_query(request.get("url", "")),
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = REMOVED  # may repeat what was posted; the type stays
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        for crumb in breadcrumbs.get("values", []):
            scrub_breadcrumb(crumb)
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    data = crumb.get("data")
    if isinstance(data, dict):
        if "url" in data:
            data["url"] = strip_query(str(data["url"]))
        data.pop("http.query", None)
        data.pop("params", None)
    if crumb.get("category") in ("query", "db.query"):
        crumb.pop("data", None)  # SQL parameters
    return crumb


def init_sentry(dsn: str, *, environment: str, release: str | None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=0.0,
    )
