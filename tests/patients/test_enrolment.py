"""Enrolment with a one-time link, risk flags with history, caregivers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from patients.mail import account_emails_send
from patients.models import Caregiver, Patient, User
from tests.conftest import PASSWORD, log_in


def enrol_data(team, **extra):
    return {
        "first_name": "Nina",
        "last_name": "North",
        "email": "nina@example.org",
        "language": "en-gb",
        "team": team.pk,
        "timezone": "Europe/Paris",
        "temperature_unit": "C",
        "first_dose_at": "2026-12-01T10:00",
        "er_low_ig": "on",
        **extra,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enrolled_patient_sets_a_password_once_and_logs_in(client, alice, team_a):
    client.force_login(alice)
    response = client.post(reverse("team:enrol"), enrol_data(team_a))
    patient = Patient.objects.get(user__email="nina@example.org")
    assert response["Location"] == reverse("team:patient", args=[patient.pk])
    assert patient.team == team_a and patient.er_low_ig and patient.timezone == "Europe/Paris"
    assert patient.first_dose_at.isoformat() == "2026-12-01T09:00:00+00:00"
    assert not patient.user.has_usable_password()
    assert mail.outbox == []  # written to the outbox; a worker sends it
    assert account_emails_send() == 1
    body = mail.outbox[0].body
    assert "nina" in body and "Kesimpta" in mail.outbox[0].subject + body
    link = re.search(r"http://\S+/accounts/reset/\S+", body).group(0)
    path = link.split("8000", 1)[1]
    client.logout()
    form = client.get(path, follow=True)
    set_url = form.redirect_chain[-1][0]
    new = "a-long-and-unusual-passphrase-42"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    log_in(client, patient.user.username, new)
    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "expired or was already used" in again  # one use only
    assert "new_password1" not in again


@pytest.mark.django_db
def test_enrolment_refuses_a_duplicate_and_keeps_what_was_typed(client, alice, team_a, bob):
    bob.user.email = "nina@example.org"
    bob.user.save()
    client.force_login(alice)
    response = client.post(reverse("team:enrol"), enrol_data(team_a))
    html = response.content.decode()
    assert response.status_code == 200 and "already enrolled" in html
    assert 'value="Nina"' in html
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_a_clinician_cannot_enrol_into_another_team(client, alice, team_b):
    client.force_login(alice)
    response = client.post(reverse("team:enrol"), enrol_data(team_b))
    assert response.status_code == 200
    assert not Patient.objects.filter(team=team_b).exists()


@pytest.mark.django_db
def test_risk_flags_change_with_history(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("team:risk", args=[bob.pk]), {"er_cytopenia": "on"})
    bob.refresh_from_db()
    assert bob.er_cytopenia and bob.elevated_risk == frozenset({"cytopenia"})
    latest = bob.history.order_by("-history_date").first()
    assert latest.history_user == alice and latest.er_cytopenia
    html = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "cytopenia" in html and "alice" in html


@pytest.mark.django_db
def test_charlie_cannot_change_bobs_flags_or_carers(client, charlie, bob):
    client.force_login(charlie)
    assert client.post(reverse("team:risk", args=[bob.pk]), {"hbv_risk": "on"}).status_code == 404
    assert (
        client.post(
            reverse("team:caregivers", args=[bob.pk]), {"first_name": "X", "email": "x@example.org"}
        ).status_code
        == 404
    )
    bob.refresh_from_db()
    assert not bob.hbv_risk and not Caregiver.objects.exists()


def invite(client, patient, email, first_name="Carl", **extra):
    return client.post(
        reverse("team:caregivers", args=[patient.pk]),
        {"first_name": first_name, "email": email, **extra},
        follow=True,
    )


REPLY = "if it can be used for a caregiver"


@pytest.mark.django_db
def test_a_new_address_gets_an_account_and_an_invitation_and_must_accept(client, alice, bob):
    client.force_login(alice)
    page = invite(client, bob, "carl@example.org", relationship="Son").content.decode()
    assert REPLY in page
    carer = Caregiver.objects.get(patient=bob)
    assert carer.user.email == "carl@example.org" and carer.relationship == "Son"
    assert not carer.active  # not until Carl says yes, signed in as himself
    assert account_emails_send() == 1
    assert mail.outbox[0].to == ["carl@example.org"]
    assert "help someone with their symptom diary" in mail.outbox[0].body
    assert "Bob" not in mail.outbox[0].subject + mail.outbox[0].body  # no patient named
    carer.user.set_password(PASSWORD)
    carer.user.save()
    client.logout()
    log_in(client, carer.user.username)
    assert client.get(reverse("home"))["Location"] == reverse("patients:caregiving")
    answer = client.post(
        reverse("patients:caregiving"), {"caregiver": carer.pk, "answer": "accept"}
    )
    assert answer["Location"] == reverse("symptoms:today")
    carer.refresh_from_db()
    assert carer.active and carer.accepted_at is not None
    assert client.get(reverse("symptoms:today")).status_code == 200


@pytest.mark.django_db
def test_an_existing_account_is_asked_not_linked(client, alice, bob, dave):
    """Dave (a patient himself) is asked to help Bob; nothing changes until he accepts."""
    client.force_login(alice)
    invite(client, bob, dave.user.email.upper())
    carer = Caregiver.objects.get(patient=bob, user=dave.user)
    assert not carer.active
    assert account_emails_send() == 1
    (message,) = mail.outbox
    assert message.to == [dave.user.email] and "Bob" not in message.body
    assert "/patients/caregiving/" in message.body
    client.force_login(dave.user)
    page = client.get(reverse("patients:caregiving")).content.decode()
    assert "Will you help Bob Baker?" in page
    client.post(reverse("patients:caregiving"), {"caregiver": carer.pk, "answer": "decline"})
    assert not Caregiver.objects.filter(pk=carer.pk).exists()
    # Still only his own diary.
    assert client.get(reverse("symptoms:today")).context["patient"] == dave


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "erin", "dana", "bob_himself"])
def test_staff_and_the_patient_never_become_caregivers(client, alice, erin, dana, bob, who):
    """charlie once linked alice (team A) to his patient and she read its entries."""
    address = {
        "alice": alice.email,
        "erin": erin.email,
        "dana": dana.email,
        "bob_himself": bob.user.email,
    }[who]
    client.force_login(alice)
    page = invite(client, bob, address).content.decode()
    assert REPLY in page  # the same reply as for anyone
    assert not Caregiver.objects.exists()
    assert account_emails_send() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_the_reply_never_tells_whose_address_it_is(client, charlie, team_b, alice, bob):
    """With bob@example.org the reply once named a team A patient."""
    from patients.models import Patient

    zed = Patient.objects.create(
        user=User.objects.create_user("zed", "zed@example.org", "x"), team=team_b
    )
    client.force_login(charlie)
    replies = {}
    for address in ("bob@example.org", "alice@example.org", "nobody-yet@example.org"):
        html = invite(client, zed, address).content.decode()
        message = html.split('class="alert', 1)[1].split("</div>", 1)[0]
        replies[address] = message.replace(address, "ADDRESS")
    assert len(set(replies.values())) == 1, replies
    assert "Bob" not in replies["bob@example.org"] and "Alice" not in replies["alice@example.org"]


@pytest.mark.django_db
def test_someone_elses_request_cannot_be_answered(client, alice, bob, dave, carol):
    client.force_login(alice)
    invite(client, bob, dave.user.email)
    carer = Caregiver.objects.get(patient=bob, user=dave.user)
    client.force_login(carol.user)
    response = client.post(
        reverse("patients:caregiving"), {"caregiver": carer.pk, "answer": "accept"}
    )
    assert response.status_code == 404
    carer.refresh_from_db()
    assert not carer.active


@pytest.mark.django_db
def test_an_address_longer_than_an_email_can_be_is_a_form_error(client, alice, bob):
    client.force_login(alice)
    page = invite(client, bob, "a" * 250 + "@example.org").content.decode()
    assert "valid e-mail" in page
    assert not User.objects.filter(email__endswith="@example.org", username__startswith="aaa")


@pytest.mark.django_db
def test_the_invitation_is_in_the_language_chosen_at_enrolment(client, alice, team_a):
    client.force_login(alice)
    page = client.get(reverse("team:enrol")).content.decode()
    assert 'name="language"' in page and "The invitation, reminders" in page
    client.post(reverse("team:enrol"), enrol_data(team_a, language="es"))
    patient = Patient.objects.get(user__email="nina@example.org")
    assert patient.user.language == "es"
    assert account_emails_send() == 1
    with translation.override("es"):
        subject = gettext("Your Kesimpta symptom diary account")
    assert mail.outbox[0].subject == subject != "Your Kesimpta symptom diary account"


@pytest.mark.django_db
def test_enrolment_without_a_language_says_so_and_keeps_the_rest(client, alice, team_a):
    client.force_login(alice)
    data = enrol_data(team_a)
    del data["language"]
    response = client.post(reverse("team:enrol"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required" in page and 'value="nina@example.org"' in page
    assert not Patient.objects.filter(user__email="nina@example.org").exists()
