"""Each rule declared once (alerts/rules/definitions.py): its properties as the
specification states them, and the bounds the admin holds each parameter to."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alerts.models import AlertRule
from alerts.rules import DEFAULT_RULES, Kind, Reaction
from alerts.rules.checks import CHECKS
from alerts.rules.sweep import PERIODIC_CHECKS

pytestmark = pytest.mark.django_db

# A.0 "Precedence and suppression": INJ-IRR-24 never suppresses these families.
NEVER_SUPPRESSED = (
    "T-FEV-",
    "SEP-RF",
    "INJ-ANAPH",
    "RESP-SEV",
    "NEURO-",
    "GU-",
    "HZ-",
    "HBV-",
    "VIT-",
    "PRO-SEV",
)


def test_only_the_three_rules_the_specification_names_can_be_explained_by_a_reaction():
    explained = {r: d.explained_by_reaction for r, d in DEFAULT_RULES.items()}
    assert {r for r, how in explained.items() if how is not Reaction.NEVER} == {
        "INF-FLU",
        "T-LOW-1",
        "PRO-WORSEN-2",
    }
    assert explained["PRO-WORSEN-2"] is Reaction.IF_MILD_REACTION_SYMPTOMS
    for rule_id, how in explained.items():
        if rule_id.startswith(NEVER_SUPPRESSED):
            assert how is Reaction.NEVER, rule_id


def test_risk_esc_raises_the_four_rules_its_row_names():
    escalated = {r for r, d in DEFAULT_RULES.items() if d.risk_escalated}
    assert escalated == {"RESP-URTI", "HSV-ORAL", "T-LOW-1", "HZ-PRODROME"}
    assert all(DEFAULT_RULES[r].level == "WATCH" for r in escalated)


def test_every_rule_has_exactly_one_condition():
    entry = {r for r, d in DEFAULT_RULES.items() if d.kind is Kind.ENTRY}
    periodic = {r for r, d in DEFAULT_RULES.items() if d.kind is Kind.PERIODIC}
    assert set(CHECKS) == entry
    assert (
        set(PERIODIC_CHECKS)
        == periodic
        == {"DIARY-GAP-2", "DIARY-GAP-3", "DIARY-FOLLOWUP", "INJ-MISSED"}
    )
    labs = {r for r, d in DEFAULT_RULES.items() if d.kind is Kind.LAB}
    # The laboratory rules are evaluated on a result (alerts/rules/labs.py), LAB-DUE read
    # as a schedule by the team's pages.
    assert labs == {"LAB-IG-LOW", "LAB-IG-REVIEW", "LAB-CYTO-LOW", "LAB-HBV-POS", "LAB-DUE"}
    assert len(DEFAULT_RULES) == 51 + len(labs)


def test_every_default_is_inside_its_own_bounds():
    for rule_id, definition in DEFAULT_RULES.items():
        for name, param in definition.params.items():
            assert param.problems(name, param.default) == [], (rule_id, name)
            assert type(param.low) is type(param.default) is type(param.high)


def test_the_seeded_rows_match_the_definitions():
    for row in AlertRule.objects.all():
        definition = DEFAULT_RULES[row.rule_id]
        assert row.level == definition.level
        assert row.remeasure_minutes == definition.remeasure_minutes
        assert definition.param_problems(row.params) == []
        assert {k: definition.params[k].parse(v) for k, v in row.params.items()} == (
            definition.defaults
        )


def _clean(rule_id: str, **changes) -> str:
    """The admin's message for the row with `changes` to its params ('' when accepted)."""
    row = AlertRule.objects.get(rule_id=rule_id)
    row.params = {**row.params, **changes}
    try:
        row.full_clean()
    except ValidationError as error:
        return " ".join(error.message_dict.get("params", [])) or str(error)
    return ""


@pytest.mark.parametrize(
    ("rule_id", "name", "value", "message"),
    [
        # Temperatures: inside the range the diary accepts, one decimal place.
        ("T-FEV-1", "threshold_c", "29.9", "between 30.0 and 45.0 °C"),
        ("T-FEV-1", "threshold_c", "30.0", ""),
        ("T-FEV-1", "threshold_c", "45.0", ""),
        ("T-FEV-1", "threshold_c", "45.1", "between 30.0 and 45.0 °C"),
        ("T-FEV-1", "threshold_c", "38.05", "at most one decimal place"),
        ("T-FEV-1", "threshold_c", "hot", 'a number like "38.0"'),
        ("T-FEV-1", "threshold_c", True, 'a number like "38.0"'),
        ("T-FEV-1", "threshold_c", "NaN", "must be a number"),
        # Grades 1–4: a minimum grade of 0 would fire on every entry.
        ("PRO-SEV", "min_grade", 0, "between 1 and 4 grades"),
        ("PRO-SEV", "min_grade", 1, ""),
        ("PRO-SEV", "min_grade", 4, ""),
        ("PRO-SEV", "min_grade", 5, "between 1 and 4 grades"),
        ("PRO-SEV", "min_grade", 2.5, "whole number"),
        ("PRO-SEV", "min_grade", "3", "whole number"),
        # Windows within the two weeks of history the rules read.
        ("T-FEV-3D", "days", 14, ""),
        ("T-FEV-3D", "days", 15, "at most 14 days (the history the rules read)"),
        ("T-FEV-3D", "days", 0, "between 1 and 14 days"),
        ("INJ-FEV", "window_hours", 336, ""),
        ("INJ-FEV", "window_hours", 337, "at most 336 hours (the history the rules read)"),
        ("T-LOW-2D", "exclude_after_injection_hours", 0, ""),
        ("INJ-MISSED", "grace_days", 0, ""),
        # A missed diary is counted from the entry times, not the history window.
        ("DIARY-GAP-3", "days", 60, ""),
        ("DIARY-GAP-3", "days", 61, "between 1 and 60 days"),
        ("T-FEV-ER-2", "min_gap_minutes", 0, "between 1 and 1440 minutes"),
        ("T-FEV-ER-2", "min_gap_minutes", 1440, ""),
        # Vital signs in their own units.
        ("VIT-SPO2-H", "at_or_below", 49, "between 50 and 100 %"),
        ("VIT-SPO2-H", "at_or_below", 100, ""),
        ("VIT-SPO2-H", "at_or_below", 101, "between 50 and 100 %"),
        ("VIT-HR-H", "threshold", 301, "between 1 and 300 per minute"),
        ("VIT-SBP-H", "at_or_below", 39, "between 40 and 300 mmHg"),
        ("VIT-NEWS2", "single", 3, ""),
        ("VIT-NEWS2", "single", 4, "between 1 and 3 points"),
        ("VIT-NEWS2", "aggregate", 20, ""),
        ("VIT-NEWS2", "aggregate", 21, "between 1 and 20 points"),
    ],
)
def test_the_admin_holds_each_parameter_to_its_bounds(rule_id, name, value, message):
    got = _clean(rule_id, **{name: value})
    if message:
        assert message in got
    else:
        assert got == ""


def test_unknown_and_missing_parameters_are_named():
    row = AlertRule.objects.get(rule_id="T-LOW-1")
    row.params = {"low_c": "37.5", "threshold": "38"}
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    text = " ".join(error.value.message_dict["params"])
    assert "unknown parameter(s): threshold" in text
    assert "missing parameter(s): high_c" in text


def test_a_stored_value_is_read_with_the_parameters_type():
    param = DEFAULT_RULES["T-FEV-1"].params["threshold_c"]
    assert param.parse("38.4") == Decimal("38.4")
    assert DEFAULT_RULES["PRO-SEV"].params["min_grade"].parse(3) == 3
