"""Through a real Celery worker on a real Redis: alerts appear, and survive a broker outage.

The worker runs in this process (celery.contrib.testing) against a private redis-server the
test starts and stops by PID. Transactional, so the worker's own connection sees commits;
serialized_rollback puts the catalogue and rules back for the tests after this one.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, Notification
from diary_site.celery_app import app
from symptoms.models import DiaryEntry
from tests.concurrency import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(client, **data):
    post = {"client_key": str(uuid.uuid4()), "unit": "C", **data}
    started = time.monotonic()
    response = client.post(reverse("symptoms:today"), post)
    return response, time.monotonic() - started


def test_alerts_arrive_through_the_worker_and_survive_a_broker_outage(
    client, bob, alice, private_redis, tmp_path
):
    client.force_login(bob.user)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response, _ = submit(client, temperature="38.4", s_chills="2")
        assert response.status_code == 302
        first = DiaryEntry.objects.get(patient=bob)
        assert wait_for(lambda: Alert.objects.filter(entry=first, team_alert=True).exists())
        assert set(Alert.objects.filter(entry=first).values_list("rule__rule_id", flat=True)) == {
            "INF-FLU",
            "T-FEV-1",
        }
        assert Notification.objects.filter(alert__entry=first, recipient=alice).exists()

        # Redis goes away: the entry still saves at once and the patient sees the prompt.
        private_redis.stop()
        response, took = submit(client, temperature="39.1", s_might_die="on")
        assert response.status_code == 302
        assert took < 2
        second = DiaryEntry.objects.exclude(pk=first.pk).get(patient=bob)
        prompt = client.get(response["Location"]).content.decode()
        assert "Seek medical attention now" in prompt
        time.sleep(1)
        second.refresh_from_db()
        assert second.evaluation_state == DiaryEntry.EvaluationState.PENDING

        # Redis is back: beat's sweep re-drives the entry through the worker.
        private_redis.restart()
        DiaryEntry.objects.filter(pk=second.pk).update(
            created_at=timezone.now() - timedelta(minutes=2)
        )
        from alerts.tasks import sweep_pending_entries

        assert wait_for(lambda: _published(sweep_pending_entries), 30)
        assert wait_for(
            lambda: (
                DiaryEntry.objects.get(pk=second.pk).evaluation_state
                == DiaryEntry.EvaluationState.EVALUATED
            ),
            30,
        )
    fired = set(Alert.objects.filter(entry=second).values_list("rule__rule_id", flat=True))
    assert {"SEP-RF", "T-FEV-1"} <= fired
    # Exactly once, however the messages went.
    assert Alert.objects.filter(entry=second, rule__rule_id="SEP-RF").count() == 1


def _published(task) -> bool:
    try:
        task.apply_async(retry=False)
    except Exception:  # noqa: BLE001 — the broker may still be coming back
        return False
    return True
