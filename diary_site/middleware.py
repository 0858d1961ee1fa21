"""Site-wide guards: input no page can read is refused clearly; signed-in pages are never
kept by a browser or proxy cache."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger("security")

READABLE_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


class RefuseUnreadableInputMiddleware:
    """A 400 with a plain page for what PostgreSQL or the forms cannot take: a NUL byte in a
    path or query string (a search, a filter), a form sent in another character set.

    Without it such a request reached the database (which refuses NUL in text) and gave a
    500, even anonymously on the login page.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem:
            logger.warning("refused unreadable input: %s path=%s", problem, request.path[:200])
            return render(request, "400.html", {"problem": problem}, status=400)
        return self.get_response(request)

    @staticmethod
    def _problem(request: HttpRequest) -> str:
        if "\x00" in request.path:
            return "nul-path"
        if _has_nul(request.GET):
            return "nul-query"
        if request.method in ("POST", "PUT", "PATCH"):
            charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
            if charset not in READABLE_CHARSETS:
                return "charset"
            try:
                request.POST  # noqa: B018 — decode now, while a clear answer is possible
            except (UnicodeDecodeError, ValueError):
                return "undecodable"
        # A NUL byte in a form field is the form's to refuse (Django's CharField does, with
        # a message beside the field), so that nothing the person typed is lost.
        return ""


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class PrivatePagesMiddleware:
    """Every response to a signed-in user: `Cache-Control: no-store, private`, so a shared
    computer's back button or a proxy never shows a patient's page to the next person."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        # htmx asks for fragments of the same URLs: caches must keep the two apart.
        patch_vary_headers(response, ["HX-Request"])
        return response
