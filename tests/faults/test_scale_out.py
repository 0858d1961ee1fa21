"""Scale-out: two Celery worker processes on one Redis deliver each message exactly once.

Thirty patients submit a fever through the real view (each recorded in its request) while
two workers and a third on the notification queue only run, as docs/scaling.md describes;
every delivery task is published twice (a redelivery).
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Count

from alerts.models import Alert, Concern, Notification
from alerts.tasks import send_due_notifications
from patients.models import Patient
from tests.conftest import make_user
from tests.faults.test_faults import celery_worker, submit, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_workers_deliver_each_message_once(client, team_a, alice, private_redis, tmp_path):
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
            send_due_notifications.apply_async()  # a second delivery of the same work
        assert wait_for(
            lambda: Notification.objects.filter(status="sent").count() == 2 * len(patients),
            60,
        )

    # Each patient: one concern with its entry's two rules; never a duplicate alert.
    assert Concern.objects.count() == 30
    per_entry_rule = Alert.objects.values("entry", "rule").annotate(n=Count("pk"))
    assert {row["n"] for row in per_entry_rule} == {1}
    assert Alert.objects.filter(team_alert=True).count() == 60
    # Alice: one in-app and one e-mail message per concern, never twice.
    per_message = Notification.objects.values("event", "recipient", "channel").annotate(
        n=Count("pk")
    )
    assert {row["n"] for row in per_message} == {1}
    assert Notification.objects.filter(recipient=alice, status="sent").count() == 60

    # The notification-only worker took a share of the deliveries.
    logs = [p.read_text() for p in tmp_path.glob("worker-*.log")]
    [notifier] = [log for log in logs if ".> evaluation" not in log]
    assert re.search(r"send_due_notifications\[[^\]]+\] succeeded", notifier)
