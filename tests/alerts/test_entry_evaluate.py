"""Recording alerts: idempotent, in agreement with the prompt, true to the rule version."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertRule
from alerts.tasks import evaluate_entry
from diary_site.publisher import publish_task
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


def test_it_records_each_fired_rule_once_however_often_the_task_runs(bob):
    entry = make_entry(bob, timezone.now(), temp="38.4", symptoms={"chills": 2})
    evaluate_entry(entry.pk)
    evaluate_entry(entry.pk)
    alerts = Alert.objects.filter(entry=entry)
    assert sorted(a.rule.rule_id for a in alerts) == ["INF-FLU", "T-FEV-1"]
    assert all(a.team_alert for a in alerts)
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.EVALUATED


def test_the_prompt_and_the_task_agree(bob):
    entry = make_entry(bob, timezone.now(), temp="38.4", symptoms={"chills": 2})
    prompt = services.entry_prompt(entry)
    evaluation = services.entry_evaluate(entry.pk)
    assert prompt.level == evaluation.level == "CONTACT"
    assert prompt.key == "contact_today"
    assert sorted(r.rule_id for r in prompt.reasons) == evaluation.rule_ids
    assert prompt.remeasure_minutes == 60
    # Evaluating again (the task ran first) shows the patient the same prompt.
    assert services.entry_prompt(entry).level == "CONTACT"


@pytest.mark.parametrize(("minutes", "expected"), [(30, 30), (None, None), (60, 60)])
def test_the_prompt_and_the_form_read_the_rows_remeasure_minutes(bob, minutes, expected):
    """Bug: the admin's re-measure time was ignored by the prompt (set 30, the patient still
    read 60) while the form's re-measure tick read the row."""
    AlertRule.objects.filter(rule_id="T-FEV-1").update(remeasure_minutes=minutes)
    now = timezone.now()
    entry = make_entry(bob, now - timedelta(minutes=5), temp="38.1")
    prompt = services.entry_prompt(entry)
    assert prompt.remeasure_minutes == expected
    if expected is not None:
        assert prompt.remeasure_at == entry.recorded_at + timedelta(minutes=expected)
    services.entry_evaluate(entry.pk)
    assert services.remeasure_requested(bob, now=now) is (expected is not None)


def test_the_prompt_uses_the_rules_current_patient_message(bob):
    AlertRule.objects.filter(rule_id="T-FEV-1").update(patient_message="Edited message.")
    entry = make_entry(bob, timezone.now(), temp="38.1")
    prompt = services.entry_prompt(entry)
    assert [r.message for r in prompt.reasons] == ["Edited message."]


def test_an_alert_keeps_its_snapshot_after_the_rule_changes(bob):
    entry = make_entry(bob, timezone.now() - timedelta(hours=2), temp="38.1")
    services.entry_evaluate(entry.pk)
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    rule.params = {"threshold_c": "38.5"}
    rule.version += 1
    rule.full_clean()
    rule.save()
    alert = Alert.objects.get(entry=entry, rule=rule)
    assert alert.snapshot["params"] == {"threshold_c": "38.0"}
    assert alert.rule_version == 1
    # A new entry at 38.1 no longer fires under the new threshold.
    later = make_entry(bob, timezone.now(), temp="38.1")
    assert "T-FEV-1" not in services.entry_evaluate(later.pk).rule_ids
    assert rule.history.count() >= 2


def test_a_rule_change_at_a_lower_threshold_fires_on_a_new_entry(bob):
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    rule.params = {"threshold_c": "37.8"}
    rule.save()
    entry = make_entry(bob, timezone.now(), temp="37.8")
    assert "T-FEV-1" in services.entry_evaluate(entry.pk).rule_ids


def test_it_deduplicates_the_same_rule_within_24_hours(bob):
    now = timezone.now()
    first = make_entry(bob, now - timedelta(hours=5), temp="38.2")
    second = make_entry(bob, now, temp="38.3")
    services.entry_evaluate(first.pk)
    evaluation = services.entry_evaluate(second.pk)
    assert "T-FEV-1" in evaluation.rule_ids
    assert "T-FEV-1" not in evaluation.team_alerts
    alert = Alert.objects.get(entry=second, rule__rule_id="T-FEV-1")
    assert alert.team_alert is False
    assert alert.episode == Alert.objects.get(entry=first, rule__rule_id="T-FEV-1").episode


