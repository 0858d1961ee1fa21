"""Sessions that really end: 12 hours after login for everyone, however active, and after
30 idle minutes for clinicians and administrators.

The triage page polls every 30 s; a poll is not activity (it carries the header
BACKGROUND_HEADER), so an open triage tab no longer keeps a session alive for ever. When a
session ends during an htmx request, the browser is sent to the login page as a whole
(HX-Redirect) instead of drawing the login form inside the triage table.

Whether a session is watched is decided once, at login, and kept in the session: pages
pay no extra query (the diary submit path is held to 10).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from accounts.staff import is_clinic_staff

WATCHED = "idle_watched"
LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"
# The idle clock is moved on at most once a minute, so the 30-minute limit is kept to
# within a minute and a page view rarely writes the session.
TOUCH_EVERY_S = 60
# Set by the page on requests the person did not make (the triage table's poll).
BACKGROUND_HEADER = "X-Diary-Background"


def start_session_clocks(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGIN_AT] = now
    if is_clinic_staff(user):
        request.session[WATCHED] = True
        request.session[LAST_SEEN] = now


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_background(request) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1"


def to_login(request) -> HttpResponse:
    """The login page, for a whole page or for htmx (which must leave the fragment)."""
    if is_htmx(request):
        # The page the person is on, not the fragment URL the poll asked for.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        page = (current.path or "/") + (f"?{current.query}" if current.query else "")
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?next={page}"
        return response
    return redirect_to_login(request.get_full_path())


class SessionLimitsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            ended = self._ended(request, session)
            if ended:
                logout(request)  # flushes the session server-side
                messages.info(request, ended)
                return to_login(request)
        response = self.get_response(request)
        if is_htmx(request) and response.status_code in (301, 302):
            # A login_required view answering a poll after logout: leave the fragment.
            if response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL)):
                return to_login(request)
        return response

    @staticmethod
    def _ended(request, session) -> str:
        now = time.time()
        login_at = session.get(LOGIN_AT)
        if login_at is None:  # a session from before this clock existed
            session[LOGIN_AT] = login_at = now
        if now - login_at > settings.SESSION_COOKIE_AGE:
            return _("Please log in again: sessions end 12 hours after logging in.")
        if session.get(WATCHED):
            last = session.get(LAST_SEEN, now)
            if now - last > settings.STAFF_IDLE_TIMEOUT.total_seconds():
                return _("You were logged out after a period of inactivity.")
            if now - last > TOUCH_EVERY_S and not is_background(request):
                # Not on every request: each write is an UPDATE of the session row.
                session[LAST_SEEN] = now
        return ""
