"""A rule change is a draft with a reason until a second person approves and publishes it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from alerts.authoring.drafts import (
    DraftRefused,
    rule_draft_approve,
    rule_draft_create,
    rule_draft_reject,
    rule_draft_rollback,
)
from alerts.care.recording import entry_evaluate
from alerts.models import Alert, AlertRule, RuleDraft
from alerts.rules import DEFAULT_RULES
from alerts.ruleset.messages import RULE_TEXT_FIELDS, in_each_language
from tests.alerts.factories import make_entry
from tests.conftest import make_user, with_second_factor

pytestmark = pytest.mark.django_db

CHANGE = "/admin/alerts/alertrule/{}/change/"


def fever_rule() -> AlertRule:
    return AlertRule.objects.get(rule_id="T-FEV-1")


def change_form(rule: AlertRule, **changes) -> dict:
    data = {
        # The editor shows every language's words side by side.
        **{
            column: getattr(rule, column) or ""
            for field in RULE_TEXT_FIELDS
            for column in in_each_language(field)
        },
        "level": rule.level,
        "active": "on" if rule.active else "",
        **{f"param_{name}": value for name, value in rule.params.items()},
        "remeasure_minutes": rule.remeasure_minutes or "",
        "rationale": rule.rationale,
        "reason": "Audit of last quarter's fevers",
        "_save": "Save",
    }
    # A message without a language is the English column of the editor.
    data.update({f"{k}_en_gb" if k in RULE_TEXT_FIELDS else k: v for k, v in changes.items()})
    return {k: v for k, v in data.items() if v != "" or k in ("reason", "remeasure_minutes")}


@pytest.fixture
def erik(db):
    """A second administrator."""
    return with_second_factor(make_user("erik", is_staff=True, is_superuser=True))


@pytest.fixture
def approver(alice):
    """Alice, a clinical lead, given the approval permission."""
    alice.user_permissions.add(Permission.objects.get(codename="approve_rule_change"))
    return type(alice).objects.get(pk=alice.pk)  # a fresh permission cache


def loosen_fever(dana) -> RuleDraft:
    rule = fever_rule()
    return rule_draft_create(
        rule=rule,
        by=dana,
        reason="Fewer false alarms",
        proposed={"params": {"threshold_c": "38.3"}},
    )


def test_it_keeps_a_one_person_loosening_of_t_fev_1_as_a_draft(client, dana):
    client.force_login(dana)
    rule = fever_rule()
    response = client.post(CHANGE.format(rule.pk), change_form(rule, param_threshold_c="38.3"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"threshold_c": "38.0"} and rule.version == 1
    draft = RuleDraft.objects.get()
    assert draft.params == {"threshold_c": "38.3"} and draft.status == RuleDraft.Status.DRAFT
    assert draft.created_by == dana and draft.reason == "Audit of last quarter's fevers"
    page = client.get(CHANGE.format(rule.pk)).content.decode()
    assert f"Draft {draft.pk}" in page and "38.0 °C → 38.3 °C" in page
    assert 'name="param_threshold_c"' in page and "From 30.0 to 45.0 °C" in page
    # Its label is words, the code name only in the help ("threshold_c" was the label).
    assert re.search(r"<label[^>]*>\s*Threshold \(°C\)", page)
    assert "In the specification: threshold_c." in page
    assert 'name="params"' not in page
    # Dana cannot publish her own draft.
    review = f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/"
    refused = client.post(review, {"action": "approve"})
    assert "A second person must approve" in refused.content.decode()
    rule.refresh_from_db()
    assert rule.version == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "This field is required"),
        ({"param_threshold_c": "60"}, "less than or equal to 45.0"),
        ({"param_threshold_c": "37.85"}, "no more than 1 decimal place"),
        ({"param_threshold_c": "warm"}, "Enter a number"),
        ({}, "Nothing would change"),
    ],
)
def test_the_admin_refuses_a_draft_without_reason_valid_values_or_change(
    client, dana, changes, message
):
    client.force_login(dana)
    rule = fever_rule()
    response = client.post(CHANGE.format(rule.pk), change_form(rule, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not RuleDraft.objects.exists()


def test_a_second_person_publishes_it_and_new_alerts_carry_the_new_version(dana, approver, bob):
    before = make_entry(bob, timezone.now() - timedelta(hours=3), temp="38.1")
    entry_evaluate(before.pk)
    assert Alert.objects.get(entry=before, rule__rule_id="T-FEV-1").rule_version == 1

    draft = loosen_fever(dana)
    rule = rule_draft_approve(draft=draft, by=approver, note="Agreed at the clinical meeting")
    assert rule.version == 2 and rule.params == {"threshold_c": "38.3"}
    draft.refresh_from_db()
    assert draft.status == RuleDraft.Status.PUBLISHED and draft.reviewed_by == approver
    assert draft.published_version == 2 and not draft.self_approved
    latest = rule.history.latest()
    assert latest.history_user == approver
    assert "Fewer false alarms" in latest.history_change_reason

    after = make_entry(bob, timezone.now() - timedelta(hours=1), temp="38.4")
    entry_evaluate(after.pk)
    fired = Alert.objects.get(entry=after, rule__rule_id="T-FEV-1")
    assert fired.rule_version == 2 and fired.snapshot["params"] == {"threshold_c": "38.3"}
    # 38.2 no longer fires T-FEV-1 at all.
    quiet = make_entry(bob, timezone.now(), temp="38.2")
    entry_evaluate(quiet.pk)
    assert not Alert.objects.filter(entry=quiet, rule__rule_id="T-FEV-1").exists()


@pytest.mark.parametrize(
    ("proposed", "why"),
    [
        ({"active": False}, "switching the rule off"),
        ({"level": "WATCH"}, "lowering its level"),
        ({"params": {"threshold_c": "37.8"}}, "tightening a threshold"),
    ],
)
def test_every_change_needs_a_second_person(dana, proposed, why, settings):
    settings.DIARY_SINGLE_APPROVER_CLINIC = False
    draft = rule_draft_create(rule=fever_rule(), by=dana, reason=why, proposed=proposed)
    with pytest.raises(DraftRefused, match="second person"):
        rule_draft_approve(draft=draft, by=dana)
    assert fever_rule().version == 1


def test_a_one_person_clinic_may_approve_its_own_draft_and_it_is_recorded(dana, settings):
    settings.DIARY_SINGLE_APPROVER_CLINIC = True
    draft = loosen_fever(dana)
    rule = rule_draft_approve(draft=draft, by=dana)
    draft.refresh_from_db()
    assert rule.version == 2 and draft.self_approved
    assert "self-approved" in rule.history.latest().history_change_reason


def test_without_the_permission_nobody_approves(dana, alice):
    draft = loosen_fever(dana)
    with pytest.raises(DraftRefused, match="permission"):
        rule_draft_approve(draft=draft, by=alice)
    assert fever_rule().version == 1


def test_a_stale_draft_is_refused(dana, erik):
    first, second = loosen_fever(dana), loosen_fever(dana)
    rule_draft_approve(draft=first, by=erik)
    with pytest.raises(DraftRefused, match="has changed since"):
        rule_draft_approve(draft=second, by=erik)
    assert fever_rule().version == 2


def test_a_rejected_draft_changes_nothing_and_cannot_be_approved(dana, erik):
    draft = loosen_fever(dana)
    with pytest.raises(DraftRefused, match="why"):
        rule_draft_reject(draft=draft, by=erik, note="")
    rule_draft_reject(draft=draft, by=erik, note="Not without the audit")
    with pytest.raises(DraftRefused, match="already"):
        rule_draft_approve(draft=draft, by=erik)
    assert fever_rule().version == 1


def test_a_rollback_is_a_reviewed_draft_restoring_the_earlier_version(dana, erik):
    rule_draft_approve(draft=loosen_fever(dana), by=erik)
    rollback = rule_draft_rollback(rule=fever_rule(), to_version=1, by=dana, reason="Back")
    assert rollback.params == {"threshold_c": "38.0"} and rollback.restores_version == 1
    assert fever_rule().params == {"threshold_c": "38.3"}
    rule = rule_draft_approve(draft=rollback, by=erik)
    assert rule.version == 3 and rule.params == {"threshold_c": "38.0"}
    # The translations came with a history row of version 1: a rollback keeps them.
    assert rule.title_es and rule.patient_message_de
    assert rule.title_es == rule.history.filter(version=1).first().title_es


def test_a_rollback_to_a_version_from_before_any_translation_keeps_todays(dana, erik):
    rule = fever_rule()
    rule.history.filter(version=1).update(title_es=None, patient_message_es=None)
    rule_draft_approve(draft=loosen_fever(dana), by=erik)
    rollback = rule_draft_rollback(rule=fever_rule(), to_version=1, by=dana, reason="Back")
    assert rollback.title_es == rule.title_es and rollback.patient_message_es
    assert [what for what, _b, _a in rollback.changes()] == ["threshold_c"]


def test_an_approval_by_a_spanish_reader_keeps_the_english_columns_english(dana, erik):
    from django.db import connection
    from django.utils import translation

    with translation.override("es"):
        rule_draft_approve(draft=loosen_fever(dana), by=erik)
    with connection.cursor() as cursor:
        cursor.execute("select title from alerts_alertrule where rule_id = 'T-FEV-1'")
        assert cursor.fetchone()[0] == fever_rule().title_en_gb


def test_a_second_administrator_approves_in_the_admin_from_a_page_saying_what_changes(
    client, dana, erik
):
    draft = loosen_fever(dana)
    rule = fever_rule()
    client.force_login(erik)
    review = f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/"
    page = client.get(review).content.decode()
    assert "threshold_c" in page and "38.0 °C" in page and "38.3 °C" in page
    assert "Approve and publish" in page
    done = client.post(review, {"action": "approve", "note": "ok"})
    assert done.status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.params == {"threshold_c": "38.3"}


def test_charlie_has_no_admin_and_nothing_changes(client, charlie, dana):
    draft = loosen_fever(dana)
    client.force_login(charlie)
    rule = fever_rule()
    response = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/", {"action": "approve"}
    )
    assert response.status_code == 302 and "/login" in response["Location"]
    assert fever_rule().version == 1


@pytest.mark.parametrize(
    ("proposed", "refused"),
    [
        ({"clinician_summary": "Reading at or above 38.0 °C."}, "names 38.0"),
        ({"patient_message": "Measure again in 60 minutes."}, "names 60 minutes"),
        ({"patient_message": "Above {threshold} °C."}, "{threshold} is not a parameter"),
        # The old threshold left behind in a message when the threshold changes.
        (
            {"params": {"threshold_c": "37.8"}, "patient_message": "Over 38.0 °C is a fever."},
            "names 38.0",
        ),
        ({"patient_message": "Over {threshold_c} °C ({threshold_c_f} °F)."}, None),
        ({"patient_message": "Measure again in {remeasure_minutes} minutes."}, None),
    ],
)
def test_a_message_that_hard_codes_a_parameters_number_is_refused(dana, proposed, refused):
    rule = fever_rule()
    if refused is None:
        assert rule_draft_create(rule=rule, by=dana, reason="words", proposed=proposed)
        return
    with pytest.raises(DraftRefused, match=re.escape(refused)):
        rule_draft_create(rule=rule, by=dana, reason="words", proposed=proposed)


def test_the_admin_form_says_which_message_hard_codes_a_number(client, dana):
    client.force_login(dana)
    rule = fever_rule()
    response = client.post(
        CHANGE.format(rule.pk), change_form(rule, clinician_summary="Reading ≥38.0 °C.")
    )
    assert response.status_code == 200
    assert "write {threshold_c} instead" in response.content.decode()
    assert not RuleDraft.objects.exists()


def test_messages_follow_the_parameters_in_the_prompt_and_the_alert(dana, erik, bob):
    from alerts.care.prompts import prompt_of
    from tests.alerts.factories import submit_entry

    rule = fever_rule()
    assert "{threshold_c}" in rule.clinician_summary  # the seeded words, with placeholders
    draft = rule_draft_create(
        rule=rule,
        by=dana,
        reason="words",
        proposed={
            "params": {"threshold_c": "37.8"},
            "patient_message": "Your temperature is {threshold_c} °C or more. "
            "Measure again in {remeasure_minutes} minutes.",
        },
    )
    rule_draft_approve(draft=draft, by=erik)
    entry = submit_entry(bob, timezone.now(), temp="37.9")
    prompt = prompt_of(entry)
    fever = next(r for r in prompt.reasons if r.rule_id == "T-FEV-1")
    assert fever.message == "Your temperature is 37.8 °C or more. Measure again in 60 minutes."
    snapshot = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1").snapshot
    assert snapshot["patient_message"] == fever.message
    assert "37.8" in snapshot["clinician_summary"] and "{" not in snapshot["clinician_summary"]


def test_the_seeded_messages_say_their_numbers_through_placeholders(db):
    """The seeded rules (alerts/migrations/_seed.py) write their numbers as placeholders
    filled from the parameters: every seeded row is there, and every message, rendered,
    leaves no placeholder behind and says the parameter's value."""
    import importlib

    seeded = importlib.import_module("alerts.migrations._seed").SEED["AlertRule"]
    labs = importlib.import_module("alerts.migrations.0007_lab_rules")
    seeded = seeded + [
        {
            "rule_id": spec["rule_id"],
            "patient_message_en_gb": labs.NOT_SHOWN["_en_gb"],
            "clinician_summary_en_gb": spec["clinician_summary"]["_en_gb"],
        }
        for spec in labs.RULES
    ]
    rows = {r.rule_id: r for r in AlertRule.objects.all()}
    assert {spec["rule_id"] for spec in seeded} == set(rows) == set(DEFAULT_RULES)
    placeholders = 0
    for spec in seeded:
        row = rows[spec["rule_id"]]
        for field in ("patient_message", "clinician_summary"):
            placeholders += spec[f"{field}_en_gb"].count("{")
            rendered = row.rendered(field)
            assert "{" not in rendered and "}" not in rendered, (spec["rule_id"], field)
        if "{threshold_c}" in spec["clinician_summary_en_gb"]:
            assert str(row.params["threshold_c"]) in row.rendered("clinician_summary")
    assert placeholders > 40


