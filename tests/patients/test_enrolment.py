"""Enrolment with a one-time link, risk flags with history, caregivers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from patients.models import Caregiver, Patient, User
from tests.conftest import log_in


def enrol_data(team, **extra):
    return {"first_name": "Nina", "last_name": "North", "email": "nina@example.org",
            "team": team.pk, "timezone": "Europe/Paris", "temperature_unit": "C",
            "first_dose_at": "2026-12-01T10:00", "er_low_ig": "on", **extra}  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enrolled_patient_sets_a_password_once_and_logs_in(client, alice, team_a):
    client.force_login(alice)
    response = client.post(reverse("team_patients:enrol"), enrol_data(team_a))
    patient = Patient.objects.get(user__email="nina@example.org")
    assert response["Location"] == reverse("team_patients:detail", args=[patient.pk])
    assert patient.team == team_a and patient.er_low_ig and patient.timezone == "Europe/Paris"
    assert patient.first_dose_at.isoformat() == "2026-12-01T09:00:00+00:00"
    assert not patient.user.has_usable_password()
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
    response = client.post(reverse("team_patients:enrol"), enrol_data(team_a))
    html = response.content.decode()
    assert response.status_code == 200 and "already enrolled" in html
    assert 'value="Nina"' in html
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_a_clinician_cannot_enrol_into_another_team(client, alice, team_b):
    client.force_login(alice)
    response = client.post(reverse("team_patients:enrol"), enrol_data(team_b))
    assert response.status_code == 200
    assert not Patient.objects.filter(team=team_b).exists()


@pytest.mark.django_db
def test_risk_flags_change_with_history(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("team_patients:risk", args=[bob.pk]), {"er_cytopenia": "on"})
    bob.refresh_from_db()
    assert bob.er_cytopenia and bob.elevated_risk == frozenset({"cytopenia"})
    latest = bob.history.order_by("-history_date").first()
    assert latest.history_user == alice and latest.er_cytopenia
    html = client.get(reverse("team_patients:detail", args=[bob.pk])).content.decode()
    assert "cytopenia" in html and "alice" in html


@pytest.mark.django_db
def test_charlie_cannot_change_bobs_flags_or_carers(client, charlie, bob):
    client.force_login(charlie)
    assert client.post(reverse("team_patients:risk", args=[bob.pk]),
                       {"hbv_risk": "on"}).status_code == 404  # fmt: skip
    assert client.post(reverse("team_patients:caregivers", args=[bob.pk]),
                       {"first_name": "X", "email": "x@example.org"}).status_code == 404  # fmt: skip
    bob.refresh_from_db()
    assert not bob.hbv_risk and not Caregiver.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_adding_a_caregiver_invites_them(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("team_patients:caregivers", args=[bob.pk]),
                {"first_name": "Carl", "email": "carl@example.org", "relationship": "Son"})  # fmt: skip
    carer = Caregiver.objects.get(patient=bob)
    assert carer.user.email == "carl@example.org" and carer.relationship == "Son"
    assert mail.outbox[0].to == ["carl@example.org"]
    assert "help with a symptom diary" in mail.outbox[0].body
    assert User.objects.filter(email="carl@example.org").count() == 1
