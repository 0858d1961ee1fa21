"""Recording a laboratory result (alerts/care/labs.py): the result, its alerts, the concern and
the flags, in one transaction; later entries read the new flags, earlier ones stay as they were
recorded (clinical-rules.md §6)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from alerts.care.labs import LabData, hbv_risk_clear, lab_result_record, lab_result_withdraw
from alerts.models import Alert, Concern, EntryOutcome
from patients.lab_tests import BY_NAME, UnitError
from patients.models import LabResult, Patient
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=LONDON)


def record(patient, test, value=None, unit="", *, day=1, positive=None, lln=None, by=None):
    return lab_result_record(
        patient=patient,
        data=LabData(
            test=BY_NAME[test],
            collected_on=date(2026, 11, day),
            value=None if value is None else Decimal(value),
            unit=unit,
            positive=positive,
            reference_low=None if lln is None else Decimal(lln),
        ),
        by=by,
        now=at(day, 10),
    )


def fresh(patient) -> Patient:
    return Patient.objects.get(pk=patient.pk)


def test_a_low_igg_at_the_review_level_sets_the_flag_and_opens_a_team_concern(bob, alice):
    recorded = record(bob, "IgG", "4.4", "g/L", day=3, by=alice)
    bob = fresh(bob)
    assert bob.lab_low_ig_id == recorded.result.pk
    assert bob.elevated_risk == {"low_ig"}
    assert recorded.flags_before == frozenset() and recorded.flags_after == {"low_ig"}
    alerts = {a.rule.rule_id: a for a in Alert.objects.filter(patient=bob).select_related("rule")}
    assert set(alerts) == {"LAB-IG-LOW", "LAB-IG-REVIEW"}
    assert alerts["LAB-IG-REVIEW"].team_alert and not alerts["LAB-IG-LOW"].team_alert
    why = alerts["LAB-IG-REVIEW"].why
    assert (why["value"], why["lln"], why["collected"]) == ("4.4", "5.65", "2026-11-03")
    concern = Concern.objects.get(patient=bob, status=Concern.Status.OPEN)
    assert concern.level == "CONTACT" and concern.lead.rule.rule_id == "LAB-IG-REVIEW"
    # The team's only: the patient is given no advice from a laboratory rule.
    assert concern.standing == "NONE"
    assert recorded.result.recorded_by == alice


def test_the_low_igg_on_day_3_makes_37_6_on_day_5_a_contact_that_day_2_was_not(bob):
    day2 = submit_entry(bob, at(2, 8), temp="37.6")
    assert day2.outcomes.get().level == "WATCH"
    record(bob, "IgG", "4.4", "g/L", day=3)
    day5 = submit_entry(fresh(bob), at(5, 8), temp="37.6")
    outcome = day5.outcomes.get()
    assert outcome.level == "CONTACT"
    assert "RISK-ESC" in outcome.rules
    # The earlier entry is never evaluated again.
    assert list(EntryOutcome.objects.filter(entry=day2).values_list("level", flat=True)) == [
        "WATCH"
    ]


def test_a_flag_ticked_by_hand_survives_a_normal_result(bob):
    Patient.objects.filter(pk=bob.pk).update(er_low_ig=True, er_cytopenia=True)
    record(bob, "IgG", "9.0", "g/L")
    record(bob, "neutrophils", "3.0", "10^9/L")
    bob = fresh(bob)
    assert bob.lab_flags == frozenset()
    assert bob.elevated_risk == {"low_ig", "cytopenia"}


def test_a_normal_result_clears_what_a_result_set(bob):
    record(bob, "IgG", "5.0", "g/L", day=1)
    assert fresh(bob).elevated_risk == {"low_ig"}
    record(bob, "IgG", "5.65", "g/L", day=2)
    assert fresh(bob).elevated_risk == frozenset()


def test_hepatitis_b_risk_is_not_cleared_by_a_negative_result_only_by_a_clinician(bob, alice):
    first = record(bob, "HBsAg", positive=True, day=1)
    record(bob, "HBsAg", positive=False, day=2)
    record(bob, "anti-HBc", positive=False, day=2)
    bob = fresh(bob)
    assert bob.hbv_in_force and bob.lab_hbv_risk_id == first.result.pk
    assert hbv_risk_clear(patient=bob, by=alice, note="Hepatology: false positive")
    bob = fresh(bob)
    assert not bob.hbv_in_force
    last = bob.history.first()
    assert last.history_user == alice
    assert "false positive" in last.history_change_reason
    assert not hbv_risk_clear(patient=bob, by=alice, note="again")


def test_a_hand_ticked_hepatitis_b_risk_stays_when_a_clinician_clears_the_results(bob, alice):
    Patient.objects.filter(pk=bob.pk).update(hbv_risk=True)
    record(bob, "anti-HBc", positive=True)
    hbv_risk_clear(patient=fresh(bob), by=alice, note="resolved infection")
    assert fresh(bob).hbv_in_force


def test_a_repeat_positive_marker_opens_no_team_alert(bob):
    first = record(bob, "HBsAg", positive=True, day=1)
    second = record(bob, "anti-HBc", positive=True, day=2)
    assert first.evaluation.team_alerts == ("LAB-HBV-POS",)
    assert second.evaluation.team_alerts == ()
    assert Alert.objects.filter(patient=bob, team_alert=True).count() == 1


def test_a_withdrawn_result_stops_counting(bob, alice):
    low = record(bob, "IgG", "5.0", "g/L", day=2)
    record(bob, "IgG", "7.0", "g/L", day=1)  # older and normal
    assert fresh(bob).lab_low_ig_id == low.result.pk
    assert lab_result_withdraw(result=low.result, by=alice)
    assert fresh(bob).lab_low_ig_id is None
    assert LabResult.objects.get(pk=low.result.pk).withdrawn_by == alice
    assert not lab_result_withdraw(result=low.result, by=alice)


def test_a_withdrawn_positive_leaves_hbv_risk_to_another_positive(bob, alice):
    first = record(bob, "HBsAg", positive=True, day=1)
    second = record(bob, "anti-HBc", positive=True, day=2)
    lab_result_withdraw(result=first.result, by=alice)
    assert fresh(bob).lab_hbv_risk_id == second.result.pk
    lab_result_withdraw(result=second.result, by=alice)
    assert fresh(bob).lab_hbv_risk_id is None


def test_units_are_kept_as_reported_and_compared_converted(bob):
    recorded = record(bob, "IgM", "35", "mg/dl")
    result = recorded.result
    assert (result.value, result.unit) == (Decimal("35.000"), "mg/dL")
    assert result.value_in_test_unit == Decimal("0.35000")
    assert {f.rule_id for f in recorded.evaluation.fired} == {"LAB-IG-LOW", "LAB-IG-REVIEW"}
    count = record(bob, "neutrophils", "0.9", "10*3/uL").result
    assert count.unit == "10^9/L"
    with pytest.raises(UnitError):
        record(bob, "IgG", "5", "mmol/L")
    assert LabResult.objects.filter(patient=bob).count() == 2


def test_an_iga_result_is_recorded_and_sets_nothing(bob):
    recorded = record(bob, "IgA", "0.05", "g/L")
    assert recorded.evaluation.fired == ()
    assert fresh(bob).lab_flags == frozenset()
    assert LabResult.objects.filter(patient=bob).count() == 1


def test_a_lab_concern_joined_by_the_patients_contact_keeps_the_patients_advice(bob):
    record(bob, "IgG", "4.4", "g/L", day=3)
    submit_entry(fresh(bob), at(5, 8), temp="38.1")
    concern = Concern.objects.get(patient=bob, status=Concern.Status.OPEN)
    assert concern.level == "CONTACT"
    assert concern.standing == "CONTACT"
    assert concern.advice_lead.rule.rule_id == "T-FEV-1"


def test_the_patients_own_contact_in_a_concern_opened_by_a_result_is_told_to_the_team(bob, alice):
    from alerts.care.concerns import concern_acknowledge
    from alerts.models import ConcernEvent, Notification

    record(bob, "IgG", "4.4", "g/L", day=3)
    assert concern_acknowledge(patient=fresh(bob), by=alice, now=at(3, 11))
    told_before = Notification.objects.filter(concern__patient=bob).count()
    submit_entry(fresh(bob), at(5, 8), temp="37.6")
    concern = Concern.objects.get(patient=bob, status=Concern.Status.OPEN)
    # The concern's level is CONTACT as before, but the patient's advice rose from none to
    # CONTACT: the team must see it again (clinical-safety.md, "Laboratory results").
    assert concern.level == "CONTACT" and concern.standing == "CONTACT"
    assert concern.acknowledged_at is None
    assert concern.events.order_by("pk").last().kind == ConcernEvent.Kind.RAISED
    assert Notification.objects.filter(concern__patient=bob).count() > told_before
    # A second CONTACT entry changes nothing more: nobody is told again.
    told = Notification.objects.filter(concern__patient=bob).count()
    submit_entry(fresh(bob), at(6, 8), temp="37.7")
    assert Notification.objects.filter(concern__patient=bob).count() == told


def test_a_page_saving_an_older_copy_of_the_patient_keeps_the_flags_a_result_set(bob):
    """Found in review: a form that loaded the patient before a result was recorded saved
    the whole row back, and with it the old (empty) result-held flags."""
    stale = fresh(bob)
    record(bob, "IgG", "4.0", "g/L")
    stale.er_recurrent_infection = True
    stale.save()
    bob = fresh(bob)
    assert bob.lab_low_ig_id is not None
    assert bob.elevated_risk == {"low_ig", "recurrent_infection"}
    assert bob.history.first().lab_low_ig_id == bob.lab_low_ig_id


def test_a_corrected_reference_range_sent_at_once_is_recorded(bob, alice):
    from datetime import timedelta

    first = lab_result_record(
        patient=bob,
        data=LabData(
            test=BY_NAME["IgG"], collected_on=date(2026, 11, 2), value=Decimal("5.0"), unit="g/L"
        ),
        by=alice,
        repeat_window=timedelta(minutes=2),
    )
    again = lab_result_record(
        patient=bob,
        data=LabData(
            test=BY_NAME["IgG"],
            collected_on=date(2026, 11, 2),
            value=Decimal("5.0"),
            unit="g/L",
            reference_low=Decimal("4.5"),
        ),
        by=alice,
        repeat_window=timedelta(minutes=2),
    )
    assert not again.repeated and again.result.pk != first.result.pk
    assert fresh(bob).lab_flags == frozenset()  # 5.0 is normal against the lab's 4.5
