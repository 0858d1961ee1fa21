"""The nurse's queue: one row per patient, the values that fired, who has it, what is overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertRule, Episode
from alerts.triage import patient_claim
from patients.models import Patient, User
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


def rows(client, **params):
    return [row for row, _late in client.get(reverse("team:triage"), params).context["rows"]]


def test_one_entry_with_many_rules_is_one_row_with_its_values_in_words(client, alice, bob):
    entry = make_entry(
        bob,
        timezone.now(),
        temp="39.4",
        symptoms={"chills": 2, "dysuria": 2, "urinary_frequency": 2, "flank_pain": 2},
    )
    services.entry_evaluate(entry.pk)
    fired = Alert.objects.filter(entry=entry, team_alert=True).count()
    assert fired >= 3  # fever, chills with fever, urinary infection...
    client.force_login(alice)
    html = client.get(reverse("team:triage")).content.decode()
    assert html.count("data-patient=") == 1
    assert "Bob Baker" in html
    assert "39.4 °C" in html
    assert "Chills or shivering: moderate" in html  # the grade in words, never "2"
    assert f"{fired} rules" in html
    row = html.split("<tbody>")[1].split("<details")[0]
    assert "T-FEV-1" not in row  # the row leads with the values, not the rules' codes


def _patient(team, name: str) -> Patient:
    user = User.objects.create_user(name, first_name=name.title())
    return Patient.objects.create(user=user, team=team)


def test_an_urgent_waiting_past_15_minutes_is_marked_overdue(client, alice, team_a):
    now = timezone.now()
    late, fresh = _patient(team_a, "late"), _patient(team_a, "fresh")
    for patient, minutes in ((late, 40), (fresh, 5)):
        patient.er_low_ig = True
        patient.save()
        entry = make_entry(patient, now - timedelta(minutes=minutes), temp="38.6")
        services.entry_evaluate(entry.pk, now=now - timedelta(minutes=minutes))
    client.force_login(alice)
    context = client.get(reverse("team:triage")).context
    overdue = {row.patient.user.username: late for row, late in context["rows"]}
    assert overdue["fresh"] is None
    assert timedelta(minutes=24) < overdue["late"] <= timedelta(minutes=26)
    html = client.get(reverse("team:triage")).content.decode()
    assert html.count("overdue-mark") == 1 and "Overdue by 25 min" in html
    # Once someone acknowledges it, it is no longer waiting for a response.
    patient_claim(patient=late, by=alice)
    assert "overdue-mark" not in client.get(reverse("team:triage")).content.decode()


def test_the_row_says_who_has_the_patient_and_when_it_was_acknowledged(client, alice, erin, bob):
    entry = make_entry(bob, timezone.now(), temp="38.5")
    services.entry_evaluate(entry.pk)
    client.force_login(erin)
    assert "Nobody yet" in client.get(reverse("team:triage")).content.decode()
    client.post(reverse("team:patient_claim", args=[bob.pk]))
    client.force_login(alice)
    html = client.get(reverse("team:triage")).content.decode()
    assert "<strong>erin</strong>" in html.lower() or "<strong>Erin</strong>" in html
    assert "Acknowledged by Erin" in html
    assert rows(client, owner="none") == []
    assert [r.patient for r in rows(client, owner="me")] == []
    client.force_login(erin)
    assert [r.patient for r in rows(client, owner="me")] == [bob]


# Query counts: the same for 20 and 2,000 patients ----------------------------------------


def _bulk_patients(team, n: int, start: int) -> None:
    """n patients, each with an open CONTACT and an open URGENT team alert (no entry)."""
    rules = {r.level: r for r in AlertRule.objects.filter(rule_id__in=["T-FEV-1", "T-FEV-ER-1"])}
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(username=f"bulk{i}", first_name=f"Bulk{i}") for i in range(start, start + n)]
    )
    patients = Patient.objects.bulk_create([Patient(user=u, team=team) for u in users])
    episodes = Episode.objects.bulk_create(
        [
            Episode(
                patient=p,
                key=f"{level}-{p.pk}",
                opened_at=now,
                last_alert_at=now,
                highest_level=level,
            )
            for p in patients
            for level in rules
        ]
    )
    Alert.objects.bulk_create(
        [
            Alert(
                patient_id=e.patient_id,
                rule=rules[e.highest_level],
                rule_version=1,
                level=e.highest_level,
                team_alert=True,
                episode=e,
                episode_key=e.key,
                snapshot={"patient_message": "Contact your team today."},
                why={"readings": [{"value": "38.6", "unit": "C", "value_c": "38.6"}]},
                fired_at=now - timedelta(minutes=i % 300),
            )
            for i, e in enumerate(episodes)
        ]
    )


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_queue_runs_the_same_queries_for_20_and_2000_patients(client, alice, team_a):
    client.force_login(alice)
    _bulk_patients(team_a, 20, 0)
    url = reverse("team:triage")
    client.get(url)  # warm the session and the symptom labels
    small = (_queries(client, url), _queries(client, url, {"page": "1", "owner": "none"}))
    _bulk_patients(team_a, 1980, 20)
    large = (_queries(client, url), _queries(client, url, {"page": "1", "owner": "none"}))
    assert small == large
    html = client.get(url).content.decode()
    assert "2000 patients with open alerts" in html and html.count("data-patient=") == 50
    assert "Showing patients 1–50 of 2000" in html


# CONTACT: 4 hours of the team's working day (Mon–Fri 08:00–18:00 in its zone), not 4 hours
# on the clock. Fired Friday 15:00 London: 3 hours that day, 1 on Monday, due Monday 09:00.
@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        ("2026-11-27T17:59+00:00", None),  # Friday, nearly 3 working hours in
        ("2026-11-28T12:00+00:00", None),  # the weekend does not count
        ("2026-11-30T08:59+00:00", None),  # Monday, a minute short of 4 working hours
        ("2026-11-30T09:00+00:00", None),  # exactly at the target: not yet overdue
        ("2026-11-30T09:30+00:00", timedelta(minutes=30)),
    ],
)
def test_a_contact_is_overdue_after_four_working_hours(team_a, bob, now, overdue):
    from datetime import datetime

    from alerts.triage import response_overdue

    fired = datetime.fromisoformat("2026-11-27T15:00+00:00")
    team_a.timezone = "Europe/London"
    alert = Alert(level="CONTACT", fired_at=fired, status=Alert.Status.OPEN)
    assert response_overdue(alert, team_a, datetime.fromisoformat(now)) == overdue
    alert.status = Alert.Status.ACKNOWLEDGED  # someone is on it: never overdue
    assert response_overdue(alert, team_a, datetime.fromisoformat(now)) is None


def test_a_later_reading_that_raised_no_new_alert_is_shown_beside_the_older_one(client, alice, bob):
    now = timezone.now()
    first = make_entry(bob, now - timedelta(hours=2), temp="38.1")
    services.entry_evaluate(first.pk)
    later = make_entry(bob, now - timedelta(minutes=5), temp="38.9")
    services.entry_evaluate(later.pk)
    assert not Alert.objects.filter(entry=later, team_alert=True).exists()  # de-duplicated
    client.force_login(alice)
    (row,) = rows(client)
    assert row.newer_reading.entry == later
    html = client.get(reverse("team:triage")).content.decode()
    assert "Latest temperature: 38.9 °C" in html


def test_no_latest_line_when_the_alerts_already_show_the_latest_reading(client, alice, bob):
    entry = make_entry(bob, timezone.now(), temp="38.4")
    services.entry_evaluate(entry.pk)
    client.force_login(alice)
    (row,) = rows(client)
    assert row.newer_reading is None
    assert "Latest temperature" not in client.get(reverse("team:triage")).content.decode()
