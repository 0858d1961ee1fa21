"""A clinic set up by its administrator: seeded roles chosen by name, a team made on a
form, staff invited by e-mail (nobody types another's password), patients enrolled from
the team pages, and a checklist that says what is still missing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from alerts.models import AlertRule
from patients.mail import account_emails_send
from patients.models import AccountEmail, CareTeam, CareTeamMembership, Patient, User
from patients.roles import (
    ADMINISTRATOR,
    APPROVE_RULE_CHANGE,
    CLINICAL_LEAD,
    CLINICIAN,
    ensure_role_groups,
)
from tests.conftest import make_user, with_second_factor

pytestmark = pytest.mark.django_db

SETUP = reverse("team:setup")
INVITE = reverse("team:setup_invite")


def invite_data(team=None, **extra):
    return {
        "first_name": "Nadia",
        "last_name": "Núñez",
        "email": "nadia@example.org",
        "language": "es",
        "team": team.pk if team else "",
        "team_role": "primary",
        **extra,
    }


def fresh(user):
    """The user read again (permissions are cached per object), still with their second
    factor for force_login (tests/conftest.py, with_second_factor)."""
    again = User.objects.get(pk=user.pk)
    again.otp_device = user.otp_device
    return again


def steps(page: str) -> dict[str, str]:
    """The checklist's lines as {title: "Done"/"To do"}."""
    found = re.findall(
        r'step-mark"[^>]*>(Done|To do)</span>\s*<span[^>]*><strong>([^<]+)</strong>', page
    )
    return {title: mark for mark, title in found}


def test_the_roles_are_seeded_groups_with_their_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert {CLINICIAN, CLINICAL_LEAD, ADMINISTRATOR} <= set(groups)
    lead = {
        f"{p.content_type.app_label}.{p.codename}" for p in groups[CLINICAL_LEAD].permissions.all()
    }
    assert APPROVE_RULE_CHANGE in lead
    admin = {p.codename for p in groups[ADMINISTRATOR].permissions.all()}
    assert {"add_careteam", "change_careteam", "change_symptom"} <= admin
    assert "approve_rule_change" not in admin  # approving rules is the clinical lead's
    ensure_role_groups()  # idempotent
    assert Group.objects.filter(name=CLINICAL_LEAD).count() == 1


def test_only_administrators_and_clinical_leads_open_the_checklist(client, dana, alice, bob):
    for user in (alice, bob.user):
        client.force_login(user)
        assert client.get(SETUP).status_code == 404
        assert client.get(INVITE).status_code == 404
    alice.groups.add(Group.objects.get(name=CLINICAL_LEAD))
    client.force_login(fresh(alice))
    page = client.get(SETUP).content.decode()
    assert "sign them off for this team" in page and "Invite staff" not in page
    assert client.get(INVITE).status_code == 404  # inviting is the administrator's
    client.force_login(dana)
    assert client.get(SETUP).status_code == 200


