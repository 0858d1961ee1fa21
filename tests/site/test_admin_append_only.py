"""Clinical records are append-only in the admin; technical sections sit apart."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alerts.care.recording import entry_evaluate
from alerts.models import Alert
from patients.models import Patient
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(bob):
    entry = make_entry(bob, timezone.now(), temp="38.4")
    entry_evaluate(entry.pk)
    return {"entry": entry, "alert": Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")}


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("/admin/symptoms/diaryentry/{entry}/delete/", "entry"),
        ("/admin/patients/patient/{patient}/delete/", "patient"),
        ("/admin/patients/user/{user}/delete/", "patient's account"),
    ],
)
def test_the_admin_refuses_to_delete_a_diary_entry_or_a_patient(
    client, dana, bob, records, url, what
):
    client.force_login(dana)
    target = url.format(entry=records["entry"].pk, patient=bob.pk, user=bob.user_id)
    assert client.get(target).status_code == 403, what
    assert client.post(target, {"post": "yes"}).status_code == 403, what
    assert DiaryEntry.objects.filter(pk=records["entry"].pk).exists()
    assert Patient.objects.filter(pk=bob.pk, user__isnull=False).exists()


@pytest.mark.parametrize("action", ["delete_selected"])
@pytest.mark.parametrize("changelist", ["/admin/symptoms/diaryentry/", "/admin/patients/patient/"])
def test_no_bulk_delete_of_clinical_records(client, dana, records, changelist, action):
    client.force_login(dana)
    page = client.get(changelist).content.decode()
    assert action not in page


def test_the_admin_refuses_to_change_an_alert_or_a_diary_entry(client, dana, records):
    client.force_login(dana)
    alert, entry = records["alert"], records["entry"]
    response = client.post(
        f"/admin/alerts/alert/{alert.pk}/change/", {"status": "resolved", "level": "WATCH"}
    )
    assert response.status_code == 403
    alert.refresh_from_db()
    assert (alert.status, alert.level) == ("open", "CONTACT")
    page = client.get(f"/admin/symptoms/diaryentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/symptoms/diaryentry/{entry.pk}/change/", {}).status_code == 403


def test_the_admin_index_puts_technical_sections_after_the_clinical_ones(client, dana):
    client.force_login(dana)
    page = client.get("/admin/").content.decode()
    clinical = page.index("Clinical records")
    rules = page.index("Clinical rules and content")
    technical = page.index("Technical: sign-in lockouts")
    assert clinical < rules < technical
    assert page.index("Diary entries") < rules
    assert clinical < page.index("Quietings") < rules  # a team's quiet is a clinical record
    assert page.index("TOTP devices") > technical
    assert page.index("Access attempts") > technical


def test_the_admin_shows_concerns_and_outcomes_and_changes_neither(client, dana, records):
    from alerts.models import Concern, EntryOutcome

    client.force_login(dana)
    concern = Concern.objects.get()
    outcome = EntryOutcome.objects.get()
    page = client.get(f"/admin/alerts/concern/{concern.pk}/change/")
    assert page.status_code == 200
    assert "Opened" in page.content.decode()  # its changes, inline
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/alerts/concern/{concern.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/alerts/entryoutcome/{outcome.pk}/change/").status_code == 200
    assert client.get(f"/admin/alerts/concern/{concern.pk}/delete/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert (
        index.index("Clinical records")
        < index.index("Concerns")
        < index.index("Clinical rules and content")
    )


def test_no_two_admin_entries_share_a_name(client, dana):
    """Our record-access audit and django-axes' login log were both "Access logs"."""
    import re

    client.force_login(dana)
    page = client.get("/admin/").content.decode()
    names = re.findall(r'<th scope="row"[^>]*>\s*<a href="[^"]+">([^<]+)</a>', page)
    assert names and len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert "Patient record accesses (who opened which record)" in names


def test_the_admin_names_levels_as_the_queue_does(client, dana, records):
    """The queue says URGENT; the admin said only "Seek medical attention now"."""
    client.force_login(dana)
    page = client.get("/admin/alerts/alertrule/?q=SEP-RF").content.decode()
    assert "URGENT · Seek medical attention now" in page
