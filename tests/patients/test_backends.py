"""The session's read brings the signed-in person's user row and their own diary
(patients.sessions, patients.backends), and the sessions signed in before each change stay
signed in (patients migrations 0008 and 0009)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients import sessions
from patients.backends import DIARY_BACKEND, EARLIER, DiaryBackend
from patients.models import UserSession
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

moving = importlib.import_module("patients.migrations.0008_sessions_use_diary_backend")
with_accounts = importlib.import_module("patients.migrations.0009_user_sessions")


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


def old_session(user, backend: str) -> str:
    """A session in Django's own table, as the earlier engines wrote it."""
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.create()
    return session.session_key


def test_a_session_signed_in_before_the_changes_stays_signed_in(client, bob, carol):
    keys = [old_session(user, EARLIER) for user in (bob.user, carol.user)]
    anonymous = SessionStore()
    anonymous["language"] = "es"
    anonymous.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = keys[0]
    assert client.get(reverse("symptoms:today")).status_code == 302  # signed out: not listed

    moving.forwards(apps, None)
    with_accounts.backfill(apps, None)

    accounts = dict(UserSession.objects.values_list("session_key", "user_id"))
    assert accounts == {keys[0]: bob.user.pk, keys[1]: carol.user.pk, anonymous.session_key: None}
    for key in keys:
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert client.get(reverse("symptoms:today")).status_code == 200
        assert client.session[BACKEND_SESSION_KEY] == DIARY_BACKEND
    moving.backwards(apps, None)
    assert SessionStore(session_key=keys[1]).load()[BACKEND_SESSION_KEY] == EARLIER


def test_the_release_before_reads_and_writes_the_same_sessions(client, bob):
    """During a deploy the release before (Django's own store, one table) and this one
    serve the same people: a session either writes is the other's too, and signing out on
    either ends it for both."""
    key = old_session(bob.user, DIARY_BACKEND)  # signed in on a process of the release before
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get(reverse("symptoms:today")).status_code == 200  # no account column yet
    client.post(reverse("logout"))
    assert not SessionStore().exists(key)
    log_in(client, "bob")
    assert SessionStore(session_key=client.session.session_key).load()[SESSION_KEY] == str(
        bob.user.pk
    )
    SessionStore(session_key=client.session.session_key).delete()  # signed out there
    assert client.get(reverse("symptoms:today")).status_code == 302


def test_the_session_read_brings_the_user_and_their_diary(client, bob):
    log_in(client, "bob")
    assert UserSession.objects.get(session_key=client.session.session_key).user == bob.user
    client.get(reverse("symptoms:today"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("symptoms:today")).status_code == 200
    reads = [q["sql"] for q in page.captured_queries]
    assert "django_session" in reads[0] and "patients_careteam" in reads[0]
    # No read of the user row of its own: only the session's brings it.
    assert not [sql for sql in reads[1:] if 'FROM "patients_user"' in sql], reads


def test_a_session_whose_account_is_not_a_column_is_read_as_before(client, bob):
    """A session saved before its account was a column (the migration could not read it,
    say): the user is read on their own, and the person stays signed in."""
    log_in(client, "bob")
    UserSession.objects.filter(session_key=client.session.session_key).update(user=None)
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("symptoms:today")).status_code == 200
    assert [q for q in page.captured_queries if 'FROM "patients_user"' in q["sql"]]


@pytest.fixture
def serving():
    """As while a request is being served (RequestConfigVersionMiddleware)."""
    from diary_core import config

    token = config._request_values.set({})
    yield
    config._request_values.reset(token)


def bobs_session(bob) -> str:
    store = sessions.SessionStore(session_key=None)
    store.update(
        {
            SESSION_KEY: str(bob.user.pk),
            BACKEND_SESSION_KEY: DIARY_BACKEND,
            HASH_SESSION_KEY: bob.user.get_session_auth_hash(),
        }
    )
    store.create()
    return store.session_key


def test_the_brought_user_is_taken_once_and_only_for_their_own_id(bob, carol, serving):
    key = bobs_session(bob)
    sessions.SessionStore(session_key=key).load()
    assert sessions.session_user(carol.user.pk) is None  # not theirs: not handed out
    sessions.SessionStore(session_key=key).load()
    assert sessions.session_user(bob.user.pk) == bob.user
    assert sessions.session_user(bob.user.pk) is None  # taken once
    sessions.SessionStore(session_key="no-such-session-key-00000000000").load()
    assert sessions.session_user(bob.user.pk) is None  # a read that found nothing


def test_outside_a_request_the_session_read_brings_no_user(bob):
    """A task, the shell or a test reading a session, then asking for the user later:
    always a fresh read of the user, never the row the session brought."""
    sessions.SessionStore(session_key=bobs_session(bob)).load()
    type(bob.user).objects.filter(pk=bob.user.pk).update(first_name="Robert")
    assert sessions.session_user(bob.user.pk) is None
    assert DiaryBackend().get_user(bob.user.pk).first_name == "Robert"


def test_deleting_an_account_ends_its_sessions_and_never_shows_their_keys(client, dana):
    client.force_login(dana)
    key = client.session.session_key
    session = UserSession.objects.get(session_key=key)
    assert key not in str(session)  # the admin lists them on the account's delete page
    dana.delete()
    assert not UserSession.objects.filter(session_key=key).exists()


def test_a_session_of_an_account_deleted_meanwhile_is_saved_and_signs_nobody_in(client, carol):
    """The account column is no database constraint: a session saved for an account being
    deleted at that moment is written without an error (a key collision to Django), and
    reads as signed out."""
    store = sessions.SessionStore()
    store.update(
        {
            SESSION_KEY: str(carol.user.pk),
            BACKEND_SESSION_KEY: DIARY_BACKEND,
            HASH_SESSION_KEY: carol.user.get_session_auth_hash(),
        }
    )
    type(carol.user).objects.filter(pk=carol.user.pk).delete()
    store.create()
    assert UserSession.objects.get(session_key=store.session_key).user_id == carol.user.pk
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get(reverse("symptoms:today")).status_code == 302


def test_a_deactivated_account_is_signed_out_though_its_session_brings_it(client, bob):
    log_in(client, "bob")
    type(bob.user).objects.filter(pk=bob.user.pk).update(is_active=False)
    assert client.get(reverse("symptoms:today")).status_code == 302


def test_ended_sessions_are_removed_each_night(client, bob, carol):
    from datetime import timedelta

    from django.utils import timezone

    from patients.tasks import clear_ended_sessions

    client.force_login(bob.user)
    live = client.session.session_key
    ended = sessions.SessionStore(session_key=None)
    ended.create()
    UserSession.objects.filter(session_key=ended.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1), user=carol.user
    )
    clear_ended_sessions()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live]
    beat = settings.CELERY_BEAT_SCHEDULE["clear-ended-sessions"]
    assert beat["task"] == "patients.tasks.clear_ended_sessions"
