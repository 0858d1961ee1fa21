"""The team's "tests due" list (LAB-DUE, clinical-rules §6), the patient page's panel and the
treatment-stop form: scoped to the clinician's teams, overdue first, a fixed number of
queries, and a refused date shown again with what was typed."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.care.labs import LabData, lab_result_record
from alerts.care.labs_due import labs_due_list, patient_labs_due
from alerts.rules import labs_due as due
from alerts.rules.labs_due import months_added
from patients.lab_tests import BY_NAME
from patients.models import AccessLog, LabResult, Patient, User

pytestmark = pytest.mark.django_db

LIST = reverse("team:tests_due")


def at_noon(patient: Patient, day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=patient.zone)


def result(patient: Patient, test: str, collected_on: date, **extra) -> LabResult:
    definition = BY_NAME[test]
    if definition.quantitative:
        extra = {"value": Decimal("9.1"), "unit": definition.unit, **extra}
    else:
        extra = {"positive": False, **extra}
    return LabResult.objects.create(
        patient=patient, test=definition.loinc, collected_on=collected_on, **extra
    )


def hbv_done(patient: Patient, day: date) -> None:
    result(patient, "HBsAg", day)
    result(patient, "anti-HBc", day)


def patient_named(team, username: str, first_name: str) -> Patient:
    user = User.objects.create_user(username, first_name=first_name, last_name="Test")
    return Patient.objects.create(user=user, team=team, timezone="Europe/London")


@pytest.fixture
def clinic(bob, dave, team_a, team_b):
    """Bob: immunoglobulins overdue; Dave: first dose in 10 days, nothing tested; Eve: tested
    last month (not due for months); Gina: overdue but discharged; Frank (team B): overdue."""
    today = bob.today()
    bob.first_dose_at = at_noon(bob, today - timedelta(days=200))
    bob.save()
    result(bob, "IgG", today - timedelta(days=210))
    hbv_done(bob, today - timedelta(days=210))
    dave.first_dose_at = at_noon(dave, today + timedelta(days=10))
    dave.save()
    eve = patient_named(team_a, "eve", "Eve")
    eve.injections.create(given_at=at_noon(eve, today - timedelta(days=60)), dose_number=1)
    result(eve, "IgG", today - timedelta(days=30))
    hbv_done(eve, today - timedelta(days=70))
    gina = patient_named(team_a, "gina", "Gina")
    gina.first_dose_at = at_noon(gina, today - timedelta(days=400))
    gina.discharged_at = timezone.now()
    gina.save()
    frank = patient_named(team_b, "frank", "Frank")
    frank.first_dose_at = at_noon(frank, today - timedelta(days=100))
    frank.save()
    return {"today": today, "bob": bob, "dave": dave, "eve": eve, "gina": gina, "frank": frank}


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [row.split(">", 1)[1] for row in body.split("<tr")[1:]]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_alice_sees_her_teams_tests_due_overdue_first(client, alice, clinic):
    client.force_login(alice)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html)
    today = clinic["today"]
    bob_due = months_added(today - timedelta(days=210), 6)
    overdue_by = (today - bob_due).days
    assert overdue_by > 0
    assert len(rows) == 3, rows
    assert rows[0].startswith("Bob Baker")
    assert "Immunoglobulins (IgG, IgM)" in rows[0]
    assert "Every 6 months on treatment" in rows[0]
    assert f"Overdue by {overdue_by} days" in rows[0]
    # Dave: both tests before his first dose, in 10 days; the what names the missing markers.
    assert all(r.startswith("Dave") and "Before the first dose" in r for r in rows[1:])
    assert "Due in 10 days" in rows[1] and "Due in 10 days" in rows[2]
    assert any("Hepatitis B serology (HBsAg, anti-HBc)" in r for r in rows[1:])
    # Not listed: Eve (not due for months), Gina (discharged), Frank (another team's).
    assert "Eve Test" not in html and "Gina" not in html and "Frank" not in html
    assert reverse("team:patient", args=[clinic["bob"].pk]) in html
    assert AccessLog.objects.filter(user=alice, action=AccessLog.Action.LIST).exists()


def test_charlie_sees_only_his_teams_patient(client, charlie, clinic):
    client.force_login(charlie)
    html = client.get(LIST).content.decode()
    rows = table_rows(html)
    assert len(rows) == 2 and all(r.startswith("Frank") for r in rows)
    assert "Bob" not in html and "Dave" not in html
    assert clinic["bob"].reference not in html


def test_the_list_says_so_when_nothing_is_due(client, alice, bob):
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert "No blood tests overdue or due in the next 14 days." in html


def test_patients_and_administrators_cannot_see_it(client, bob, dana):
    assert client.get(LIST).status_code == 302
    client.force_login(bob.user)
    assert client.get(LIST).status_code == 404
    client.force_login(dana)
    assert client.get(LIST).status_code == 404


def add_patients(team, n: int, start: int = 0) -> None:
    today = timezone.localdate()
    for i in range(start, start + n):
        patient = patient_named(team, f"pt{i}", f"Pat{i}")
        patient.injections.create(
            given_at=at_noon(patient, today - timedelta(days=180 + i % 7)), dose_number=1
        )
        result(patient, "IgG", today - timedelta(days=190 + i % 30))
        result(patient, "IgM", today - timedelta(days=190 + i % 30))
        if i % 3:
            hbv_done(patient, today - timedelta(days=190))


def test_same_queries_for_10_and_60_patients(client, alice, team_a):
    client.force_login(alice)
    add_patients(team_a, 10)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as small:
        response = client.get(LIST)
    assert len(table_rows(response.content.decode())) > 10
    add_patients(team_a, 50, start=10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(LIST)
    assert len(table_rows(response.content.decode())) > 60
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_withdrawn_result_does_not_count(bob):
    today = bob.today()
    bob.first_dose_at = at_noon(bob, today - timedelta(days=30))
    bob.save()
    hbv_done(bob, today - timedelta(days=40))
    kept = result(bob, "IgM", today - timedelta(days=60))
    result(bob, "IgG", today - timedelta(days=35), withdrawn_at=timezone.now())
    [item] = patient_labs_due(bob).items
    assert (item.why, item.due_on) == (due.INTERVAL, months_added(kept.collected_on, 6))


def test_a_logged_first_dose_wins_over_the_planned_one(bob):
    today = bob.today()
    bob.first_dose_at = at_noon(bob, today + timedelta(days=20))
    bob.save()
    bob.injections.create(given_at=at_noon(bob, today - timedelta(days=3)), dose_number=1)
    items = patient_labs_due(bob).items
    assert {i.due_on for i in items} == {today - timedelta(days=3)}
    assert all(i.overdue and i.days_overdue == 3 for i in items)


def test_a_result_recorded_by_the_team_takes_the_patient_off_the_list(alice, bob):
    today = bob.today()
    bob.first_dose_at = at_noon(bob, today + timedelta(days=5))
    bob.save()
    hbv_done(bob, today - timedelta(days=5))
    assert [r.patient for r in labs_due_list(Patient.objects.all())] == [bob]
    lab_result_record(
        patient=bob,
        data=LabData(test=BY_NAME["IgG"], collected_on=today, value=Decimal("8.2"), unit="g/L"),
        by=alice,
    )
    assert labs_due_list(Patient.objects.all()) == []


# The patient page's panel and the treatment-stop form -------------------------------------


def test_the_patient_page_shows_the_tests_due(client, alice, clinic):
    client.force_login(alice)
    html = client.get(reverse("team:patient", args=[clinic["dave"].pk])).content.decode()
    assert "Blood tests due" in html
    assert "Hepatitis B serology (HBsAg, anti-HBc)" in html
    assert "Due in 10 days" in html
    assert reverse("team:treatment_stop", args=[clinic["dave"].pk]) in html
    assert 'id="stop-treatment_stopped_on"' in html


def test_alice_records_the_stop_then_recovery(client, alice, clinic):
    bob, today = clinic["bob"], clinic["today"]
    client.force_login(alice)
    url = reverse("team:treatment_stop", args=[bob.pk])
    stopped = today - timedelta(days=20)
    response = client.post(url, {"treatment_stopped_on": stopped.isoformat()})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.treatment_stopped_on, bob.b_cell_recovery_on) == (stopped, None)
    assert bob.history.first().history_user == alice
    assert AccessLog.objects.filter(patient=bob, action=AccessLog.Action.CARE).exists()
    html = client.get(LIST).content.decode()
    assert "Every 6 months after stopping, until B-cell recovery" in html
    response = client.post(
        url,
        {"treatment_stopped_on": stopped.isoformat(), "b_cell_recovery_on": today.isoformat()},
    )
    assert response.status_code == 302
    html = client.get(LIST).content.decode()
    assert "Bob" not in html
    page = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "B-cell recovery recorded: no more tests are due." in page


@pytest.mark.parametrize(
    ("stopped", "recovery", "field", "message"),
    [
        (1, None, "treatment_stopped_on", "This date is in the future"),
        (-5, 1, "b_cell_recovery_on", "This date is in the future"),
        (
            -5,
            -6,
            "b_cell_recovery_on",
            "B-cell recovery cannot be before the day treatment stopped.",
        ),
        (None, -2, "b_cell_recovery_on", "Give the day treatment stopped first"),
        ("31/02/2026", None, "treatment_stopped_on", "Enter a valid date."),
    ],
)
def test_refused_dates_keep_what_was_typed(client, alice, bob, stopped, recovery, field, message):
    today = bob.today()

    def typed(value):
        if value is None:
            return ""
        return value if isinstance(value, str) else (today + timedelta(days=value)).isoformat()

    client.force_login(alice)
    data = {"treatment_stopped_on": typed(stopped), "b_cell_recovery_on": typed(recovery)}
    response = client.post(reverse("team:treatment_stop", args=[bob.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="error_1_stop-{field}"' in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    bob.refresh_from_db()
    assert (bob.treatment_stopped_on, bob.b_cell_recovery_on) == (None, None)


def test_the_days_themselves_are_accepted(client, alice, bob):
    today = bob.today()
    client.force_login(alice)
    response = client.post(
        reverse("team:treatment_stop", args=[bob.pk]),
        {"treatment_stopped_on": today.isoformat(), "b_cell_recovery_on": today.isoformat()},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.treatment_stopped_on == bob.b_cell_recovery_on == today


def test_the_form_page_alone(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("team:treatment_stop", args=[bob.pk]))
    assert response.status_code == 200
    assert "Treatment stopped and B-cell recovery" in response.content.decode()


def test_charlie_gets_404_and_nothing_changes(client, charlie, bob):
    client.force_login(charlie)
    url = reverse("team:treatment_stop", args=[bob.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"treatment_stopped_on": bob.today().isoformat()})
    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.treatment_stopped_on is None
    assert not AccessLog.objects.filter(patient=bob).exists()


@pytest.mark.django_db
def test_lab_due_switched_off_in_the_admin_lists_nothing(client, alice, clinic):
    from alerts.models import AlertRule

    AlertRule.objects.filter(rule_id="LAB-DUE").update(active=False)
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert "<tbody>" not in html
    assert "Bob Baker" not in html
    assert "No blood tests overdue or due in the next 14 days." in html