def test_an_administrator_adds_a_team_whose_emergency_number_follows_its_country(client, dana):
    client.force_login(dana)
    page = client.get(SETUP).content.decode()
    assert "No care team yet" in page
    response = client.post(
        reverse("team:setup_team_new"),
        {
            "name": "Neurología Norte",
            "country": "ES",
            "phone": "+34 910 000 000",
            "urgent_phone": "",
            "emergency_number": "",
            "timezone": "Europe/Madrid",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    team = CareTeam.objects.get(name="Neurología Norte")
    assert (team.emergency_number, team.timezone) == ("112", "Europe/Madrid")
    page = client.get(SETUP).content.decode()
    assert steps(page) == {
        "Team, phone and country": "Done",
        "An urgent line for working hours": "To do",
        "Clinicians, and a backup": "To do",
        "A clinical lead who approves rule changes": "To do",
        "Response targets": "Done",
        "Out-of-hours words in every language": "Done",
        "Rules signed off by a clinical lead": "To do",
    }
    assert "4 steps to do" in page


def test_a_bad_team_form_says_what_is_wrong_and_keeps_what_was_typed(client, dana):
    client.force_login(dana)
    response = client.post(
        reverse("team:setup_team_new"),
        {"name": "Neuro Süd", "country": "DE", "phone": "", "timezone": "Mars/Olympus"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'value="Neuro Süd"' in page
    assert "This field is required" in page and "Select a valid choice" in page
    assert not CareTeam.objects.exists()


def test_staff_are_invited_by_email_and_choose_their_own_password(client, dana, team_a):
    client.force_login(dana)
    form = client.get(INVITE + f"?team={team_a.pk}").content.decode()
    assert (
        "password"
        not in re.sub(r"<p[^>]*>.*?</p>", "", form)
        .lower()
        .replace("password_change", "")
        .split("<form")[1]
    )  # nothing in the form asks for one
    response = client.post(INVITE, invite_data(team_a, clinical_lead="on"))
    assert response["Location"] == SETUP
    nadia = User.objects.get(email="nadia@example.org")
    assert not nadia.has_usable_password() and not nadia.is_staff
    assert sorted(nadia.groups.values_list("name", flat=True)) == [CLINICAL_LEAD, CLINICIAN]
    assert nadia.has_perm(APPROVE_RULE_CHANGE)
    assert CareTeamMembership.objects.get(user=nadia).team == team_a
    assert nadia.role == User.Role.CLINICIAN
    assert account_emails_send() == 1
    (sent,) = mail.outbox
    with translation.override("es"):
        assert sent.subject == gettext("Your account for the Kesimpta symptom diary's team pages")
    assert sent.to == ["nadia@example.org"] and "/accounts/reset/" in sent.body
    assert AccountEmail.objects.get(user=nadia).kind == AccountEmail.Kind.INVITE_STAFF


def test_an_administrator_only_invitation_makes_a_staff_account(client, dana):
    client.force_login(dana)
    client.post(INVITE, invite_data(administrator="on", email="sam2@example.org"))
    sam = User.objects.get(email="sam2@example.org")
    assert sam.is_staff and not sam.is_superuser
    assert list(sam.groups.values_list("name", flat=True)) == [ADMINISTRATOR]
    assert sam.has_perm("patients.add_careteam") and not sam.has_perm(APPROVE_RULE_CHANGE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "alice@example.org"}, "Someone already has an account with this e-mail"),
        ({"team": ""}, "Choose a care team for a clinician, or tick Administrator"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
    ],
)
def test_a_bad_invitation_is_refused_keeping_what_was_typed(
    client, dana, alice, team_a, change, message
):
    client.force_login(dana)
    response = client.post(INVITE, {**invite_data(team_a), **change})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="Nadia"' in page and 'value="Núñez"' in page
    assert not User.objects.filter(first_name="Nadia").exists()


def test_an_administrator_enrols_into_any_team_in_the_patients_language(
    client, dana, team_a, team_b
):
    client.force_login(dana)
    page = client.get(reverse("team:enrol") + f"?team={team_b.pk}").content.decode()
    assert "Team A" in page and "Team B" in page
    response = client.post(
        reverse("team:enrol"),
        {
            "first_name": "Olga",
            "last_name": "Ortiz",
            "email": "olga.o@example.org",
            "language": "de",
            "team": team_b.pk,
            "timezone": "Europe/Berlin",
            "temperature_unit": "C",
        },
    )
    assert response["Location"] == SETUP
    patient = Patient.objects.get(user__email="olga.o@example.org")
    assert patient.team == team_b and patient.user.language == "de"


def test_the_checklist_is_ready_when_every_step_is_done_and_a_rule_change_undoes_sign_off(
    client, dana, alice, erin, team_a
):
    client.force_login(dana)
    assert (
        steps(client.get(SETUP).content.decode())["A clinical lead who approves rule changes"]
        == "To do"
    )
    alice.groups.add(Group.objects.get(name=CLINICAL_LEAD))
    client.force_login(fresh(alice))
    assert client.post(reverse("team:setup_sign_off", args=[team_a.pk])).status_code == 302
    client.force_login(dana)
    page = client.get(SETUP).content.decode()
    assert set(steps(page).values()) == {"Done"} and "Ready" in page
    assert "Signed off by" in page
    # A rule changed after the sign-off: the team must be signed off again.
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    AlertRule.objects.filter(pk=rule.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    page = client.get(SETUP).content.decode()
    assert steps(page)["Rules signed off by a clinical lead"] == "To do"


def test_signing_off_needs_the_clinical_leads_permission(client, dana, team_a):
    sam = with_second_factor(make_user("sam", is_staff=True))
    client.force_login(sam)
    assert client.post(reverse("team:setup_sign_off", args=[team_a.pk])).status_code == 404
    client.force_login(dana)  # a superuser holds every permission
    assert client.post(reverse("team:setup_sign_off", args=[team_a.pk])).status_code == 302
    team_a.refresh_from_db()
    assert team_a.rules_signed_off_by == dana


def test_the_admins_user_page_offers_roles_by_name_not_raw_permissions(client, dana, alice):
    client.force_login(dana)
    page = client.get(reverse("admin:patients_user_change", args=[alice.pk])).content.decode()
    assert 'name="groups"' in page and "Clinical lead" in page
    assert 'name="user_permissions"' not in page
    add = client.get(reverse("admin:patients_user_add"))
    assert add.status_code == 302 and add["Location"] == INVITE


def administrator(username="sam"):
    """A staff account holding only the Administrator role (not a superuser)."""
    user = with_second_factor(make_user(username, is_staff=True))
    user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    return fresh(user)


def test_an_administrator_cannot_make_themself_superuser_or_take_over_accounts(client, dana, alice):
    sam = administrator()
    client.force_login(sam)
    own = reverse("admin:patients_user_change", args=[sam.pk])
    page = client.get(own).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    client.post(own, {"username": "sam", "is_superuser": "on", "is_staff": "on"})
    sam.refresh_from_db()
    assert not sam.is_superuser
    for target in (dana, alice):  # nobody else's password
        assert client.get(f"/admin/patients/user/{target.pk}/password/").status_code == 403
    assert client.get(f"/admin/patients/user/{sam.pk}/password/").status_code == 200


def test_only_a_clinical_lead_makes_a_clinical_lead(client, alice, team_a):
    sam = administrator()
    client.force_login(sam)
    # Not on the invitation...
    form = client.get(INVITE).content.decode()
    assert 'name="clinical_lead"' not in form
    client.post(INVITE, invite_data(team_a, clinical_lead="on"))
    nadia = User.objects.get(email="nadia@example.org")
    assert not nadia.has_perm(APPROVE_RULE_CHANGE)
    # ...nor on a user's admin page.
    lead = Group.objects.get(name=CLINICAL_LEAD)
    page = client.post(
        reverse("admin:patients_user_change", args=[alice.pk]),
        {
            "username": "alice",
            "is_active": "on",
            "groups": [lead.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    ).content.decode()
    assert "Only a clinical lead can make someone a clinical lead" in page
    assert not alice.groups.filter(name=CLINICAL_LEAD).exists()


def test_a_clinical_lead_signs_off_only_their_own_team(client, alice, charlie, team_a, team_b):
    from alerts.models import EngineSettings

    charlie.groups.add(Group.objects.get(name=CLINICAL_LEAD))
    client.force_login(fresh(charlie))
    assert client.post(reverse("team:setup_sign_off", args=[team_a.pk])).status_code == 404
    assert client.post(reverse("team:setup_sign_off", args=[team_b.pk])).status_code == 302
    team_b.refresh_from_db()
    assert team_b.rules_signed_off_by == charlie
    # A change to the engine's settings undoes the sign-off as a rule change does.
    settings_row = EngineSettings.objects.first() or EngineSettings.objects.create()
    EngineSettings.objects.filter(pk=settings_row.pk).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )
    page = client.get(SETUP).content.decode()
    assert "Not signed off since the rules last changed" in page


@pytest.mark.parametrize("team", ["²", "٣", "99999999999999999999"])
def test_an_odd_team_in_the_address_is_ignored_not_a_500(client, dana, team):
    client.force_login(dana)
    assert client.get(INVITE, {"team": team}).status_code == 200
    assert client.get(reverse("team:enrol"), {"team": team}).status_code == 200
