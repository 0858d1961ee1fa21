"""Input no form expects never answers 500: an overlong login, a `next` that is not a path
on this site; and when something does fail, the administrators get one mail per kind of
error an hour (at most 20 an hour), never the value that was posted (issue 31)."""

from __future__ import annotations

import contextlib
import logging
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, Concern
from diary_site.errors import LimitedAdminEmailHandler
from tests.alerts.factories import submit_entry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "38.9-my-private-note"


# The login form's bounds --------------------------------------------------------------------


@pytest.mark.parametrize("length", [151, 255, 256, 300, 10_000])
def test_an_overlong_username_is_a_clear_message_and_stays_in_the_box(client, bob, length):
    typed = "b" * length
    response = client.post(reverse("login"), {"username": typed, "password": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "A username has at most 150 characters. Check what you typed." in html
    assert f'value="{typed}"' in html
    assert "_auth_user_id" not in client.session


def test_an_overlong_password_is_refused_before_it_is_hashed(client, bob):
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.encode") as encode:
        response = client.post(reverse("login"), {"username": "bob", "password": "p" * 5000})
    assert response.status_code == 200
    assert "That is longer than any password here." in response.content.decode()
    encode.assert_not_called()


def test_the_login_still_works_and_still_locks_out(client, bob):
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.user.pk)


@pytest.mark.parametrize("length", [256, 5000])
def test_the_admin_login_with_an_overlong_username_is_not_a_server_error(client, length):
    from axes.models import AccessAttempt

    response = client.post(
        reverse("admin:login"), {"username": "d" * length, "password": "x", "next": "/admin/"}
    )
    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "d" * 255  # recorded, cut to the column: still counted


def test_five_overlong_guesses_lock_that_name_out(client):
    name = "g" * 400
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": name, "password": "x"})
    response = client.post(reverse("admin:login"), {"username": name, "password": "x"})
    assert response.status_code == 429


# `next` on the team's actions ----------------------------------------------------------------

BAD_NEXT = [
    "abc",
    "0",
    "2026-02-30T10:00",
    "//evil.example.org/",
    "https://evil.example.org/team/",
    "/\\evil.example.org",
    "javascript:alert(1)",
    "/team/\x00",
    "/" + "a" * 3000,
    "team:triage",
]


@pytest.fixture
def urgent_bob(bob):
    submit_entry(bob, timezone.now(), temp="38.6", red_flags=("seizure",))
    return bob


def _actions(patient, alice, erin):
    alert = Alert.objects.filter(patient=patient).first()
    return [
        ("team:patient_claim", {"pk": patient.pk}, {}, "team:triage", {}),
        ("team:patient_assign", {"pk": patient.pk}, {"to": erin.pk}, "team:triage", {}),
        ("team:patient_acknowledge", {"pk": patient.pk}, {}, "team:triage", {}),
        ("team:patient_called_back", {"pk": patient.pk}, {}, "team:triage", {}),
        ("team:acknowledge", {"pk": alert.pk}, {}, "team:alert", {"pk": alert.pk}),
        ("team:snooze", {"pk": alert.pk}, {"hours": "2"}, "team:alert", {"pk": alert.pk}),
        (
            "team:resolve",
            {"pk": alert.pk},
            {"action": "sent_to_ed", "note": "Spoke to him; going to A&E."},
            "team:triage",
            {},
        ),
    ]


@pytest.mark.parametrize("bad", BAD_NEXT)
def test_every_team_action_with_a_bad_next_is_saved_and_goes_to_its_own_page(
    client, alice, erin, urgent_bob, bad
):
    client.force_login(alice)
    for name, kwargs, data, default, default_kwargs in _actions(urgent_bob, alice, erin):
        response = client.post(reverse(name, kwargs=kwargs), {**data, "next": bad})
        assert response.status_code == 302, (name, bad)
        assert response["Location"] == reverse(default, kwargs=default_kwargs or None), name
    concern = Concern.objects.get(patient=urgent_bob)
    assert concern.owner == erin  # taken, then passed on: both saved
    assert concern.acknowledged_at is not None
    assert Alert.objects.filter(patient=urgent_bob, status=Alert.Status.RESOLVED).count() == 1


def test_a_path_on_this_site_is_followed(client, alice, urgent_bob):
    client.force_login(alice)
    response = client.post(
        reverse("team:patient_claim", kwargs={"pk": urgent_bob.pk}),
        {"next": "/team/?level=URGENT"},
    )
    assert response["Location"] == "/team/?level=URGENT"


# Error mails ---------------------------------------------------------------------------------


@pytest.fixture
def failing_site(client, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.ROOT_URLCONF = "tests.site.error_urls"
    client.raise_request_exception = False
    return client


def test_the_same_error_fifty_times_is_one_mail(failing_site):
    for n in range(50):
        response = failing_site.post("/fails/", {"next": f"{SECRET}-{n}"})
        assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org"]
    assert "ValueError" in message.body
    assert "tests/site/error_urls.py" in message.body  # where it failed: enough to find it
    text = message.subject + message.body + "".join(a[0] for a in message.alternatives)
    assert SECRET not in text  # neither in the exception's message nor in the form data


def test_a_different_error_is_its_own_mail(failing_site):
    for _ in range(3):
        failing_site.post("/fails/", {"next": SECRET})
        failing_site.post("/fails-elsewhere/", {"next": SECRET})
    assert len(mail.outbox) == 2
    assert {("KeyError" in m.body) for m in mail.outbox} == {True, False}
    assert all(SECRET not in m.subject + m.body for m in mail.outbox)


def _record(message: str, logger: str = "diary") -> logging.LogRecord:
    return logging.LogRecord(logger, logging.ERROR, __file__, 1, message, (), None)


def test_bad_hosts_from_a_scanner_are_one_mail_an_hour(client, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    for n in range(30):
        response = client.get("/", HTTP_HOST=f"scanner-{n}.example.net")
        assert response.status_code == 400
    assert len(mail.outbox) == 1
    assert "DisallowedHost" in mail.outbox[0].subject + mail.outbox[0].body


def test_at_most_twenty_error_mails_an_hour_in_all():
    handler = LimitedAdminEmailHandler()
    allowed = [handler.allowed(_record(f"kind {n}")) for n in range(30)]
    assert allowed == [True] * 20 + [False] * 10


@pytest.mark.parametrize("cache_down", [False, True])
def test_a_kind_held_back_by_the_cap_is_mailed_in_the_next_hour(cache_down):
    handler = LimitedAdminEmailHandler()
    hour = 1_000 * 3600.0
    down = mock.patch("django.core.cache.cache.add", side_effect=ConnectionError)
    with down if cache_down else contextlib.nullcontext():
        assert all(handler.allowed(_record(f"k{n}"), now=hour) for n in range(20))
        assert not handler.allowed(_record("late"), now=hour + 60)  # the cap
        assert handler.allowed(_record("late"), now=hour + 3600)  # not marked as mailed


def test_without_the_cache_this_process_still_limits_and_still_reports():
    handler = LimitedAdminEmailHandler()
    with mock.patch("django.core.cache.cache.add", side_effect=ConnectionError("redis down")):
        first = handler.allowed(_record("same"), now=1_000_000.0)
        again = handler.allowed(_record("same"), now=1_000_000.0 + 3599)
        next_hour = handler.allowed(_record("same"), now=1_000_000.0 + 3600)
        others = [handler.allowed(_record(f"k{n}"), now=1_000_000.0 + 3600) for n in range(25)]
    assert (first, again, next_hour) == (True, False, True)
    assert others.count(True) == 19  # 20 in that hour, "same" was one of them
