"""Pause, discharge and a closed account: no reminders and no periodic rules, while entries
are still evaluated; and the invitation sent again, at most once per 10 minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from alerts.care import recording, sweeps
from alerts.models import Alert, Notification
from patients import care, enrolment
from patients.models import AccountEmail, PatientReminder
from symptoms import reminders
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# A summer week in London (UTC+1): 09:00 local is 08:00 UTC.
MONDAY = utc(2026, 6, 1, 8, 0)


@pytest.fixture
def enrolled(bob):
    bob.enrolled_at = MONDAY - timedelta(days=30)
    bob.reminder_time = time(9, 0)
    bob.save()
    make_entry(bob, MONDAY - timedelta(days=1), temp="36.8")  # Sunday
    return bob


def gaps(patient):
    return set(
        Alert.objects.filter(patient=patient, rule__rule_id__startswith="DIARY-GAP").values_list(
            "rule__rule_id", flat=True
        )
    )


def test_a_paused_patient_gets_no_reminder_and_no_diary_gap(enrolled, alice):
    care.patient_pause(
        patient=enrolled, resume_on=date(2026, 6, 11), reason="holiday", by=alice, now=MONDAY
    )
    for day in range(0, 10):
        now = MONDAY + timedelta(days=day)
        assert reminders.daily_reminders_sweep(now=now) == 0
        sweeps.periodic_rules_sweep(now=now)
    assert gaps(enrolled) == set()
    assert not PatientReminder.objects.exists()

    # The pause ends at local midnight of 11 June: reminders again, and the missed days are
    # counted from then (not the ten days away).
    back = utc(2026, 6, 11, 8, 0)
    assert reminders.daily_reminders_sweep(now=back) == 1
    sweeps.periodic_rules_sweep(now=back)
    assert gaps(enrolled) == set()  # 11 June has not ended
    sweeps.periodic_rules_sweep(now=utc(2026, 6, 13, 8, 0))
    assert gaps(enrolled) == {"DIARY-GAP-2"}  # 11 and 12 June
    assert enrolled.history.first().history_user == alice


def test_a_pending_reminder_is_not_sent_once_the_diary_is_paused(enrolled, alice, mailoutbox):
    assert reminders.daily_reminders_sweep(now=MONDAY) == 1
    care.patient_pause(
        patient=enrolled, resume_on=date(2026, 6, 5), reason="admitted", by=alice, now=MONDAY
    )
    assert reminders.reminders_send(now=MONDAY + timedelta(minutes=1)) == 0
    assert mailoutbox == []


def test_a_paused_patient_entry_is_still_evaluated_and_alerts(enrolled, alice):
    care.patient_pause(
        patient=enrolled, resume_on=date(2026, 6, 10), reason="holiday", by=alice, now=MONDAY
    )
    entry = make_entry(enrolled, MONDAY + timedelta(hours=1), temp="38.5")
    recording.entry_evaluate(entry.pk, now=MONDAY + timedelta(hours=1))
    alert = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")
    assert alert.team_alert and Notification.objects.filter(concern=alert.concern).exists()


@pytest.mark.parametrize("state", ["discharged", "deactivated", "paused"])
def test_no_periodic_rules_or_reminders_for_a_patient_out_of_care(enrolled, alice, state):
    if state == "discharged":
        care.patient_discharge(patient=enrolled, reason="moved away", by=alice, now=MONDAY)
    elif state == "deactivated":
        enrolled.user.is_active = False
        enrolled.user.save()
    else:
        care.patient_pause(
            patient=enrolled, resume_on=date(2026, 7, 1), reason="holiday", by=alice, now=MONDAY
        )
    later = MONDAY + timedelta(days=5)
    sweeps.periodic_rules_sweep(now=later)
    assert reminders.daily_reminders_sweep(now=later) == 0
    assert not Alert.objects.filter(patient=enrolled).exists()


def test_the_sweep_still_runs_for_everyone_else(enrolled, dave, alice):
    care.patient_discharge(patient=enrolled, reason="moved away", by=alice, now=MONDAY)
    dave.enrolled_at = MONDAY - timedelta(days=30)
    dave.save()
    make_entry(dave, MONDAY - timedelta(days=1), temp="36.8")
    sweeps.periodic_rules_sweep(now=MONDAY + timedelta(days=5))
    assert gaps(dave) == {"DIARY-GAP-2", "DIARY-GAP-3"}
    assert gaps(enrolled) == set()


@pytest.mark.parametrize(
    ("resume_on", "ok"),
    [
        (date(2026, 6, 1), False),  # today
        (date(2026, 6, 2), True),
        (date(2026, 8, 30), True),  # 90 days
        (date(2026, 8, 31), False),
    ],
)
def test_a_pause_ends_after_today_and_within_ninety_days(bob, alice, resume_on, ok):
    call = dict(patient=bob, resume_on=resume_on, reason="holiday", by=alice, now=MONDAY)
    if ok:
        care.patient_pause(**call)
        assert bob.is_paused(now=MONDAY)
        assert bob.resumes_on == resume_on
        assert not bob.is_paused(now=datetime.combine(resume_on, time.min, tzinfo=bob.zone))
    else:
        with pytest.raises(ValueError):
            care.patient_pause(**call)


def test_resume_ends_the_pause_now(bob, alice):
    care.patient_pause(
        patient=bob, resume_on=date(2026, 6, 10), reason="holiday", by=alice, now=MONDAY
    )
    assert care.patient_resume(patient=bob, by=alice, now=MONDAY + timedelta(days=2)) is True
    assert not bob.is_paused(now=MONDAY + timedelta(days=2))
    assert care.patient_resume(patient=bob, by=alice, now=MONDAY + timedelta(days=2)) is False


def test_discharge_happens_once(bob, alice):
    assert care.patient_discharge(patient=bob, reason="end of care", by=alice) is True
    assert care.patient_discharge(patient=bob, reason="again", by=alice) is False
    bob.refresh_from_db()
    assert bob.discharge_reason == "end of care"


@pytest.fixture
def invited(bob):
    bob.user.set_unusable_password()
    bob.user.save()
    return bob


def test_the_invitation_is_sent_again_at_most_every_ten_minutes(
    invited, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        "diary_core.publisher.publish_task", lambda name, *args: published.append((name, args))
    )
    send = enrolment.patient_invitation_resend
    with django_capture_on_commit_callbacks(execute=True):
        assert send(patient=invited, now=MONDAY) is enrolment.Resend.SENT
        assert send(patient=invited, now=MONDAY + timedelta(minutes=9)) is enrolment.Resend.TOO_SOON
        assert send(patient=invited, now=MONDAY + timedelta(minutes=11)) is enrolment.Resend.SENT
    sent = list(
        AccountEmail.objects.filter(user=invited.user, kind="invite_patient").order_by("pk")
    )
    assert len(sent) == 2
    # Through the existing mail task, with the row's id only.
    assert published == [("patients.tasks.send_account_email", (e.pk,)) for e in sent]


@pytest.mark.parametrize("why", ["password", "inactive", "discharged"])
def test_no_invitation_when_none_is_needed(bob, alice, why):
    if why == "inactive":
        bob.user.set_unusable_password()
        bob.user.is_active = False
        bob.user.save()
    elif why == "discharged":
        bob.user.set_unusable_password()
        bob.user.save()
        care.patient_discharge(patient=bob, reason="end", by=alice)
    assert enrolment.patient_invitation_resend(patient=bob) is enrolment.Resend.NOT_NEEDED
    assert not AccountEmail.objects.exists()
