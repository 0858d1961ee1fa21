"""The diary's session engine (SESSION_ENGINE): Django's database sessions, kept in
patients.UserSession, whose account is a column. The session's read (which brings the
configuration's version too: diary_core.sessions) brings the signed-in person's user row,
patient row and team, and patients.backends.DiaryBackend takes the user from it: every
signed-in request makes one query fewer (issue 37).

The table is Django's own, with the account as one more column
(patients/migrations/0009_user_sessions.py): the sessions made before stay valid, and a
session without its account (made by the release before, during a deploy) is read as
before, the user with a query of its own, until it is next saved.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY

from diary_core import sessions
from diary_core.config import request_values

# Where a request keeps the user row its session's read brought (diary_core.config's
# request values: made for each request, dropped when it ends), until DiaryBackend.get_user
# takes it. A request asks for its user only after reading its session
# (django.contrib.auth.get_user), so the row is never another request's; outside a request
# (a task, the shell, a test's own code) nothing is kept or handed out.
BROUGHT = "session_user"


def session_user(user_id):
    """The user row the request's session read brought, if it is `user_id`'s: once."""
    kept = request_values()
    user = kept.pop(BROUGHT, None) if kept is not None else None
    return user if user is not None and str(user.pk) == str(user_id) else None


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
        kept = request_values()
        if kept is not None:
            kept[BROUGHT] = session.user if session is not None else None
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
