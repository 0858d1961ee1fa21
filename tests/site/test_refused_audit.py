"""Refused authorisations are audited (issue 8, item 7): a row and a WARNING per refusal."""

from __future__ import annotations

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from alerts.models import Alert
from patients.models import RefusedRequest
from tests.alerts.factories import make_entry


@pytest.fixture
def bobs_alert(bob, alice):
    entry = make_entry(bob, timezone.now() - timedelta(hours=1), temp="38.4")
    recording.entry_evaluate(entry.pk)
    return Alert.objects.filter(entry=entry, team_alert=True).first()


@pytest.mark.django_db
def test_a_clinician_probing_another_teams_alert_is_recorded(client, charlie, bobs_alert, caplog):
    client.force_login(charlie)
    url = reverse("team:alert", args=[bobs_alert.pk])
    with caplog.at_level(logging.WARNING, logger="security"):
        response = client.get(url + "?q=anything", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 404
    row = RefusedRequest.objects.get()
    assert (row.user, row.method, row.path, row.route, row.status, row.ip) == (
        charlie,
        "GET",
        url,
        "team:alert",
        404,
        "203.0.113.7",
    )
    # The query string is never kept; the log names the user by id only.
    assert "q=anything" not in row.path
    [record] = [r for r in caplog.records if r.name == "security"]
    assert f"user={charlie.pk}" in record.getMessage()
    assert "charlie" not in record.getMessage()


@pytest.mark.django_db
def test_a_patient_probing_another_patients_entry_is_recorded(client, bob, dave):
    entry = make_entry(bob, timezone.now() - timedelta(hours=1), temp="36.8")
    client.force_login(dave.user)
    assert client.get(reverse("symptoms:result", args=[entry.pk])).status_code == 404
    row = RefusedRequest.objects.get()
    assert (row.user, row.method, row.route) == (dave.user, "GET", "symptoms:result")


@pytest.mark.django_db
def test_allowed_pages_and_anonymous_visitors_leave_no_refusal(client, bob, alice, bobs_alert):
    client.force_login(alice)
    assert client.get(reverse("team:alert", args=[bobs_alert.pk])).status_code == 200
    client.logout()
    client.get(reverse("team:alert", args=[bobs_alert.pk]))  # sent to log in
    client.get("/no-such-page/")  # anonymous 404: nobody to attribute it to
    assert RefusedRequest.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_url_is_recorded_without_a_route(client, dave):
    client.force_login(dave.user)
    assert client.get("/team/patients/1/../../admin-backup.zip").status_code == 404
    assert RefusedRequest.objects.get().route == ""


@pytest.mark.django_db
def test_a_failing_audit_write_does_not_change_the_response(client, charlie, bobs_alert, caplog):
    client.force_login(charlie)
    with mock.patch.object(RefusedRequest.objects, "create", side_effect=DatabaseError("down")):
        response = client.get(reverse("team:alert", args=[bobs_alert.pk]))
    assert response.status_code == 404
    assert "could not record a refused request" in caplog.text


@pytest.mark.django_db
def test_the_audit_trail_is_read_only_in_the_admin(client, dana, charlie, bobs_alert):
    client.force_login(charlie)
    client.get(reverse("team:alert", args=[bobs_alert.pk]))
    row = RefusedRequest.objects.get()
    client.force_login(dana)
    listing = client.get(reverse("admin:patients_refusedrequest_changelist"))
    assert listing.status_code == 200
    assert reverse("team:alert", args=[bobs_alert.pk]).encode() in listing.content
    assert client.get(reverse("admin:patients_refusedrequest_add")).status_code == 403
    client.post(reverse("admin:patients_refusedrequest_delete", args=[row.pk]), {"post": "yes"})
    assert RefusedRequest.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_a_patient_sent_away_from_the_admin_is_recorded(client, bob):
    client.force_login(bob.user)
    response = client.get("/admin/patients/patient/")
    assert response.status_code == 302
    row = RefusedRequest.objects.get()
    assert (row.user, row.path, row.status) == (bob.user, "/admin/patients/patient/", 302)
