from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, log_in


def login(client, user) -> None:
    log_in(client, user.username)


def test_it_sends_a_patient_to_todays_diary(client, bob):
    login(client, bob.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("symptoms:today")


def test_it_sends_a_clinician_to_the_triage_queue(client, alice):
    login(client, alice)
    response = client.get("/")
    assert response["Location"] == reverse("team:triage")


def test_it_sends_an_administrator_to_the_clinic_set_up_checklist(client, dana):
    login(client, dana)
    response = client.get("/")
    assert response["Location"] == reverse("team:setup")


def test_it_lands_each_role_after_the_login_form(client, alice):
    from tests.conftest import totp_code

    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    # A clinician gives her second factor first, then lands on the triage queue.
    assert response.redirect_chain[-1][0] == reverse("two_factor_verify") + "?next=/"
    response = client.post(
        reverse("two_factor_verify"),
        {"code": totp_code(alice.otp_device), "next": "/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("team:triage")


@pytest.mark.parametrize("url", ["/", "/diary/", "/team/"])
def test_it_redirects_anonymous_users_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_it_shows_the_login_page_with_standard_fields(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert '<html lang="en-gb">' in body
    assert "Skip to main content" in body
    assert "not an emergency service" in body


def test_it_gives_a_user_without_a_role_a_clear_page(client, db):
    from tests.conftest import make_user

    make_user("nobody")
    log_in(client, "nobody")
    response = client.get("/")
    assert response.status_code == 403
    assert "contact them" in response.content.decode()


def test_it_logs_out_on_post(client, bob):
    login(client, bob.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session
