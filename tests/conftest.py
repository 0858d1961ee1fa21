"""Shared fixtures: the named people of every test, and real processes tests may stop.

Alice is a clinician on care team A; Bob is her patient. Charlie is a clinician on
team B and must never see Bob. Dana administers the site. Carol is Bob's caregiver.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.urls import reverse_lazy

from scripts.services import RedisServer, start_redis

# Models are imported inside fixtures so that DB-free test modules (the pure evaluator)
# can run without Django settings (`pytest -p no:django`).


PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config):
    """Run the suite at another time of day: `DIARY_TEST_CLOCK=2026-11-30T00:20Z make test`.

    The clock starts there and ticks on (time-machine). Just after midnight is where tests
    that build "an hour ago" and mean "today" break; CI once failed at 00:35 UTC.

    The compiled catalogues are rebuilt first when a .po is newer (as `make test` does), so
    a direct `pytest` run never reads stale translations.
    """
    from scripts.messages import compile_all

    compile_all()
    if at := os.environ.get("DIARY_TEST_CLOCK"):
        import time_machine

        config._diary_clock = time_machine.travel(at, tick=True)
        config._diary_clock.start()


@pytest.fixture
def channels_on(settings) -> None:
    """Push and SMS configured on this server, so a device or a verified phone counts
    (reach.choices.reachable). Nothing listens at the SMS address: a test that sends uses
    the fakes in tests/reach instead."""
    settings.WEBPUSH_ENABLED = True
    settings.SMS_ACCOUNT_SID = "AC" + "0" * 32
    settings.SMS_AUTH_TOKEN = "test-token"  # noqa: S105
    settings.SMS_FROM = "+447400000001"
    settings.SMS_API_BASE_URL = "http://127.0.0.1:9"


@pytest.fixture(scope="session", autouse=True)
def _static_manifest():
    """Pages render through production's manifest storage (a name missing from the manifest
    raises, as it does in production): collect the static files into the suite's own
    STATIC_ROOT first, again only when a source file is newer than the manifest."""
    from django.conf import settings

    if not settings.configured:  # the pure tests (`-p no:django`)
        yield
        return
    from scripts.static_files import collect_if_stale

    collect_if_stale()
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters do not leak from one test into the next."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _language_back():
    """A request as a German-speaking person leaves German active on the test's thread (the
    person's language is activated for the rest of the request, as Django's LocaleMiddleware
    does); a later test that renders without a request starts in English again."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def team_a(db):
    from patients.models import CareTeam

    return CareTeam.objects.create(
        name="Team A", phone="020 7946 0001", urgent_phone="020 7946 0002"
    )


@pytest.fixture
def team_b(db):
    from patients.models import CareTeam

    return CareTeam.objects.create(
        name="Team B", phone="020 7946 0101", urgent_phone="020 7946 0102"
    )


def with_second_factor(user):
    """Give a clinician or administrator a confirmed authenticator app.

    `user.otp_device` makes django-otp mark the session verified when the test logs the
    user in with force_login (the same hook an OTP login form uses).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user.otp_device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    return user


def make_user(username: str, **extra):
    from patients.models import User

    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
    return user


def make_clinician(username: str, team, role: str):
    """A clinician of `team` (role "primary" or "backup") with a second factor."""
    from patients.models import CareTeamMembership

    user = make_user(username, first_name=username.capitalize())
    CareTeamMembership.objects.create(team=team, user=user, role=role)
    return with_second_factor(user)


@pytest.fixture
def alice(team_a):
    return make_clinician("alice", team_a, "primary")


@pytest.fixture
def erin(team_a):
    """Team A's backup clinician."""
    return make_clinician("erin", team_a, "backup")


@pytest.fixture
def charlie(team_b):
    return make_clinician("charlie", team_b, "primary")


@pytest.fixture
def dana(db):
    return with_second_factor(
        make_user("dana", first_name="Dana", is_staff=True, is_superuser=True)
    )


@pytest.fixture
def bob(team_a):
    from patients.models import Patient

    user = make_user("bob", first_name="Bob", last_name="Baker")
    return Patient.objects.create(user=user, team=team_a, timezone="Europe/London")


@pytest.fixture
def dave(team_a):
    """Another patient on Bob's team: must never see Bob's data."""
    from patients.models import Patient

    user = make_user("dave", first_name="Dave")
    return Patient.objects.create(user=user, team=team_a, timezone="Europe/London")


@pytest.fixture
def carol(bob):
    from patients.models import Caregiver

    user = make_user("carol", first_name="Carol")
    return Caregiver.objects.create(patient=bob, user=user, relationship="Partner")


@pytest.fixture
def private_redis(tmp_path, settings) -> Iterator[RedisServer]:
    """A redis-server of this test's own, on a free port (the same helper as `make run`);
    the test may stop it and start it again on the same port (`restart()`)."""
    server = start_redis(tmp_path)
    settings.REDIS_URL = server.url
    settings.CELERY_BROKER_URL = server.url
    point_celery_at(server.url)
    try:
        yield server
    finally:
        server.stop()
        from django.conf import settings as live

        point_celery_at(live.CELERY_BROKER_URL)


def point_celery_at(url: str) -> None:
    """Make the Celery app publish to `url`, dropping pooled connections to the old broker."""
    from diary_site.celery_app import app

    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def log_in(client, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form (django-axes needs the request), then enter the
    current authenticator code when the user has one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = client.post(reverse_lazy("login"), {"username": username, "password": password})
    assert response.status_code == 302, "login failed"
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        verified = client.post(reverse_lazy("two_factor_verify"), {"code": totp_code(device)})
        assert verified.status_code == 302, "second factor refused"


def totp_code(device, ahead: int = 0) -> str:
    """The device's current code, or the one `ahead` steps later (a code is accepted once,
    and one step of clock drift is tolerated)."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{code:0{device.digits}d}"


def without_tokens(html: bytes) -> bytes:
    """A page with its per-response CSRF token and CSP nonce set aside, for comparing two
    responses byte for byte ("missing" and "not yours" must be the same page)."""
    import re

    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'nonce="[^"]+"', b"", html)
