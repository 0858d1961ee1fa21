"""Error reports that tell someone, and carry no health data.

A server error reaches the technical team by Sentry when SENTRY_DSN is set, otherwise by
e-mail to ADMINS (DJANGO_ADMINS). Both are built here so that neither carries what a
patient typed: no form data, no query strings (a search for a patient's name), no cookies
or headers, no local variables of the failing code (an entry's temperatures).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

REMOVED = "[removed: may hold health data]"


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
        return data


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
