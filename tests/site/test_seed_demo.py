from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from patients.models import CareTeamMembership, Patient, User
from symptoms.models import DiaryEntry


@pytest.fixture(autouse=True)
def development(settings):
    """Demo data is for a development or demo copy (DJANGO_DEBUG=true)."""
    settings.DEBUG = True


def test_it_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=false"):
        call_command("seed_demo")
    assert not User.objects.filter(username="bob").exists()


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
    assert User.objects.get(username="sam").role == User.Role.ADMINISTRATOR
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


def test_it_runs_the_rules_so_the_team_has_recent_alerts_to_triage(db):
    from alerts.models import Alert

    call_command("seed_demo")
    assert not DiaryEntry.objects.filter(
        evaluation_state=DiaryEntry.EvaluationState.PENDING
    ).exists()
    george = Alert.objects.filter(patient__user__username="george", team_alert=True)
    # ER patient with a UTI and 38.4 two days ago: urgent fever and kidney infection alerts.
    assert {"T-FEV-ER-1", "GU-UPPER"} <= set(george.values_list("rule__rule_id", flat=True))
    assert george.filter(status=Alert.Status.OPEN).exists()
    # Fiona's mild cold is WATCH only: recorded for the digest, not a team alert.
    fiona = Alert.objects.filter(patient__user__username="fiona")
    assert set(fiona.values_list("level", flat=True)) == {"WATCH"}
    # Older team alerts show as handled at the time.
    old = Alert.objects.filter(team_alert=True, fired_at__lt=timezone.now() - timedelta(days=5))
    assert old.exists()
    assert not old.exclude(status=Alert.Status.RESOLVED).exists()


def test_demo_staff_have_an_authenticator_and_demo_code_prints_it(db, settings):
    from io import StringIO

    import pytest
    from django.core.management.base import CommandError

    call_command("seed_demo")
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", "alice", stdout=out)
    assert out.getvalue().strip().isdigit() and len(out.getvalue().strip()) == 6
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in development"):
        call_command("demo_code", "alice")


def test_it_puts_erin_on_call_at_night_with_a_backup(db):
    """Team A's rota: Erin at night (a weekday and a weekend), Alice by day, each the
    other's backup; Erin signs in like the other staff."""
    from zoneinfo import ZoneInfo

    from alerts.care.oncall import on_call
    from patients.models import CareTeam

    call_command("seed_demo")
    team = CareTeam.objects.get(name="Team A")
    zone = ZoneInfo(team.timezone)
    from datetime import datetime

    def who(*args):
        return tuple(p.username for p in on_call(team, datetime(*args, tzinfo=zone)))

    assert who(2026, 6, 10, 23, 0) == ("erin", "alice")  # Wednesday night
    assert who(2026, 6, 11, 3, 0) == ("erin", "alice")
    assert who(2026, 6, 13, 12, 0) == ("erin", "alice")  # Saturday
    assert who(2026, 6, 15, 3, 0) == ("erin", "alice")  # the night into Monday
    assert who(2026, 6, 10, 11, 0) == ("alice", "erin")  # Wednesday morning
    assert team.lead.username == "alice"
    erin = User.objects.get(username="erin")
    assert erin.check_password("diary-demo-2026")
    assert erin.totpdevice_set.filter(confirmed=True).exists()


def test_the_demo_clinics_tests_due_show_who_needs_bloods_this_fortnight(db):
    from alerts.care.labs_due import labs_due_list
    from alerts.models import Alert
    from alerts.rules import labs_due as due
    from patients.lab_tests import BY_NAME
    from patients.models import LabResult

    call_command("seed_demo", stdout=None)
    rows = labs_due_list(Patient.objects.filter(team__name="Team A"))
    listed = {(r.patient.user.username, r.item.what): r.item for r in rows}
    assert set(listed) == {
        ("ian", due.HBV_SEROLOGY),  # never tested for hepatitis B here
        ("julia", due.IMMUNOGLOBULINS),
        ("fiona", due.IMMUNOGLOBULINS),
        ("george", due.IMMUNOGLOBULINS),
    }
    assert listed["ian", due.HBV_SEROLOGY].overdue
    assert listed["julia", due.IMMUNOGLOBULINS].overdue
    assert not listed["fiona", due.IMMUNOGLOBULINS].overdue
    assert not listed["george", due.IMMUNOGLOBULINS].overdue
    # Bob's latest IgG is recent and normal: the lead can record a low one in the demo.
    latest = LabResult.objects.filter(patient__user__username="bob", test=BY_NAME["IgG"].loinc)
    igg = latest.newest_first().first()
    assert (timezone.localdate() - igg.collected_on).days <= 11
    assert igg.value >= igg.reference_low
    # Normal results: no laboratory alert anywhere, no flag held by a result.
    assert not Alert.objects.filter(rule__rule_id__startswith="LAB-").exists()
    assert not Patient.objects.exclude(lab_low_ig=None, lab_cytopenia=None, lab_hbv_risk=None)
