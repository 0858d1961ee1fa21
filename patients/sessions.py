"""Idle timeout for clinicians and administrators (patients keep the 12-hour absolute limit).

Whether a session is watched is decided once, at login, and kept in the session: pages
pay no extra query (the diary submit path is held to 10).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

WATCHED = "idle_watched"
# The idle clock is moved on at most once a minute, so the 30-minute limit is kept to
# within a minute and a page view rarely writes the session.
TOUCH_EVERY_S = 60
LAST_SEEN = "last_seen"


@receiver(user_logged_in)
def watch_staff_sessions(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        if user.is_staff or user.team_memberships.exists():
            request.session[WATCHED] = True
            request.session[LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(WATCHED):
            now = time.time()
            last = session.get(LAST_SEEN, now)
            if now - last > settings.STAFF_IDLE_TIMEOUT.total_seconds():
                logout(request)  # flushes the session server-side
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect_to_login(request.get_full_path())
            if now - last > TOUCH_EVERY_S:
                # Not on every request: each write is an UPDATE of the session row.
                session[LAST_SEEN] = now
        return self.get_response(request)
