"""The clinician's patient list: status, silence, next dose, search, scoping, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from patients.models import Patient, User
from tests.alerts.factories import make_entry

LIST = reverse("team:patients")


def add_patients(team, n, start=0):
    now = timezone.now()
    for i in range(start, start + n):
        user = User.objects.create_user(f"pt{i}", first_name=f"Pat{i}", last_name="Test")
        patient = Patient.objects.create(user=user, team=team)
        make_entry(patient, now - timedelta(days=i % 5), temp="36.8")
        patient.injections.create(given_at=now - timedelta(days=10), dose_number=5)


@pytest.mark.django_db
def test_urgent_patients_first_with_silence_and_next_dose(client, alice, bob, dave):
    now = timezone.now()
    bob.er_low_ig = True
    bob.save()
    entry = make_entry(bob, now - timedelta(hours=1), temp="38.6")
    recording.entry_evaluate(entry.pk)
    make_entry(dave, now - timedelta(days=4), temp="36.8")
    dave.injections.create(given_at=now - timedelta(days=40), dose_number=6)
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert html.index("Bob") < html.index("Dave")
    assert "URGENT" in html and "IgG or IgM below normal" in html and "low_ig" not in html
    assert "4 days ago" in html and "silent" in html
    assert "Dose 7" in html and "missed" in html


@pytest.mark.django_db
def test_search_by_name_or_reference(client, alice, bob, dave):
    client.force_login(alice)
    assert "Dave" not in client.get(LIST, {"q": "bob"}).content.decode()
    html = client.get(LIST, {"q": dave.reference}).content.decode()
    assert "Dave" in html and "Bob Baker" not in html


@pytest.mark.django_db
def test_other_teams_patients_are_never_listed(client, charlie, bob):
    client.force_login(charlie)
    html = client.get(LIST).content.decode()
    assert "Bob" not in html and bob.reference not in html


@pytest.mark.django_db
def test_patients_and_anonymous_users_cannot_see_it(client, bob):
    assert client.get(LIST).status_code == 302
    client.force_login(bob.user)
    assert client.get(LIST).status_code == 404


@pytest.mark.django_db
def test_same_queries_for_20_and_200_patients(client, alice, team_a):
    client.force_login(alice)
    add_patients(team_a, 20)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    add_patients(team_a, 180, start=20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST, {"sort": "last_entry"}).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
