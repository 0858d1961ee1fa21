"""The user read of a signed-in person brings their own diary (patients.backends), and the
sessions signed in before the change stay signed in (patients migration 0008)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from patients.backends import DIARY_BACKEND, EARLIER, DiaryBackend
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

moving = importlib.import_module("patients.migrations.0008_sessions_use_diary_backend")


def test_a_patients_diary_comes_with_their_user(bob, django_assert_num_queries):
    user = DiaryBackend().get_user(bob.user.pk)
    with django_assert_num_queries(0):
        patient, caregiver = user.kept_diary()
        assert (patient, patient.team, caregiver) == (bob, bob.team, None)


def test_a_caregiver_and_a_nurse_are_read_as_before(carol, alice, bob):
    assert DiaryBackend().get_user(carol.user.pk).kept_diary() == (bob, carol)
    assert DiaryBackend().get_user(alice.pk).kept_diary() is None


def test_signing_in_names_the_diary_backend(client, bob):
    log_in(client, "bob")
    assert client.session[BACKEND_SESSION_KEY] == DIARY_BACKEND
    assert DIARY_BACKEND in settings.AUTHENTICATION_BACKENDS
    assert EARLIER not in settings.AUTHENTICATION_BACKENDS


def test_a_session_signed_in_before_the_change_stays_signed_in(client, bob, carol):
    sessions = []
    for user in (bob.user, carol.user):
        session = SessionStore()
        session.update(
            {"_auth_user_id": str(user.pk), BACKEND_SESSION_KEY: EARLIER, "_auth_user_hash": ""}
        )
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[0]
    assert client.get(reverse("symptoms:today")).status_code == 302  # signed out: not listed

    moving.forwards(apps, None)

    for key in sessions:
        assert SessionStore(session_key=key).load()[BACKEND_SESSION_KEY] == DIARY_BACKEND
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert client.get(reverse("symptoms:today")).status_code == 200
    moving.backwards(apps, None)
    assert SessionStore(session_key=sessions[0]).load()[BACKEND_SESSION_KEY] == EARLIER
