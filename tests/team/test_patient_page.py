"""The clinician's patient page: alert cards with their why, the timeline, actions, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
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
    recording.entry_evaluate(entry.pk)
    bob.injections.create(given_at=timezone.now() - timedelta(days=5), dose_number=6)
    return entry


@pytest.mark.django_db
def test_the_page_leads_with_the_chart_and_lists_open_alerts_in_words(client, alice, bob, fever):
    client.force_login(alice)
    html = client.get(detail(bob)).content.decode()
    assert html.index("chart-heading") < html.index("open-heading") < html.index("timeline-heading")
    assert "<svg" in html
    open_list = html.split('id="open-heading"')[1].split("</section>")[0]
    assert "2 open alerts" in html
    assert "Fever" in open_list and "38.4 °C" in open_list
    assert "Chills or shivering: moderate" in open_list
    assert "T-FEV-1" not in open_list and "INF-FLU" not in open_list  # words, not codes
    assert "<form" not in open_list  # one place to act: the alert page
    assert "fever medicine in last 6 h" in html
    assert "Injection" in html and "dose 6" in html


@pytest.mark.django_db
def test_the_timeline_hides_messages_until_asked(client, alice, bob, fever):
    client.force_login(alice)
    html = client.get(detail(bob)).content.decode()
    assert "in the app to alice" not in html.lower()
    assert "items hidden by these filters" in html or "item hidden by these filters" in html
    html = client.get(
        reverse("team:patient", args=[bob.pk]), {"show": ["messages"]}
    ).content.decode()
    assert "in the app to alice" in html.lower() and "e-mail to alice" in html.lower()
    assert "dose 6" not in html  # entries and doses are off in this view
    bad = client.get(reverse("team:patient", args=[bob.pk]), {"show": ["nonsense"]})
    assert bad.status_code == 200 and "dose 6" in bad.content.decode()  # back to the default


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
    assert "alerts resolved</strong> by alice: phoned the patient — advised gp" in html.lower()


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
        recording.entry_evaluate(entry.pk, now=entry.recorded_at)
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
