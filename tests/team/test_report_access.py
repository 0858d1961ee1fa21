"""The clinic report is team-scoped: charlie gets 404 for team A and never sees its numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from team.report import CSV_HEADER
from tests.conftest import log_in
from tests.team import report_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_a_alerts(bob):
    """Seven URGENT alerts in team A: a number that appears nowhere else."""
    now = timezone.now()
    rule = data.rule("RPT-A7", "URGENT")
    data.alerts(
        [
            (bob, rule, now - timezone.timedelta(hours=h + 1), None, True, None, None)
            for h in range(7)
        ]
    )
    return rule


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM, for spreadsheets
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ["team:report", "team:report_csv"])
def test_charlie_gets_404_for_a_team_he_is_not_on(client, charlie, team_a, name):
    log_in(client, charlie.username)
    assert client.get(reverse(name), {"team": team_a.pk}).status_code == 404
    assert client.get(reverse(name), {"team": "not-a-number"}).status_code == 404


@pytest.mark.parametrize("name", ["team:report", "team:report_csv"])
def test_a_patient_gets_404(client, bob, name):
    log_in(client, "bob")
    assert client.get(reverse(name)).status_code == 404


def test_charlie_never_sees_team_a_at_clinic_level(client, charlie, team_a_alerts):
    log_in(client, charlie.username)
    page = client.get(reverse("team:report"), {"days": 7})
    assert page.status_code == 200
    assert page.context["report"].level_counts == {}
    assert "RPT-A7" not in page.content.decode()
    rows = csv_rows(client.get(reverse("team:report_csv"), {"days": 7}))
    assert ["alerts", "count", "URGENT", "", "0", "alerts"] in rows
    assert not any("RPT-A7" in cell for row in rows for cell in row)


def test_alice_sees_her_team_at_both_levels(client, alice, team_a, team_a_alerts):
    log_in(client, alice.username)
    for params in ({"days": 7}, {"days": 7, "team": team_a.pk}):
        page = client.get(reverse("team:report"), params)
        assert page.context["report"].level_counts == {"URGENT": 7}
        html = page.content.decode()
        assert "<svg" in html and "<caption>" in html and 'scope="row"' in html
        # The figures are counts, never names; only the lists of who is not using the diary
        # name the team's own patients, to remind them.
        figures, lists = html.split('id="h-quiet"')
        assert "Bob" not in figures and "Baker" not in figures
        assert "Bob Baker" in lists


def test_the_csv_has_its_headers_and_the_page_figures(client, alice, team_a, team_a_alerts):
    log_in(client, alice.username)
    response = client.get(reverse("team:report_csv"), {"days": 7, "team": team_a.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == CSV_HEADER == ["section", "measure", "level", "rule", "value", "unit"]
    assert ["period", "scope", "", "", "Team A", ""] in rows
    assert ["rules", "count", "URGENT", "RPT-A7", "7", "alerts"] in rows
    assert ["response", "alerts", "URGENT", "", "7", "alerts"] in rows


def test_csv_cells_cannot_run_as_formulas(client, alice, team_a):
    team_a.name = '=HYPERLINK("http://x")'
    team_a.save()
    log_in(client, alice.username)
    rows = csv_rows(client.get(reverse("team:report_csv"), {"team": team_a.pk}))
    scope = next(r for r in rows if r[:2] == ["period", "scope"])
    assert scope[4].startswith("'=")


@pytest.mark.parametrize(("days", "shown"), [("7", 7), ("30", 30), ("90", 90), ("", 30)])
def test_the_period_is_a_get_parameter(client, alice, days, shown):
    log_in(client, alice.username)
    assert client.get(reverse("team:report"), {"days": days}).context["days"] == shown


@pytest.mark.parametrize("days", ["365", "abc", "-7"])
def test_a_period_not_offered_gets_a_message_not_an_error(client, alice, days):
    log_in(client, alice.username)
    response = client.get(reverse("team:report"), {"days": days})
    assert response.status_code == 200 and response.context["days"] == 30
    assert "Choose a period of 7, 30 or 90 days" in response.content.decode()


def test_the_nav_links_to_the_report(client, alice):
    log_in(client, alice.username)
    assert reverse("team:report") in client.get(reverse("team:triage")).content.decode()


def test_clinic_level_adds_up_every_team_the_clinician_is_on(client, alice, team_b, team_a_alerts):
    from patients.models import CareTeamMembership

    CareTeamMembership.objects.create(team=team_b, user=alice, role="backup")
    (other,) = data.patients(team_b, 1, enrolled_at=timezone.now() - timezone.timedelta(days=60))
    data.alert(other, team_a_alerts, fired_at=timezone.now() - timezone.timedelta(hours=1))
    log_in(client, alice.username)
    clinic = client.get(reverse("team:report"), {"days": 7}).context["report"]
    only_b = client.get(reverse("team:report"), {"days": 7, "team": team_b.pk}).context["report"]
    assert clinic.level_counts == {"URGENT": 8} and clinic.patients == 2
    assert only_b.level_counts == {"URGENT": 1} and only_b.patients == 1


def test_a_clinician_reminds_a_patient_who_has_not_written_once_a_day(
    client, alice, charlie, bob, team_a
):
    from datetime import timedelta

    from django.utils import timezone

    from patients.models import PatientReminder

    bob.enrolled_at = timezone.now() - timedelta(days=10)  # and never wrote since
    bob.save()
    url = reverse("team:report_remind", args=[bob.pk])
    log_in(client, charlie.username)
    assert client.post(url).status_code == 404  # not his team's patient
    log_in(client, alice.username)
    page = client.get(reverse("team:report")).content.decode()
    assert "Remind Bob" in page and url in page
    response = client.post(url, {"next": "/team/report/?days=7"}, follow=True)
    assert response.redirect_chain[-1][0] == "/team/report/?days=7"
    assert "A reminder e-mail is on its way to Bob Baker" in response.content.decode()
    again = client.post(url, follow=True).content.decode()
    assert "already had a reminder today" in again
    assert PatientReminder.objects.filter(patient=bob, kind="gap").count() == 1


def test_the_remind_button_never_says_an_email_is_coming_when_it_is_not(client, alice, bob):
    from patients.models import PatientReminder

    url = reverse("team:report_remind", args=[bob.pk])
    log_in(client, alice.username)
    bob.user.set_unusable_password()
    bob.user.save()
    page = client.post(url, follow=True).content.decode()
    assert "has not set a password yet" in page and "send the invitation again" in page
    bob.user.set_password("a-long-and-unusual-passphrase-42")
    bob.user.save()
    bob.reminders_enabled = False
    bob.save()
    page = client.post(url, follow=True).content.decode()
    assert "turned reminder e-mails off" in page and "phone them" in page
    assert not PatientReminder.objects.filter(patient=bob).exists()


def test_a_patient_enrolled_yesterday_is_not_listed_as_never_written(client, alice, bob):
    from datetime import timedelta

    from django.utils import timezone

    bob.enrolled_at = timezone.now() - timedelta(days=1)
    bob.save()
    log_in(client, alice.username)
    page = client.get(reverse("team:report")).content.decode()
    assert "Remind Bob" not in page and "Everyone has written in the last week." in page
