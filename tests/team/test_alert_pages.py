"""Clinician alert pages: scoped to the clinician's teams, actions POST-only with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.care.concerns import concern_resolve
from alerts.models import Alert, Concern
from tests.alerts.factories import submit_entry
from tests.conftest import log_in, without_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(bob):
    entry = submit_entry(bob, timezone.now(), temp="38.5")
    return Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")


def login(client, user):
    log_in(client, user.username)
    return client


def test_alice_sees_bobs_alert_first_in_her_queue_with_the_why(client, alice, alert):
    login(client, alice)
    queue = client.get(reverse("team:triage")).content.decode()
    assert alert.patient.reference in queue and alert.patient.display_name in queue
    assert "38.5 °C" in queue  # the value that fired, with its unit, on the row
    page = client.get(reverse("team:alert", args=[alert.pk])).content.decode()
    assert "threshold 38.0 °C" in page  # the threshold it fired on, in words
    assert "38.5" in page
    assert "You have a fever" in page  # the message the patient saw


def test_the_queue_puts_urgent_first_then_the_longest_waiting(client, alice, bob, team_a):
    from patients.models import Patient, User

    now = timezone.now()
    people = {}
    for name in ("older", "newer", "urgent"):
        user = User.objects.create_user(name, first_name=name.title())
        people[name] = Patient.objects.create(user=user, team=team_a)
    people["urgent"].er_low_ig = True
    people["urgent"].save()
    for name, hours, temp in (("older", 30, "38.2"), ("newer", 2, "38.2"), ("urgent", 1, "38.6")):
        submit_entry(people[name], now - timezone.timedelta(hours=hours), temp=temp)
    login(client, alice)
    rows = client.get(reverse("team:triage")).context["rows"]
    assert [row.patient.user.username for row in rows] == ["urgent", "older", "newer"]
    # One row per patient, however many rules their entry raised.
    assert [row.level for row in rows] == ["URGENT", "CONTACT", "CONTACT"]
    assert len(rows[0].alerts) >= 2


@pytest.mark.parametrize("name", ["alert", "acknowledge", "resolve", "snooze"])
def test_charlie_gets_404_and_nothing_changes(client, charlie, alert, name):
    login(client, charlie)
    method = client.get if name == "alert" else client.post
    response = method(reverse(f"team:{name}", args=[alert.pk]), {"action": "no_action", "hours": 1})
    assert response.status_code == 404
    alert.refresh_from_db()
    concern = Concern.objects.get(pk=alert.concern_id)
    assert alert.status == "open"
    assert (concern.status, concern.acknowledged_at, concern.snoozed_until) == ("open", None, None)


def test_a_patient_gets_404_on_clinician_pages(client, bob, alert):
    login(client, bob.user)
    assert client.get(reverse("team:triage")).status_code == 404
    assert client.get(reverse("team:alert", args=[alert.pk])).status_code == 404


def test_missing_and_not_yours_look_the_same(client, charlie, alert):
    login(client, charlie)
    not_yours = client.get(reverse("team:alert", args=[alert.pk]))
    missing = client.get(reverse("team:alert", args=[alert.pk + 999]))
    assert not_yours.status_code == missing.status_code == 404
    assert without_tokens(not_yours.content) == without_tokens(missing.content)


@pytest.mark.parametrize("name", ["acknowledge", "resolve", "snooze"])
def test_actions_refuse_get(client, alice, alert, name):
    login(client, alice)
    assert client.get(reverse(f"team:{name}", args=[alert.pk])).status_code == 405


def test_actions_need_the_csrf_token(alice, alert):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("team:acknowledge", args=[alert.pk]))
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


def test_alice_acknowledges_then_resolves_with_an_action(client, alice, alert):
    login(client, alice)
    client.post(reverse("team:acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", alice)
    response = client.post(
        reverse("team:resolve", args=[alert.pk]), {"action": "phoned_patient", "note": "Called."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.resolution_action, alert.resolution_note) == (
        "resolved",
        "phoned_patient",
        "Called.",
    )
    assert client.get(reverse("team:triage")).context["rows"] == []


def test_resolving_without_an_action_is_refused_clearly(client, alice, alert):
    login(client, alice)
    response = client.post(
        reverse("team:resolve", args=[alert.pk]), {"action": "bogus"}, follow=True
    )
    assert "Choose the action you took." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


# The queue: filters, ordering, the HTMX refresh, and query counts ------------------------


def _queue_patients(team, n, start=0):
    from datetime import timedelta

    from django.utils import timezone

    from patients.models import Patient, User

    now = timezone.now()
    for i in range(start, start + n):
        user = User.objects.create_user(f"q{i}", first_name=f"Q{i}")
        patient = Patient.objects.create(user=user, team=team)
        submit_entry(patient, now - timedelta(minutes=i + 1), temp="38.2")


@pytest.mark.django_db
def test_queue_filters_by_rule_and_status_and_counts_levels(client, alice, team_a):
    from django.urls import reverse

    from alerts.care.concerns import concern_acknowledge
    from alerts.models import Alert

    _queue_patients(team_a, 3)
    first = Alert.objects.filter(rule__rule_id="T-FEV-1").first()
    concern_acknowledge(patient=first.patient, by=alice)
    client.force_login(alice)
    html = client.get(reverse("team:triage"), {"status": "open"}).content.decode()
    assert html.count("data-patient=") == 2
    html = client.get(reverse("team:triage"), {"rule": "GU-UTI"}).content.decode()
    assert "No open alerts" in html
    partial = client.get(reverse("team:triage"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "3 CONTACT" in partial


@pytest.mark.django_db
def test_queue_runs_the_same_queries_for_20_and_200_patients(client, alice, team_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(alice)
    _queue_patients(team_a, 20)
    client.get(reverse("team:triage"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("team:triage"))
    _queue_patients(team_a, 180, start=20)
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("team:triage")).content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert "200 CONTACT" in html


@pytest.mark.django_db
def test_a_long_queue_is_paged_most_urgent_first_keeping_the_filters(client, alice, team_a):
    import re

    client.force_login(alice)
    _queue_patients(team_a, 120)
    first = client.get(reverse("team:triage"), {"level": "CONTACT"}).content.decode()
    assert "Showing patients 1–50 of 120" in first
    assert first.count("data-patient=") == 50
    assert "Previous page" not in first
    next_query = re.search(r'href="\?([^"]+)">Next page', first).group(1).replace("&amp;", "&")
    assert "level=CONTACT" in next_query and "page=2" in next_query
    last = client.get(reverse("team:triage"), {"level": "CONTACT", "page": "3"}).content.decode()
    assert "Showing patients 101–120 of 120" in last
    assert last.count("data-patient=") == 20
    assert "Previous page" in last and "Next page" not in last
    # The pages together are the queue once, in order: no patient twice, none left out.
    pages = [
        client.get(reverse("team:triage"), {"level": "CONTACT", "page": str(n)}).context["rows"]
        for n in (1, 2, 3)
    ]
    seen = [row.concern.pk for rows in pages for row in rows]
    assert len(seen) == len(set(seen)) == 120
    waited = [row.since for rows in pages for row in rows]
    assert waited == sorted(waited)  # all CONTACT, none acknowledged: longest waiting first
    # Nonsense page numbers fall back to a page that exists, never a 500.
    for page in ("0", "-1", "abc"):
        assert client.get(reverse("team:triage"), {"page": page}).status_code == 200
    past_the_end = client.get(reverse("team:triage"), {"level": "CONTACT", "page": "99999999"})
    assert past_the_end.status_code == 302
    assert "page=1" in past_the_end["Location"] and "level=CONTACT" in past_the_end["Location"]


def test_each_step_is_in_the_history_with_who_and_when(client, alice, erin, alert):
    """Acknowledge, snooze and resolve: the alert's history and the concern's events."""
    login(client, alice)
    client.post(reverse("team:acknowledge", args=[alert.pk]))
    client.post(reverse("team:snooze", args=[alert.pk]), {"hours": 4})
    login(client, erin)
    client.post(
        reverse("team:resolve", args=[alert.pk]), {"action": "advised_gp", "note": "GP tomorrow"}
    )
    steps = [
        (getattr(h.history_user, "username", None), h.status)
        for h in alert.history.order_by("history_date")
    ]
    assert steps[-2:] == [("alice", "acknowledged"), ("erin", "resolved")]
    events = Concern.objects.get(pk=alert.concern_id).events.order_by("at", "pk")
    assert [(e.kind, getattr(e.by, "username", None)) for e in events] == [
        ("opened", None),
        ("acknowledged", "alice"),
        ("snoozed", "alice"),
        ("resolved", "erin"),
    ]


def test_two_nurses_resolving_at_once_resolve_it_once(alice, erin, alert):
    bob = alert.patient
    assert concern_resolve(patient=bob, by=alice, action="phoned_patient") == 1
    assert concern_resolve(patient=bob, by=erin, action="no_action") == 0
    alert.refresh_from_db()
    assert (alert.resolved_by, alert.resolution_action) == (alice, "phoned_patient")
