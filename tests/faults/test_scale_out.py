"""Scale-out: two Celery worker processes on one Redis evaluate each entry exactly once.

Thirty patients submit a fever through the real view while two workers run; every entry is
then published a second time (a redelivery), and a third worker is started on the
notification queue only, as docs/scaling.md describes.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Count

from alerts.models import Alert, Notification
from alerts.tasks import evaluate_entry
from patients.models import Patient
from symptoms.models import DiaryEntry
from tests.conftest import make_user
from tests.faults.test_faults import celery_worker, evaluated, submit, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_workers_evaluate_each_entry_once(client, team_a, alice, private_redis, tmp_path):
    patients = [
        Patient.objects.create(user=make_user(f"p{i:02d}"), team=team_a, timezone="Europe/London")
        for i in range(30)
    ]
    with (
        celery_worker(private_redis.url, tmp_path),
        celery_worker(private_redis.url, tmp_path),
        celery_worker(private_redis.url, tmp_path, queues="notification"),
    ):
        for patient in patients:
            client.force_login(patient.user)
            response, _ = submit(client, temperature="38.4", s_chills="2")
            assert response.status_code == 302
        ids = list(DiaryEntry.objects.values_list("pk", flat=True))
        for entry_id in ids:
            evaluate_entry.apply_async(args=[entry_id])  # every entry delivered twice
        assert wait_for(lambda: evaluated(ids), 60)
        team_alerts = Alert.objects.filter(team_alert=True)
        assert wait_for(
            lambda: Notification.objects.filter(status="sent").count() == 2 * len(ids),
            60,
        )

    assert len(ids) == 30
    # Each entry: exactly its two rules, once each; never a duplicate alert.
    per_entry_rule = Alert.objects.values("entry", "rule").annotate(n=Count("pk"))
    assert {row["n"] for row in per_entry_rule} == {1}
    assert Alert.objects.filter(rule__rule_id="T-FEV-1").count() == 30
    # Alice: one in-app and one e-mail notice per entry (its lead alert), never twice.
    per_alert = Notification.objects.values("alert", "recipient", "channel", "step").annotate(
        n=Count("pk")
    )
    assert {row["n"] for row in per_alert} == {1}
    assert Notification.objects.filter(recipient=alice).count() == 2 * len(ids)
    assert team_alerts.count() == 2 * len(ids)  # each entry's two rules, in one message

    # Both evaluation workers took a share, and the notification-only worker sent notices.
    logs = [p.read_text() for p in tmp_path.glob("worker-*.log")]
    general = [log for log in logs if ".> evaluation" in log]  # the banner lists its queues
    [notifier] = [log for log in logs if ".> evaluation" not in log]
    done = [len(re.findall(r"evaluate_entry\[[^\]]+\] succeeded", log)) for log in general]
    assert len(done) == 2 and min(done) > 0, done
    assert sum(done) == 60  # 30 entries, each delivered twice: the second finds it done
    assert not re.search(r"evaluate_entry\[", notifier)  # the banner lists tasks; none ran
    assert re.search(r"send_due_notifications\[[^\]]+\] succeeded", notifier)
