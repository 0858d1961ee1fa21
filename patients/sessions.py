"""The diary's session engine (SESSION_ENGINE): Django's database sessions, kept in
patients.UserSession, whose account is a column. The session's read (which brings the
configuration's version too: diary_core.sessions) brings the signed-in person's user row,
patient row and team, and patients.backends.DiaryBackend takes the user from it: every
signed-in request makes one query fewer (issue 37).

Sessions made before this engine were moved into its table with their accounts
(patients/migrations/0009_user_sessions.py): nobody is signed out by the change.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY

from diary_core import sessions
from diary_core.config import serving_request

# The user row the last session read of a request brought, until DiaryBackend.get_user
# takes it. Every such read sets it (None when the session has no account), and a request
# asks for its user only after reading its session (django.contrib.auth.get_user), so a
# row is never taken by another request than the one that read it; outside a request (a
# task, the shell, a test's own code) nothing is kept or handed out.
_brought: ContextVar = ContextVar("session_user", default=None)


def session_user(user_id):
    """The user row the request's session read brought, if it is `user_id`'s: once."""
    user = _brought.get()
    if user is None or not serving_request():
        return None
    _brought.set(None)
    return user if str(user.pk) == str(user_id) else None


class SessionStore(sessions.SessionStore):
    # The class keeps Django's name: the name salts the session's signature, so the
    # sessions written by the earlier engines stay readable.

    @classmethod
    def get_model_class(cls):
        from patients.models import UserSession

        return UserSession

    def _sessions(self):
        return super()._sessions().select_related("user__patient__team")

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        if serving_request():
            _brought.set(session.user if session is not None else None)
        return session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = account(data)
        return session


def account(data: dict) -> int | None:
    """The account a session's data is signed in to (django.contrib.auth's key), or None."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None
