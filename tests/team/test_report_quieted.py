"""The clinic report counts the patients each rule or symptom was quieted for, in the period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import AlertRule, Quieting
from symptoms.models import Symptom
from team.report import report_build

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


def quiet(patient, *, rule=None, symptom="", starts, expires, lifted=None):
    return Quieting.objects.create(
        patient=patient,
        rule=rule,
        symptom_code=symptom,
        reason="baseline MS fatigue",
        starts_at=starts,
        expires_at=expires,
        lifted_at=lifted,
    )


def test_quiets_overlapping_the_period_are_counted_by_patient(team_a, team_b, bob, dave):
    from patients.models import Patient, User

    other = Patient.objects.create(user=User.objects.create_user("zed"), team=team_b)
    rule = AlertRule.objects.filter(level="CONTACT").first()
    day = timedelta(days=1)
    quiet(bob, symptom="fatigue", starts=NOW - 20 * day, expires=NOW + 10 * day)  # in
    quiet(dave, symptom="fatigue", starts=NOW - 3 * day, expires=NOW + 3 * day)  # in
    quiet(bob, rule=rule, starts=NOW - 30 * day, expires=NOW - 8 * day)  # ended before: out
    quiet(dave, rule=rule, starts=NOW - 9 * day, expires=NOW + day, lifted=NOW - 8 * day)  # out
    quiet(other, symptom="fatigue", starts=NOW - day, expires=NOW + day)  # team B: out
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    fatigue = Symptom.objects.get(code="fatigue").label
    assert report.quieted == [{"what": fatigue, "n": 2}]
    assert "baseline" not in str(report.quieted)  # counts only, never the reason


@pytest.mark.parametrize("code", ["es", "de"])
def test_a_spanish_or_german_reader_gets_the_report_in_their_words(team_a, bob, code):
    from django.utils import translation

    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    day = timedelta(days=1)
    quiet(bob, symptom="fatigue", starts=NOW - 2 * day, expires=NOW + day)
    quiet(bob, rule=rule, starts=NOW - 2 * day, expires=NOW + day)
    Symptom.objects.filter(code="fatigue").update(**{f"label_{code}": ""})  # not translated
    with translation.override(code):
        report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    fatigue = Symptom.objects.get(code="fatigue").label_en_gb  # English meanwhile
    assert sorted(q["what"] for q in report.quieted) == sorted(
        [getattr(rule, f"title_{code}"), fatigue]
    )