def test_the_typed_editor_stores_each_parameter_as_the_rule_declares_it(client, dana):
    client.force_login(dana)
    rule = AlertRule.objects.get(rule_id="T-FEV-ER-2")
    response = client.post(
        CHANGE.format(rule.pk),
        change_form(rule, param_threshold_c="38", param_min_gap_minutes="45"),
    )
    assert response.status_code == 302
    draft = RuleDraft.objects.get()
    # "38" is 38.0 (no change), the minutes a whole number.
    assert draft.params == {"threshold_c": "38.0", "min_gap_minutes": 45, "window_hours": 24}
    assert [what for what, _before, _after in draft.changes()] == ["min_gap_minutes"]


def _rule(rule_id):
    return AlertRule.objects.get(rule_id=rule_id)


@pytest.mark.parametrize(
    ("rule_id", "proposed", "refused"),
    [
        # The re-measure time written in hours, in each language.
        ("T-FEV-1", {"patient_message": "Measure again in 1 hour."}, "names 1 hour"),
        ("T-FEV-1", {"patient_message_es": "Vuelva a medirse en 1 hora."}, "names 1 hour"),
        ("T-FEV-1", {"patient_message_de": "Messen Sie in 1 Stunde noch einmal."}, "names 1 hour"),
        # Whole-number parameters, known by the unit written after them.
        ("INJ-FEV", {"clinician_summary": "Fever within 24 h of a dose."}, "names 24 hours"),
        ("DIARY-GAP-2", {"clinician_summary": "No entry on 2 consecutive days."}, "names 2 days"),
        ("VIT-HR-M", {"clinician_summary": "Heart rate 91–130/min."}, "names 91 per minute"),
        ("VIT-HR-M", {"clinician_summary": "Heart rate 91–130/min."}, "names 130 per minute"),
        ("VIT-SPO2-H", {"clinician_summary_es": "SpO2 ≤92 % al recomprobar."}, "names 92 %"),
        ("VIT-SBP-H", {"clinician_summary": "Systolic ≤90 mmHg."}, "names 90 mmHg"),
        ("PRO-WORSEN-2", {"clinician_summary": "Up by 2 grades."}, "names 2 grades"),
        (
            "INJ-MISSED",
            {"clinician_summary_de": "Dosis + 1 Tag nicht eingetragen."},
            "names 1 days",
        ),
        # A number that is not this rule's parameter, or not with its unit, is words.
        ("INJ-FEV", {"clinician_summary": "Fever within {window_hours} h, not after 48 h."}, None),
        ("DIARY-GAP-2", {"clinician_summary": "No entry on {days} days; 2 reminders."}, None),
        ("T-FEV-1", {"patient_message": "Measure again in 2 hours."}, None),
        ("DIARY-GAP-2", {"clinician_summary": "A reminder on the 2nd day."}, None),
        (
            "INJ-IRR-24",
            {"clinician_summary_de": "{window_hours} h: {low_c} bis {high_c} °C, 2 Grad mehr."},
            None,
        ),
        ("VIT-SPO2-H", {"clinician_summary_de": "SpO2 92 % beim Nachmessen."}, "names 92 %"),
        ("VIT-HR-M", {"clinician_summary_es": "FC 91–130 lpm."}, "names 130 per minute"),
    ],
)
def test_a_whole_number_or_hours_that_is_a_parameter_is_refused(dana, rule_id, proposed, refused):
    rule = _rule(rule_id)
    if refused is None:
        assert rule_draft_create(rule=rule, by=dana, reason="words", proposed=proposed)
        return
    with pytest.raises(DraftRefused, match=re.escape(refused)):
        rule_draft_create(rule=rule, by=dana, reason="words", proposed=proposed)


