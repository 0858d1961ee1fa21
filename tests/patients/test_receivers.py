"""The login receivers run in one explicit order, each once (patients/receivers.py)."""

from __future__ import annotations

import weakref

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate

from accounts import languages, sessions, two_factor
from accounts.display_zone import SESSION_KEY as ZONE_KEY
from patients import display_zone, receivers, roles
from tests.conftest import log_in

# The order patients/receivers.py gives, and why, in its comments.
IN_ORDER = [
    two_factor.mark_session,
    sessions.start_session_clocks,
    languages.keep_login_language,
    display_zone.remember_zone_at_login,
]
OUR_PACKAGES = {"accounts", "patients", "symptoms", "alerts", "team", "diary_site", "diary_core"}


def connected(signal) -> list:
    """The signal's receivers in the order Django calls them."""
    found = []
    for _key, receiver, _is_async in signal.receivers:
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None:
            found.append(receiver)
    return found


def ours(signal) -> list:
    return [r for r in connected(signal) if r.__module__.split(".")[0] in OUR_PACKAGES]


def test_the_login_receivers_are_connected_once_in_their_order_after_the_libraries():
    assert ours(user_logged_in) == IN_ORDER
    # After Django's, django-axes' and django-otp's own (their apps come first).
    assert connected(user_logged_in)[-len(IN_ORDER) :] == IN_ORDER
    assert ours(user_logged_out) == []
    assert ours(user_login_failed) == []
    assert ours(post_migrate) == [roles.seed_role_groups]


def test_connecting_again_changes_nothing():
    before = connected(user_logged_in)
    receivers.connect()
    assert connected(user_logged_in) == before
    assert ours(user_logged_in) == IN_ORDER


def test_only_the_receivers_module_connects_them():
    """No `@receiver` left in the moved modules: an import cannot reorder them again."""
    for module in (two_factor, sessions, languages, display_zone, roles):
        source = open(module.__file__, encoding="utf-8").read()
        assert "@receiver" not in source and ".connect(" not in source, module.__name__


def test_a_login_runs_each_receiver_once_in_order(client, alice, monkeypatch):
    calls = []

    def spy(receiver):
        def recorded(*args, **kwargs):
            calls.append(receiver.__name__)
            return receiver(*args, **kwargs)

        return recorded

    swapped = []
    for key, receiver, is_async in user_logged_in.receivers:
        live = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
        swapped.append(
            (key, spy(live), is_async) if live in IN_ORDER else (key, receiver, is_async)
        )
    monkeypatch.setattr(user_logged_in, "receivers", swapped)
    monkeypatch.setattr(user_logged_in, "sender_receivers_cache", {})

    log_in(client, "alice")

    assert calls == [r.__name__ for r in IN_ORDER]
    session = client.session
    assert session[two_factor.NEEDS_OTP] is True
    assert session[sessions.WATCHED] is True and sessions.LOGIN_AT in session
    assert session[ZONE_KEY] == "Europe/London"
