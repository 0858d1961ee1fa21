"""Quiets recorded, evaluated and lifted: a quieted CONTACT is kept on the record but does
not reach the queue or notify; it comes back after expiry; URGENT is never quieted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from alerts.care import pre_dose, sweeps
from alerts.care.prompts import prompt_of
from alerts.care.quieting import QuietRefused, quieting_add, quieting_lift
from alerts.models import Alert, AlertRule, Concern, Level, Notification, Quieting
from tests.alerts.factories import make_entry, submit_entry

pytestmark = pytest.mark.django_db


def fatigue(bob, at):
    """Severe fatigue on its own: PRO-SEV, CONTACT."""
    entry = submit_entry(bob, at, symptoms={"fatigue": 3})
    return Alert.objects.get(entry=entry, rule__rule_id="PRO-SEV")


def queue(alice):
    """What the triage queue reads (team/views.py): the open concerns."""
    return Concern.objects.for_clinician(alice).open()


@pytest.mark.parametrize("by", ["rule", "symptom"])
def test_a_quieted_contact_is_recorded_but_not_queued_or_notified(bob, alice, by):
    now = timezone.now() - timedelta(hours=1)
    subject = (
        {"rule": AlertRule.objects.get(rule_id="PRO-SEV")}
        if by == "rule"
        else {"symptom_code": "fatigue"}
    )
    quieting_add(patient=bob, reason="baseline MS fatigue", days=30, by=alice, now=now, **subject)
    alert = fatigue(bob, now + timedelta(minutes=5))
    assert alert.team_alert is False
    assert alert.why["quieted"]["reason"] == "baseline MS fatigue"
    assert alert.why["quieted"]["by"] == "Alice"
    assert not Notification.objects.filter(concern__patient=bob).exists()
    assert not queue(alice).exists()
    assert alert.concern is None


def test_it_comes_back_after_expiry_and_after_a_lift(bob, alice):
    start = timezone.now() - timedelta(days=40)
    rule = AlertRule.objects.get(rule_id="PRO-SEV")
    quieting_add(patient=bob, rule=rule, reason="baseline", days=30, by=alice, now=start)
    assert fatigue(bob, start + timedelta(days=29)).team_alert is False
    after = fatigue(bob, start + timedelta(days=30, minutes=1))
    assert after.team_alert is True
    assert Notification.objects.filter(concern=after.concern).exists()
    assert list(queue(alice)) == [after.concern]

    # Lifted early: told again from the lift on.
    quiet = quieting_add(
        patient=bob, rule=rule, reason="again", days=30, by=alice, now=timezone.now()
    )
    assert quieting_lift(quieting=quiet, by=alice) is True
    assert quieting_lift(quieting=quiet, by=alice) is False  # once
    assert fatigue(bob, timezone.now()).why.get("quieted") is None


def test_no_urgent_rule_can_be_quieted(bob, alice):
    """Table-driven over every URGENT rule row, as the admin last saved them."""
    urgent = list(AlertRule.objects.filter(level=Level.URGENT))
    assert len(urgent) >= 10
    for rule in urgent:
        with pytest.raises(QuietRefused):
            quieting_add(patient=bob, rule=rule, reason="r", days=30, by=alice)
    assert not Quieting.objects.exists()


def test_a_stored_quiet_of_an_urgent_rule_still_does_not_hide_it(bob, alice):
    """Whatever is in the table (an admin edit, a rule made URGENT after it was quieted),
    the engine tells the team about an URGENT firing."""
    now = timezone.now()
    rule = AlertRule.objects.get(rule_id="T-FEV-ER-1")
    Quieting.objects.create(
        patient=bob, rule=rule, reason="r", starts_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1), created_by=alice,
    )  # fmt: skip
    Quieting.objects.create(
        patient=bob, symptom_code="chills", reason="r", starts_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1), created_by=alice,
    )  # fmt: skip
    bob.er_low_ig = True
    bob.save()
    entry = submit_entry(bob, now, temp="38.6", symptoms={"chills": 3})
    urgent = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-ER-1")
    assert urgent.team_alert is True and "quieted" not in urgent.why
    assert Notification.objects.filter(concern=urgent.concern).exists()


def test_a_rule_made_urgent_after_it_was_quieted_is_told(bob, alice):
    now = timezone.now()
    rule = AlertRule.objects.get(rule_id="PRO-SEV")
    quieting_add(patient=bob, rule=rule, reason="r", days=30, by=alice, now=now)
    AlertRule.objects.filter(pk=rule.pk).update(level=Level.URGENT)
    alert = fatigue(bob, now + timedelta(minutes=1))
    assert alert.level == Level.URGENT and alert.team_alert is True


@pytest.mark.parametrize(
    ("rule_id", "symptom_code"),
    [("PRO-SEV", "fatigue"), (None, "")],
)
def test_a_quiet_is_about_exactly_one_rule_or_one_symptom(bob, alice, rule_id, symptom_code):
    now = timezone.now()
    rule = AlertRule.objects.get(rule_id=rule_id) if rule_id else None
    with pytest.raises(IntegrityError):
        Quieting.objects.create(
            patient=bob, rule=rule, symptom_code=symptom_code, reason="r",
            starts_at=now, expires_at=now + timedelta(days=1),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("days", "reason", "ok"),
    [(0, "r", False), (1, "r", True), (90, "r", True), (91, "r", False), (30, "  ", False)],
)
def test_a_quiet_lasts_one_to_ninety_days_and_needs_a_reason(bob, alice, days, reason, ok):
    call = dict(patient=bob, symptom_code="fatigue", reason=reason, days=days, by=alice)
    if ok:
        quiet = quieting_add(**call)
        assert quiet.expires_at - quiet.starts_at == timedelta(days=days)
    else:
        with pytest.raises(QuietRefused):
            quieting_add(**call)


def test_the_periodic_sweep_records_a_quieted_diary_gap_without_telling(bob, alice):
    now = timezone.now()
    bob.enrolled_at = now - timedelta(days=10)
    bob.save()
    make_entry(bob, now - timedelta(days=6))
    rule = AlertRule.objects.get(rule_id="DIARY-GAP-3")
    quieting_add(patient=bob, rule=rule, reason="travelling", days=10, by=alice, now=now)
    sweeps.periodic_rules_sweep(now=now)
    gap = Alert.objects.get(patient=bob, rule=rule)
    assert gap.team_alert is False and gap.why["quieted"]["reason"] == "travelling"
    assert gap.concern is None and not Notification.objects.exists()


def test_the_patient_is_still_told_to_contact_the_team(client, bob, alice):
    """The team chose not to be paged; the patient's advice does not change (only "we have
    let them know" goes, because nobody was told)."""
    now = timezone.now()
    quieting_add(
        patient=bob, symptom_code="fatigue", reason="baseline", days=30, by=alice,
        now=now - timedelta(minutes=1),
    )  # fmt: skip
    entry = submit_entry(bob, now, symptoms={"fatigue": 3})
    client.force_login(bob.user)
    html = client.get(reverse("symptoms:result", args=[entry.pk])).content.decode()
    assert "Contact your care team today" in html
    assert "Please phone your MS team today." in html
    assert "We have also let them know" not in html
    prompt = prompt_of(entry)
    assert prompt.level == Level.CONTACT and prompt.team_alerted is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_nurses_quieting_the_same_symptom_at_once_make_one_quiet(bob, alice, erin):
    from tests.concurrency import race

    nurses = iter([alice, erin])

    def add():
        try:
            quieting_add(patient=bob, symptom_code="fatigue", reason="r", days=30, by=next(nurses))
        except QuietRefused:
            return "refused"
        return "added"

    results, errors = race(add)
    assert errors == []
    assert sorted(results) == ["added", "refused"]
    assert Quieting.objects.filter(patient=bob).count() == 1


def test_a_quieted_pre_dose_check_on_the_injection_form_is_recorded_not_told(bob, alice):
    from patients.models import Injection
    from tests.alerts.test_engine_second_pass import uti_alert

    now = timezone.now()
    uti_alert(bob, now - timedelta(days=2))
    Injection.objects.create(patient=bob, given_at=now - timedelta(days=27), dose_number=4)
    Alert.objects.filter(rule__rule_id="INJ-DUE-INF").delete()  # as if only the form asked
    rule = AlertRule.objects.get(rule_id="INJ-DUE-INF")
    quieting_add(
        patient=bob, rule=rule, reason="dose agreed", days=5, by=alice,
        now=now - timedelta(minutes=1),
    )  # fmt: skip
    check = pre_dose.injection_pre_dose_check(bob, now=now)
    assert check is not None and check.team_told is False
    alert = Alert.objects.get(patient=bob, rule=rule)
    assert alert.team_alert is False and alert.why["quieted"]["reason"] == "dose agreed"
