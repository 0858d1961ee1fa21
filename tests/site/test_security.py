"""Lockout, sessions, headers, passwords and the production deployment check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import PASSWORD, log_in

LOGIN = reverse("login")
ROOT = Path(__file__).resolve().parents[2]


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failures_lock_that_username_and_ip_for_15_minutes(client, bob):
    for _ in range(4):
        response = attempt(client, "bob", "wrong-password-123")
        assert response.status_code == 200  # the form again, with the usual message
    fifth = attempt(client, "bob", "wrong-password-123")
    assert fifth.status_code == 429
    locked = attempt(client, "bob", PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # Another IP is not locked out; a real person elsewhere can still log in.
    assert attempt(client, "bob", PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_look_the_same(client, bob):
    wrong = attempt(client, "bob", "wrong-password-123").content.decode()
    unknown = attempt(client, "nobody-here", "wrong-password-123").content.decode()
    message = "Please enter a correct username and password"
    assert message in wrong and message in unknown


@pytest.mark.django_db
def test_a_new_session_key_at_login(client, bob):
    client.get(LOGIN)
    before = client.cookies.get("sessionid")
    attempt(client, "bob", PASSWORD)
    assert client.cookies["sessionid"].value != (before.value if before else None)


@pytest.mark.django_db
def test_clinicians_are_logged_out_after_30_idle_minutes(client, alice, bob):
    from tests.conftest import log_in

    log_in(client, "alice")
    assert client.get(reverse("team:triage")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("team:triage"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(reverse("team:triage")).status_code == 302  # the session is gone


POLL = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_X_DIARY_BACKGROUND": "1",
    "HTTP_HX_CURRENT_URL": "http://testserver/team/?level=URGENT",
}


@pytest.mark.django_db
def test_the_triage_poll_is_not_activity(client, alice):
    """An open triage tab polls every 30 s: that must not keep an idle session alive."""
    log_in(client, "alice")
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    for _ in range(3):  # polls, one or two minutes apart
        assert client.get(reverse("team:triage"), **POLL).status_code == 200
    session = client.session
    session["last_seen"] -= 2 * 60  # the clock moves on; polls never moved it
    session.save()
    ended = client.get(reverse("team:triage"), **POLL)
    # htmx goes to the login page as a whole, back to the page it was on.
    assert ended.status_code == 204
    assert ended["HX-Redirect"] == f"{LOGIN}?next=/team/?level=URGENT"
    assert ended.content == b""


@pytest.mark.django_db
def test_a_click_is_activity(client, alice):
    log_in(client, "alice")
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("team:triage"), HTTP_HX_REQUEST="true").status_code == 200
    assert time.time() - client.session["last_seen"] < 5


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_sessions_end_12_hours_after_login_however_active(client, alice, bob, who):
    log_in(client, who)
    page = reverse("team:triage") if who == "alice" else reverse("symptoms:today")
    session = client.session
    session["login_at"] = time.time() - 12 * 3600 - 1
    session["last_seen"] = time.time()  # active a moment ago
    session.save()
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(page).status_code == 302  # the session is gone


@pytest.mark.django_db
def test_an_htmx_request_after_logout_leaves_the_fragment(client, alice):
    response = client.get(reverse("team:triage"), **POLL)
    assert response.status_code == 204 and response["HX-Redirect"].startswith(LOGIN)


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached_and_vary_on_htmx(client, alice, bob):
    log_in(client, "alice")
    for url in (reverse("team:triage"), reverse("team:export_csv", args=[bob.pk])):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_patients_are_not_idle_timed_out(client, bob):
    attempt(client, "bob", PASSWORD)
    session = client.session
    session["last_seen"] = time.time() - 3 * 3600
    session.save()
    assert client.get(reverse("symptoms:today")).status_code == 200


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_session(client, alice):
    attempt(client, "alice", PASSWORD)
    alice.is_active = False
    alice.save()
    response = client.get(reverse("team:triage"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_logout_ends_the_session_server_side(client, bob):
    from patients.models import UserSession

    attempt(client, "bob", PASSWORD)
    key = client.cookies["sessionid"].value
    assert UserSession.objects.filter(session_key=key, user=bob.user).exists()
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_pages_send_csp_with_a_nonce_and_deny_framing(client, alice, dana):
    client.force_login(alice)
    response = client.get(reverse("team:triage"))
    csp = response["Content-Security-Policy"]
    # No 'unsafe-inline' for scripts; a nonce is added on pages that use one.
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    client.force_login(dana)
    admin = client.get("/admin/alerts/alertrule/")
    assert admin.status_code == 200 and "Content-Security-Policy" in admin


@pytest.mark.django_db
def test_the_print_button_script_carries_the_pages_nonce(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("team:summary", args=[bob.pk]))
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "onclick=" not in response.content.decode()


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-pass1", False),
        ("password1234", False),
        ("123456789012", False),
        ("bobbaker2026", False),
        ("tulip-harbour-lantern", True),
    ],
)
@pytest.mark.django_db
def test_password_rules(bob, password, ok):
    bob.user.first_name, bob.user.last_name = "Bob", "Baker"
    bob.user.username = "bobbaker"
    try:
        validate_password(password, user=bob.user)
        valid = True
    except ValidationError:
        valid = False
    assert valid is ok


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3" * 30 + "-production-secret-from-the-environment",
    "DJANGO_ALLOWED_HOSTS": "diary.example.org",
    "DJANGO_SETTINGS_MODULE": "diary_site.settings",
    "DIARY_BASE_URL": "https://diary.example.org",
    "EMAIL_URL": "smtp+tls://diary:secret@smtp.example.org:587",
    "DJANGO_ADMINS": "oncall@example.org",
}


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION, **overrides}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_check_passes_with_production_values():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"EMAIL_URL": "consolemail://"}, "diary.E001"),  # mail printed into the logs
        ({"EMAIL_URL": "dummymail://"}, "diary.E001"),
        ({"DJANGO_ADMINS": ""}, "diary.W001"),  # nobody told about a server error
    ],
)
def test_deployment_check_fails_when_mail_or_errors_go_nowhere(overrides, message):
    result = deploy_check(**overrides)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_mail_server():
    env = {**os.environ, **PRODUCTION}
    env.pop("EMAIL_URL")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_production_logs_are_one_json_object_per_line(settings):
    import json
    import logging
    import logging.config

    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"  # DEBUG is off here
    formatter = logging.config.DictConfigurator(settings.LOGGING).configure_formatter(
        settings.LOGGING["formatters"]["json"]
    )
    record = logging.LogRecord(
        "security", logging.WARNING, __file__, 1, "refused user=%s", (7,), None
    )
    line = json.loads(formatter.format(record))
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "security",
        "refused user=7",
    )
