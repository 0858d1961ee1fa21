"""Django's model backend, whose read of a signed-in person also brings their own diary.

Every request of a signed-in person reads their user row (django.contrib.auth.get_user);
a patient's pages then need their patient row and team (User.kept_diary). Read together,
in one query with two outer joins, a patient's every page and Save makes one query fewer
(issue 37); and that query is the session's own read (patients.sessions), so a signed-in
request reads no user row of its own. Signing in is Django's own ModelBackend, unchanged.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from patients.sessions import session_user

# What AUTHENTICATION_BACKENDS named before: sessions signed in through it are moved to
# this backend by patients/migrations/0008_sessions_use_diary_backend.py (which writes
# both paths out, as a migration keeps what it did).
EARLIER = "django.contrib.auth.backends.ModelBackend"
# The path AUTHENTICATION_BACKENDS names; the backend that grants permissions too
# (django-axes, listed first, only refuses logins).
DIARY_BACKEND = "patients.backends.DiaryBackend"


class DiaryBackend(ModelBackend):
    def get_user(self, user_id):
        # Brought by the request's session read (patients.sessions); read here only for a
        # session written before its account was a column, or a caller with no session.
        user = session_user(user_id)
        if user is None:
            users = get_user_model()._default_manager.select_related("patient__team")
            try:
                user = users.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None
