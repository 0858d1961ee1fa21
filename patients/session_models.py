"""A session with the account it is signed in to as a column of its own (patients.sessions)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's database session, and the account it is signed in to (None until someone
    signs in, or for a session saved before the column existed). With the account a
    column, the session's read brings the person's user row, their patient row and team
    in one query.

    The same table as Django's own session model (`django_session`), one nullable column
    more (patients/migrations/0009_user_sessions.py adds it): during a deploy, processes
    of the release before read and write the same rows and never see the column. So the
    model is not managed, and the column is no database constraint: a session whose
    account was deleted in the meantime is saved without an error (it signs nobody in).
    Deleting an account through Django deletes its sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):  # Django's names for it, in each language
        db_table = "django_session"
        managed = False

    def __str__(self) -> str:
        # Never the key: it is the cookie that signs its holder in (the admin lists an
        # account's sessions on the page that deletes the account).
        return f"session until {self.expire_date:%Y-%m-%d %H:%M} UTC"

    @classmethod
    def get_session_store_class(cls):
        # The configured engine (patients.sessions), as the session middleware finds it:
        # the model is a row, the store is about requests.
        return import_module(settings.SESSION_ENGINE).SessionStore
