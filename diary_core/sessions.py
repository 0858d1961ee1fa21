"""Django's database sessions, whose read also brings the configuration's version: the
base of the diary's session engine (patients.sessions, which brings the user too).

Every signed-in request reads its session first; the configuration's version
(diary_core.config) comes as one more column of that read, so the diary's Save and the
team's pages learn it without a query of their own (issue 37).
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from diary_core.config import remember_request_version, version_column


class SessionStore(db.SessionStore):
    def _sessions(self):
        """The session's read, with the configuration's version as a column (a subclass
        brings more with it: patients.sessions)."""
        return self.model.objects.annotate(config_version=version_column())

    def _get_session_from_db(self):
        try:
            session = self._sessions().get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
            return None
        remember_request_version(session.config_version)
        return session
