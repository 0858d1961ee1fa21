from __future__ import annotations

from django.apps import apps
from django.core.management import call_command

from patients.models import CareTeamMembership, Patient, User
from symptoms.models import DiaryEntry


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"patients", "symptoms", "alerts"}
        and not model._meta.label.split(".")[1].startswith("Historical")
    }


def test_it_creates_nothing_twice(db):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_it_creates_the_named_people_with_their_roles(db):
    call_command("seed_demo")
    assert User.objects.get(username="bob").role == User.Role.PATIENT
    assert User.objects.get(username="alice").role == User.Role.CLINICIAN
    assert User.objects.get(username="charlie").role == User.Role.CLINICIAN
    assert User.objects.get(username="dana").role == User.Role.ADMINISTRATOR
    assert CareTeamMembership.objects.get(user__username="alice").team.name == "Team A"
    assert CareTeamMembership.objects.get(user__username="charlie").team.name == "Team B"
    for username in ("bob", "alice", "charlie", "dana"):
        assert User.objects.get(username=username).check_password("diary-demo-2026")


def test_it_gives_team_a_at_least_six_patients_with_30_days_of_history(db):
    call_command("seed_demo")
    patients = Patient.objects.filter(team__name="Team A")
    assert patients.count() >= 6
    bob = patients.get(user__username="bob")
    days = set(DiaryEntry.objects.filter(patient=bob).values_list("local_day", flat=True))
    assert len(days) >= 30
    assert bob.injections.count() >= 4
