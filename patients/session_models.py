"""A session with the account it is signed in to as a column of its own (patients.sessions)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's database session, and the account it is signed in to (None until someone
    signs in). With the account a column, the session's read brings the person's user row,
    their patient row and team in one query. Deleting an account ends its sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):  # Django's names for it, in each language
        pass

    @classmethod
    def get_session_store_class(cls):
        # The configured engine (patients.sessions), as the session middleware finds it:
        # the model is a row, the store is about requests.
        return import_module(settings.SESSION_ENGINE).SessionStore
