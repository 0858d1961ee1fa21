"""The care-settings pages: quiet, lift, pause, resume, discharge, resend the invitation.
Charlie (team B) gets 404 on each and nothing changes; bad input keeps what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertRule, Quieting
from patients.models import AccessLog, AccountEmail, Patient
from symptoms.models import DiaryEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet(bob, alice):
    now = timezone.now()
    return Quieting.objects.create(
        patient=bob,
        rule=AlertRule.objects.get(rule_id="PRO-SEV"),
        reason="baseline fatigue",
        starts_at=now,
        expires_at=now + timedelta(days=30),
        created_by=alice,
    )


def pages(bob, quiet):
    """Every new page: (method, url, data)."""
    tomorrow = (bob.today() + timedelta(days=3)).isoformat()
    return [
        ("get", reverse("team:care", args=[bob.pk]), {}),
        (
            "post",
            reverse("team:quiet_add", args=[bob.pk]),
            {"subject": "symptom:fatigue", "reason": "x", "days": "30"},
        ),
        ("post", reverse("team:quiet_lift", args=[bob.pk, quiet.pk]), {}),
        ("post", reverse("team:pause", args=[bob.pk]), {"resume_on": tomorrow, "reason": "x"}),
        ("post", reverse("team:resume", args=[bob.pk]), {}),
        ("post", reverse("team:discharge", args=[bob.pk]), {"reason": "x", "confirm": "on"}),
        ("post", reverse("team:discharge_undo", args=[bob.pk]), {"reason": "x"}),
        ("post", reverse("team:invitation", args=[bob.pk]), {}),
    ]


def snapshot(bob):
    row = Patient.objects.get(pk=bob.pk)
    return (
        list(Quieting.objects.values_list("pk", "lifted_at")),
        row.paused_until,
        row.discharged_at,
        AccountEmail.objects.count(),
        bob.history.count(),
    )


def test_charlie_gets_404_on_every_care_page_and_nothing_changes(client, charlie, bob, quiet):
    bob.user.set_unusable_password()
    bob.user.save()
    client.force_login(charlie)
    before = snapshot(bob)
    for method, url, data in pages(bob, quiet):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert snapshot(bob) == before
    assert not AccessLog.objects.filter(patient=bob).exists()


def test_the_patient_page_shows_the_care_panel(client, alice, bob, quiet):
    client.force_login(alice)
    html = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "Care settings" in html
    assert "baseline fatigue" in html
    assert reverse("team:care", args=[bob.pk]) in html


def test_alice_quiets_a_symptom(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        reverse("team:quiet_add", args=[bob.pk]),
        {"subject": "symptom:fatigue", "reason": "severe baseline MS fatigue", "days": "30"},
    )
    assert response.status_code == 302
    quiet = Quieting.objects.get(patient=bob)
    assert (quiet.symptom_code, quiet.rule, quiet.created_by) == ("fatigue", None, alice)
    assert quiet.history.first().history_user == alice
    assert AccessLog.objects.filter(patient=bob, action=AccessLog.Action.CARE).exists()


def test_urgent_rules_are_not_offered_and_are_refused(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse("team:care", args=[bob.pk])).content.decode()
    assert 'value="rule:PRO-SEV"' in page
    assert 'value="rule:T-FEV-ER-1"' not in page
    response = client.post(
        reverse("team:quiet_add", args=[bob.pk]),
        {"subject": "rule:T-FEV-ER-1", "reason": "I typed this", "days": "30"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "URGENT rules can never be quieted." in html
    assert "I typed this" in html  # kept
    assert not Quieting.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"subject": "symptom:fatigue", "reason": "kept reason", "days": "91"}, "91"),
        ({"subject": "symptom:fatigue", "reason": "", "days": "30"}, "This field is required"),
        ({"subject": "symptom:nonsense", "reason": "kept reason", "days": "30"}, "from the list"),
    ],
)
def test_a_bad_quiet_keeps_what_was_typed(client, alice, bob, data, error):
    client.force_login(alice)
    response = client.post(reverse("team:quiet_add", args=[bob.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if data["reason"]:
        assert data["reason"] in html
    if data["subject"] == "symptom:fatigue":
        assert '<option value="symptom:fatigue" selected>' in html
    assert not Quieting.objects.exists()


def test_a_second_quiet_of_the_same_thing_is_refused(client, alice, bob, quiet):
    client.force_login(alice)
    response = client.post(
        reverse("team:quiet_add", args=[bob.pk]),
        {"subject": "rule:PRO-SEV", "reason": "again", "days": "30"},
    )
    assert response.status_code == 400
    assert "quieted already" in response.content.decode()
    assert Quieting.objects.count() == 1


def test_lifting_a_quiet(client, alice, bob, quiet):
    client.force_login(alice)
    client.post(reverse("team:quiet_lift", args=[bob.pk, quiet.pk]))
    quiet.refresh_from_db()
    assert quiet.lifted_by == alice and quiet.lifted_at is not None


def test_pause_and_resume_from_the_page(client, alice, bob):
    client.force_login(alice)
    resume_on = bob.today() + timedelta(days=7)
    response = client.post(
        reverse("team:pause", args=[bob.pk]),
        {"resume_on": resume_on.isoformat(), "reason": "holiday in Spain"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (
        bob.is_paused() and bob.resumes_on == resume_on and bob.pause_reason == "holiday in Spain"
    )
    client.post(reverse("team:resume", args=[bob.pk]))
    bob.refresh_from_db()
    assert not bob.is_paused()


@pytest.mark.parametrize("days", [0, 91])
def test_a_bad_pause_keeps_what_was_typed(client, alice, bob, days):
    client.force_login(alice)
    response = client.post(
        reverse("team:pause", args=[bob.pk]),
        {"resume_on": (bob.today() + timedelta(days=days)).isoformat(), "reason": "my reason"},
    )
    assert response.status_code == 400
    assert "my reason" in response.content.decode()
    bob.refresh_from_db()
    assert bob.paused_until is None


def test_discharge_needs_the_confirmation_and_keeps_the_reason(client, alice, bob):
    client.force_login(alice)
    url = reverse("team:discharge", args=[bob.pk])
    response = client.post(url, {"reason": "moved to another hospital"})
    assert response.status_code == 400
    assert "moved to another hospital" in response.content.decode()
    bob.refresh_from_db()
    assert bob.discharged_at is None
    client.post(url, {"reason": "moved to another hospital", "confirm": "on"})
    bob.refresh_from_db()
    assert bob.discharged_at is not None


def test_a_discharge_is_undone_on_its_first_day_by_anyone_later_by_a_second_person(
    client, alice, erin, bob, time_machine
):
    discharge = reverse("team:discharge", args=[bob.pk])
    undo = reverse("team:discharge_undo", args=[bob.pk])
    client.force_login(alice)
    client.post(discharge, {"reason": "moved away", "confirm": "on"})
    # A slip of the hand: Alice undoes her own discharge the same day.
    page = client.get(reverse("team:care", args=[bob.pk])).content.decode()
    assert "Undo the discharge" in page and "nothing to quiet" in page
    assert 'action="' + reverse("team:quiet_add", args=[bob.pk]) not in page
    response = client.post(undo, {"reason": "wrong patient"}, follow=True)
    assert "The discharge is undone" in response.content.decode()
    bob.refresh_from_db()
    assert bob.discharged_at is None and bob.discharge_reason == ""
    # The missed-diary rules count from the undo, not through the days of the discharge.
    assert bob.paused_until is not None and bob.paused_until <= timezone.now()
    assert bob.history.first().history_change_reason == "discharge undone: wrong patient"
    assert bob.history.first().history_user == alice
    # Discharged again; two days later only a second person may take him back.
    client.post(discharge, {"reason": "moved away", "confirm": "on"})
    time_machine.move_to(timezone.now() + timedelta(days=2))
    client.force_login(alice)  # her session ended meanwhile
    refused = client.post(undo, {"reason": "changed my mind"})
    assert refused.status_code == 409 and "a second member of the team" in (
        refused.content.decode()
    )
    assert 'value="changed my mind"' in refused.content.decode()  # what she typed stays
    bob.refresh_from_db()
    assert bob.discharged_at is not None
    client.force_login(erin)
    client.post(undo, {"reason": "came back to our clinic"})
    bob.refresh_from_db()
    assert bob.discharged_at is None
    assert bob.history.first().history_user == erin


def test_a_discharged_patient_cannot_be_quieted(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("team:discharge", args=[bob.pk]), {"reason": "end", "confirm": "on"})
    response = client.post(
        reverse("team:quiet_add", args=[bob.pk]),
        {"subject": "symptom:fatigue", "reason": "x", "days": "30"},
        follow=True,
    )
    assert "nothing to quiet" in response.content.decode()
    assert not Quieting.objects.filter(patient=bob).exists()


def test_an_undo_without_a_reason_says_so(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("team:discharge", args=[bob.pk]), {"reason": "end", "confirm": "on"})
    response = client.post(reverse("team:discharge_undo", args=[bob.pk]), {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    bob.refresh_from_db()
    assert bob.discharged_at is not None


def test_resend_the_invitation_from_the_page(client, alice, bob):
    bob.user.set_unusable_password()
    bob.user.save()
    client.force_login(alice)
    html = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "Send the invitation again" in html
    url = reverse("team:invitation", args=[bob.pk])
    client.post(url)
    client.post(url)  # within 10 minutes: not sent again
    assert AccountEmail.objects.filter(user=bob.user, kind="invite_patient").count() == 1
    assert AccessLog.objects.filter(patient=bob, action=AccessLog.Action.INVITE).count() == 1


# The patient's side --------------------------------------------------------------------


def test_a_paused_patient_sees_a_calm_line_and_can_still_log(client, alice, bob):
    from patients import care

    care.patient_pause(patient=bob, resume_on=bob.today() + timedelta(days=5), reason="x", by=alice)
    client.force_login(bob.user)
    html = client.get(reverse("symptoms:today")).content.decode()
    assert "Your team has paused reminders until" in html
    assert "You can still use the diary" in html
    assert 'class="diary-form"' in html


def test_a_discharged_patient_cannot_add_entries_and_is_told_whom_to_call(client, alice, bob):
    from patients import care

    care.patient_discharge(patient=bob, reason="end of care", by=alice)
    client.force_login(bob.user)
    html = client.get(reverse("symptoms:today")).content.decode()
    assert "no longer watching this diary" in html
    assert "111" in html and "999" in html
    assert 'class="diary-form"' not in html
    response = client.post(
        reverse("symptoms:today"), {"client_key": "6f1c0a3e-0000-4000-8000-000000000001"}
    )
    assert response.status_code == 200
    assert "was not saved" in response.content.decode()
    assert not DiaryEntry.objects.filter(patient=bob).exists()


@pytest.mark.parametrize("count", [1, 6])
def test_the_care_page_reads_a_fixed_number_of_queries(
    client, alice, bob, count, django_assert_num_queries
):
    now = timezone.now()
    for n in range(count):
        Quieting.objects.create(
            patient=bob,
            symptom_code=f"code{n}",
            reason="r",
            starts_at=now - timedelta(days=40 + n),
            expires_at=now - timedelta(days=10) if n % 2 else now + timedelta(days=5),
            created_by=alice,
            lifted_by=alice if n % 3 == 0 else None,
        )
    client.force_login(alice)
    client.get(reverse("team:care", args=[bob.pk]))  # warm the session and the catalogue
    # The session brings the user (patients.sessions); the role once, for the check and
    # the navigation.
    with django_assert_num_queries(9):
        response = client.get(reverse("team:care", args=[bob.pk]))
    assert response.status_code == 200


def test_each_form_on_the_care_page_has_ids_of_its_own(client, alice, bob):
    """Three forms ask for a reason: each label must name its own field."""
    import re

    client.force_login(alice)
    html = client.get(reverse("team:care", args=[bob.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="discharge-reason"' in html and 'id="discharge-reason"' in html
