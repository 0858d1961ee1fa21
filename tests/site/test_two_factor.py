"""Two-factor authentication: required for clinicians and the admin, optional for patients."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.models import CareTeamMembership
from tests.conftest import PASSWORD, make_user, totp_code

LOGIN = reverse("login")


def password_login(client, username):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_a_new_clinician_sets_up_an_app_and_gets_backup_codes(client, team_a):
    nurse = make_user("nora", first_name="Nora")
    CareTeamMembership.objects.create(team=team_a, user=nurse)
    password_login(client, "nora")
    response = client.get(reverse("team:triage"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing is slowed down
    device.throttle_reset()
    done = client.post(reverse("two_factor_setup"), {"code": totp_code(device), "next": "/team/"})
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("team:triage")).status_code == 200


@pytest.mark.django_db
def test_a_backup_code_works_once(client, alice):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    static = StaticDevice.objects.create(user=alice, name="Backup codes")
    StaticToken.objects.create(device=static, token="abcd2345")
    password_login(client, "alice")
    assert client.post(reverse("two_factor_verify"), {"code": "abcd2345"}).status_code == 302
    assert client.get(reverse("team:triage")).status_code == 200
    client.post(reverse("logout"))
    password_login(client, "alice")
    again = client.post(reverse("two_factor_verify"), {"code": "abcd2345"})
    assert again.status_code == 200 and "not right" in again.content.decode()
    assert client.get(reverse("team:triage")).status_code == 302


@pytest.mark.django_db
def test_the_admin_needs_the_second_factor(client, dana):
    password_login(client, "dana")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": totp_code(dana.otp_device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_patients_may_turn_it_on_and_then_it_is_required(client, bob, time_machine):
    # The clock stands still: on a slow machine the 30-second step could turn between the
    # setup and the replay, and the "replayed" code would be a fresh one.
    time_machine.move_to(timezone.now().replace(second=1, microsecond=0), tick=False)
    password_login(client, "bob")
    assert client.get(reverse("symptoms:today")).status_code == 200  # optional by default
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=bob.user)
    client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    client.post(reverse("logout"))
    password_login(client, "bob")
    assert client.get(reverse("symptoms:today")).status_code == 302  # now it asks
    # The code used at setup cannot be replayed; the next one (one step of drift) works.
    replay = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert replay.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("two_factor_verify"), {"code": totp_code(device, ahead=1)})
    assert client.get(reverse("symptoms:today")).status_code == 200


@pytest.mark.django_db
def test_next_after_the_code_stays_on_this_site(client, alice):
    password_login(client, "alice")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": totp_code(alice.otp_device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def signed_in_long_ago(client, username):
    """A session that logged in (password and code) an hour ago, as a stolen one would be."""
    from tests.conftest import log_in

    log_in(client, username)
    session = client.session
    session["login_at"] -= 3600
    session.save()


@pytest.mark.django_db
def test_adding_an_authenticator_later_needs_the_password_and_tells_the_person(client, alice):
    from django.core import mail

    from patients.mail import account_emails_send

    signed_in_long_ago(client, "alice")
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert 'name="password"' in page
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    refused = client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    assert "That is not your password" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed  # a stolen session cannot add its own app
    assert (
        client.post(
            reverse("two_factor_setup"), {"code": totp_code(device), "password": "wrong"}
        ).status_code
        == 200
    )
    done = client.post(
        reverse("two_factor_setup"), {"code": totp_code(device, ahead=1), "password": PASSWORD}
    )
    assert "backup" in done.content.decode().lower()
    device.refresh_from_db()
    assert device.confirmed
    assert account_emails_send() == 1
    assert mail.outbox[0].to == [alice.email]
    assert "authenticator app was just added" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_backup_code_is_not_a_failed_app_code(client, alice):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    static = StaticDevice.objects.create(user=alice, name="Backup codes")
    StaticToken.objects.create(device=static, token="abcd2345")
    password_login(client, "alice")
    client.post(reverse("two_factor_verify"), {"code": "zzzz9999"})  # a wrong backup code
    app = TOTPDevice.objects.get(user=alice, confirmed=True)
    assert app.throttling_failure_count == 0  # the app is not throttled by it
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(app)}).status_code == 302


@pytest.mark.django_db
def test_throttled_codes_say_how_long_to_wait(client, alice):
    password_login(client, "alice")
    for _ in range(3):
        response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    text = response.content.decode()
    assert "temporarily disabled" in text
    seconds = int(re.search(r"Try again in (\d+) s", text).group(1))
    assert 1 <= seconds <= 4


@pytest.mark.django_db
def test_the_code_page_offers_no_menu_behind_it(client, alice):
    """Between the password and the code, the clinician's menu led only back to this page."""
    password_login(client, "alice")
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert reverse("team:triage") not in page and reverse("team:report") not in page
    assert reverse("logout") in page  # a way out stays
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(alice.otp_device)})
    assert reverse("team:triage") in client.get(reverse("team:patients")).content.decode()
