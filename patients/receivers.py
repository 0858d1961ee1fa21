"""Every signal receiver of the project's own, connected here in one explicit order.

Django calls a signal's receivers in the order they were connected. Before this module the
four login receivers were connected by `@receiver` as a side effect of importing their
modules, so their order hung on one import line in `PatientsConfig.ready()`. Here the
order is a table, and `connect()` (called from that `ready()` only) connects each once:
the `dispatch_uid` makes a second call change nothing. tests/patients/test_receivers.py holds
the order.

The third-party receivers connect themselves before ours (their apps come first in
INSTALLED_APPS): Django's `update_last_login`, django-axes' lockout bookkeeping (logged in,
logged out, login failed: the lockout itself is axes' own) and django-otp's device hook.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate

from accounts import languages, sessions, two_factor
from patients import display_zone, roles

# After a successful login, in this order.
LOGGED_IN = (
    # 1. Whether this session owes a second factor (and the device an OTP-aware login
    #    already checked). First, so that the security decision is made whatever a later
    #    receiver does: one that fails leaves a session that still owes the factor.
    two_factor.mark_session,
    # 2. The session's clocks: 12 hours for everyone, the idle limit for staff. The
    #    second-factor setup page reads the login time ("logged in moments ago").
    sessions.start_session_clocks,
    # 3. The language of the login page, kept for a person who has not chosen one: it
    #    writes User.language, once, before anything is written to them in it.
    languages.keep_login_language,
    # 4. The zone the pages show times in. Last: the only one that reads the clinical
    #    models (Patient, Caregiver, CareTeam), up to three queries.
    display_zone.remember_zone_at_login,
)
# Nothing of ours: a logout flushes the session, which holds all of the above.
LOGGED_OUT: tuple = ()
# Nothing of ours: django-axes counts the failures and locks out (AXES_* settings).
LOGIN_FAILED: tuple = ()
# After every `migrate`: the seeded staff roles (patients/roles.py).
MIGRATED = (roles.seed_role_groups,)

SIGNALS = (
    (user_logged_in, LOGGED_IN),
    (user_logged_out, LOGGED_OUT),
    (user_login_failed, LOGIN_FAILED),
    (post_migrate, MIGRATED),
)


def dispatch_uid(receiver) -> str:
    return f"diary:{receiver.__module__}.{receiver.__qualname__}"


def connect() -> None:
    """Connect every receiver above, in its table's order; idempotent."""
    for signal, receivers in SIGNALS:
        for receiver in receivers:
            signal.connect(receiver, dispatch_uid=dispatch_uid(receiver))