def test_every_seeded_message_passes_the_check_in_every_language():
    """The seeded words use placeholders for every number that is a parameter
    (alerts/migrations/_seed.py): an administrator who opens a rule is not refused for words they did
    not write, and the words follow the parameters."""
    from alerts.ruleset.messages import MESSAGE_FIELDS, draft_message_problems

    found = {}
    for rule in AlertRule.objects.all():
        proposed = {field: getattr(rule, field) for field in MESSAGE_FIELDS}
        proposed |= {
            "params": rule.params,
            "remeasure_minutes": rule.remeasure_minutes,
            "patient_message_en_gb": rule.patient_message_en_gb,
        }
        problems = draft_message_problems(rule, proposed)
        if problems:
            found[rule.rule_id] = problems
    assert found == {}
    t_low = _rule("T-LOW-1")
    assert "{remeasure_minutes} minutes" in t_low.patient_message_en_gb
    assert t_low.clinician_summary_en_gb == "Reading {low_c} °C to below {high_c} °C."
    # A fresh install's history of a seeded rule: one row, its creation by the migration.
    seeded = list(t_low.history.all())
    assert [(h.history_type, h.history_change_reason) for h in seeded] == [
        ("+", "Seeded by the initial migration")
    ]


def test_a_rollback_to_words_with_numbers_typed_in_writes_them_as_placeholders(dana, erik):
    """A version saved before the placeholders came in is restored, not refused."""
    rule = fever_rule()
    rule.history.filter(version=1).update(
        patient_message_en_gb="You have a fever. Measure again in 1 hour.",
        patient_message_de="Sie haben Fieber. Messen Sie in 1 Stunde noch einmal.",
        clinician_summary_en_gb="Reading ≥38.0 °C.",
    )
    rule_draft_approve(draft=loosen_fever(dana), by=erik)
    rollback = rule_draft_rollback(rule=fever_rule(), to_version=1, by=dana, reason="Back")
    assert rollback.patient_message_en_gb == (
        "You have a fever. Measure again in {remeasure_minutes} minutes."
    )
    assert rollback.patient_message_de == (
        "Sie haben Fieber. Messen Sie in {remeasure_minutes} Minuten noch einmal."
    )
    assert rollback.clinician_summary_en_gb == "Reading ≥{threshold_c} °C."
