"""The clinic's blood-test interval is LAB-DUE's parameter: shown in the rule's admin page
with its units, changed by a draft a second person approves, then read by the tests due."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from alerts.authoring.drafts import rule_draft_approve
from alerts.care.labs_due import patient_labs_due
from alerts.models import AlertRule, RuleDraft
from alerts.rules.labs_due import months_added
from patients.lab_tests import BY_NAME
from patients.models import LabResult
from tests.alerts.test_rule_governance import CHANGE, change_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(alice):
    """Alice, a clinical lead, given the approval permission."""
    alice.user_permissions.add(Permission.objects.get(codename="approve_rule_change"))
    return type(alice).objects.get(pk=alice.pk)  # a fresh permission cache


def lab_due_rule() -> AlertRule:
    return AlertRule.objects.get(rule_id="LAB-DUE")


def test_the_rule_page_shows_lab_dues_parameters_with_their_units(client, dana):
    client.force_login(dana)
    page = client.get(CHANGE.format(lab_due_rule().pk)).content.decode()
    for name in ("interval_months", "baseline_months", "ahead_days"):
        assert f'name="param_{name}"' in page, name
        assert f"In the specification: {name}." in page
    labels = {
        "interval_months": "Immunoglobulins due every (months)",
        "baseline_months": "Before the first dose, a result no older than (months)",
        "ahead_days": "Listed this long before they are due (days)",
    }
    for name, label in labels.items():
        assert re.search(rf'<label[^>]*for="id_param_{name}">\s*{re.escape(label)}', page), name
    assert page.count("From 1 to 24 months") == 2
    assert "From 1 to 90 days" in page


def test_a_draft_changing_the_interval_is_approved_and_the_tests_due_follow(
    client,
    dana,
    approver,
    bob,
):
    rule = lab_due_rule()
    client.force_login(dana)
    response = client.post(CHANGE.format(rule.pk), change_form(rule, param_interval_months="3"))
    assert response.status_code == 302
    draft = RuleDraft.objects.get()
    assert draft.params == {"interval_months": 3, "baseline_months": 3, "ahead_days": 14}
    assert [what for what, _before, _after in draft.changes()] == ["interval_months"]
    rule.refresh_from_db()
    assert rule.params["interval_months"] == 6  # a draft changes nothing yet

    today = bob.today()
    collected = today - timedelta(days=100)
    bob.first_dose_at = datetime.combine(collected, time(12), tzinfo=bob.zone)
    bob.save()
    for test in ("IgG", "HBsAg", "anti-HBc"):
        definition = BY_NAME[test]
        LabResult.objects.create(
            patient=bob,
            test=definition.loinc,
            collected_on=collected,
            **(
                {"value": Decimal("8"), "unit": "g/L"}
                if definition.quantitative
                else {"positive": False}
            ),
        )
    [item] = patient_labs_due(bob).items
    assert item.due_on == months_added(collected, 6) and not item.overdue

    published = rule_draft_approve(draft=draft, by=approver, note="Clinic policy: 3-monthly")
    assert published.version == 2 and published.params["interval_months"] == 3
    [item] = patient_labs_due(bob).items
    assert item.due_on == months_added(collected, 3) and item.overdue
    assert isinstance(item.due_on, date)