def test_publishing_with_redis_stopped_returns_at_once_and_leaves_the_entry_pending(
    bob, private_redis
):
    private_redis.stop()
    entry = make_entry(bob, timezone.now(), temp="38.4")
    started = time.monotonic()
    published = publish_task("alerts.tasks.evaluate_entry", entry.pk)
    assert time.monotonic() - started < 0.5
    published.result(timeout=30)
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.PENDING


def test_publishing_with_redis_up_queues_only_the_entry_id(bob, private_redis):
    import json

    import redis as redis_lib

    entry = make_entry(bob, timezone.now(), temp="38.4", note="private note")
    publish_task("alerts.tasks.evaluate_entry", entry.pk).result(timeout=10)
    client = redis_lib.Redis.from_url(private_redis.url)
    messages = client.lrange("evaluation", 0, -1)  # its own queue (settings.CELERY_TASK_ROUTES)
    assert len(messages) == 1
    message = json.loads(messages[0])
    assert message["headers"]["task"] == "alerts.tasks.evaluate_entry"
    assert message["headers"]["argsrepr"] == f"[{entry.pk}]"
    assert b"38.4" not in messages[0] and b"private note" not in messages[0]


def test_the_sweep_evaluates_entries_left_pending_and_skips_fresh_ones(bob):
    now = timezone.now()
    old = make_entry(bob, now - timedelta(minutes=5), temp="38.4")
    DiaryEntry.objects.filter(pk=old.pk).update(created_at=now - timedelta(minutes=5))
    fresh = make_entry(bob, now, temp="38.4")
    assert services.pending_entries_sweep(now=now) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.evaluation_state == DiaryEntry.EvaluationState.EVALUATED
    assert fresh.evaluation_state == DiaryEntry.EvaluationState.PENDING
    assert Alert.objects.filter(entry=old).exists()
    assert services.pending_entries_sweep(now=now) == 0


def test_it_asks_for_a_remeasure_after_a_raised_reading(bob):
    now = timezone.now()
    entry = make_entry(bob, now - timedelta(minutes=50), temp="37.6")
    assert services.remeasure_requested(bob, now=now) is False
    services.entry_evaluate(entry.pk)
    assert services.remeasure_requested(bob, now=now) is True
    assert services.remeasure_requested(bob, now=now + timedelta(hours=7)) is False


def test_the_periodic_sweep_opens_one_gap_alert_per_gap(bob):
    now = timezone.now()
    bob.enrolled_at = now - timedelta(days=10)
    bob.save()
    make_entry(bob, now - timedelta(days=5), temp="36.8")
    services.periodic_rules_sweep(now=now)
    services.periodic_rules_sweep(now=now + timedelta(minutes=1))
    gap3 = Alert.objects.filter(patient=bob, rule__rule_id="DIARY-GAP-3")
    assert gap3.count() == 1
    assert gap3.get().team_alert is True


def test_evaluating_an_entry_takes_the_same_statements_for_one_alert_or_several(bob, dave, alice):
    """The task's cost does not grow with the rules an entry fires (bench: alert latency)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    counts = []
    several = {"chills": 3, "cough": 3, "breathless": 3, "dysuria": 3}
    # Two patients with no history, so the reads are the same and only the writes differ.
    for patient, fields in (
        (bob, {"temp": "38.4", "symptoms": {"headache": 1}}),
        (dave, {"temp": "39.6", "symptoms": several}),
    ):
        entry = make_entry(patient, now, **fields)
        with CaptureQueriesContext(connection) as ctx:
            services.entry_evaluate(entry.pk, now=now)
        counts.append((Alert.objects.filter(entry=entry, team_alert=True).count(), len(ctx)))
    (few, few_statements), (many, many_statements) = counts
    assert few == 1 and many >= 3
    assert few_statements == many_statements
    # 20 (the rules and the engine windows), the team's quiets, who owns the patient,
    # and the savepoints
    assert many_statements <= 24
