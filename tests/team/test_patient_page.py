"""The clinician's patient page: alert cards with their why, the timeline, actions, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from patients.models import AccessLog
from tests.alerts.factories import make_entry


def detail(patient, **params):
    url = reverse("team:patient", args=[patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def fever(bob):
    entry = make_entry(
        bob,
        timezone.now() - timedelta(hours=2),
        temp="38.4",
        symptoms={"chills": 2},
        antipyretic_6h=True,
    )
    services.entry_evaluate(entry.pk)
    bob.injections.create(given_at=timezone.now() - timedelta(days=5), dose_number=6)
    return entry


@pytest.mark.django_db
def test_alert_cards_show_rule_readings_thresholds_and_the_patients_message(
    client, alice, bob, fever
):
    client.force_login(alice)
    html = client.get(detail(bob)).content.decode()
    assert "T-FEV-1" in html and "INF-FLU" in html
    assert "38.4" in html and "threshold" in html.lower()
    assert "Kesimpta affects your immune system" in html  # what the patient was told
    assert "fever medicine in last 6 h" in html
    assert "Injection" in html and "dose 6" in html
    assert "In the app to alice" in html and "E-mail to alice" in html
    assert "<svg" in html


@pytest.mark.django_db
def test_resolving_from_the_patient_page_returns_there(client, alice, bob, fever):
    client.force_login(alice)
    alert = Alert.objects.get(entry=fever, rule__rule_id="T-FEV-1")
    response = client.post(
        reverse("team:resolve", args=[alert.pk]),
        {"action": "phoned_patient", "note": "advised GP", "next": detail(bob)},
    )
    assert response["Location"] == detail(bob)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED
    html = client.get(detail(bob)).content.decode()
    assert "resolved by alice: Phoned the patient" in html


@pytest.mark.django_db
def test_next_never_leaves_the_site(client, alice, bob, fever):
    client.force_login(alice)
    alert = Alert.objects.get(entry=fever, rule__rule_id="T-FEV-1")
    response = client.post(
        reverse("team:acknowledge", args=[alert.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("team:alert", args=[alert.pk])


@pytest.mark.django_db
def test_every_view_is_in_the_access_log(client, alice, bob, fever):
    client.force_login(alice)
    client.get(detail(bob))
    alert = Alert.objects.get(entry=fever, rule__rule_id="T-FEV-1")
    client.get(reverse("team:alert", args=[alert.pk]))
    log = list(AccessLog.objects.order_by("at").values_list("user__username", "patient", "action"))
    assert log == [("alice", bob.pk, "view"), ("alice", bob.pk, "alert")]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["charlie", "dave"])
def test_others_get_404_and_nothing_is_logged(client, bob, fever, who, request):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert client.get(detail(bob)).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_same_queries_for_7_and_90_days(client, alice, bob):
    now = timezone.now()
    for day in range(85):
        entry = make_entry(
            bob,
            now - timedelta(days=day, hours=1),
            temp="37.6" if day % 9 else "38.2",
            symptoms={"cough": day % 3},
        )
        services.entry_evaluate(entry.pk, now=entry.recorded_at)
    for day in (3, 31, 59):
        bob.injections.create(given_at=now - timedelta(days=day), dose_number=10 - day // 28)
    client.force_login(alice)
    client.get(detail(bob, days=7))
    counts = {}
    for days in (7, 90):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(bob, days=days)).status_code == 200
        counts[days] = len(ctx.captured_queries)
    assert counts[7] == counts[90]
