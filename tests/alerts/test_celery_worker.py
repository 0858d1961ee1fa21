"""Through a real Celery worker on a real Redis: the request records everything, the worker
only delivers, and a broker outage loses nothing.

The worker runs in this process (celery.contrib.testing) against a private redis-server the
test starts and stops by PID. Transactional, so the worker's own connection sees commits;
serialized_rollback puts the catalogue and rules back for the tests after this one.
"""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from alerts.models import Alert, Concern, EntryOutcome, Notification
from diary_site.celery_app import app
from symptoms.models import DiaryEntry
from tests.concurrency import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(client, **data):
    post = {"client_key": str(uuid.uuid4()), "unit": "C", **data}
    started = time.monotonic()
    response = client.post(reverse("symptoms:today"), post)
    return response, time.monotonic() - started


def test_messages_go_out_through_the_worker_and_survive_a_broker_outage(
    client, bob, alice, private_redis, mailoutbox
):
    client.force_login(bob.user)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response, _ = submit(client, temperature="38.4", s_chills="2")
        assert response.status_code == 302
        first = DiaryEntry.objects.get(patient=bob)
        # Recorded in the request: the entry, its outcome, its alerts and the concern.
        assert first.evaluation_state == DiaryEntry.EvaluationState.EVALUATED
        assert EntryOutcome.objects.get(entry=first).level == "CONTACT"
        assert set(Alert.objects.filter(entry=first).values_list("rule__rule_id", flat=True)) == {
            "INF-FLU",
            "T-FEV-1",
        }
        # The worker delivers them.
        emails = Notification.objects.filter(recipient=alice, channel="email")
        assert wait_for(lambda: emails.filter(status="sent").count() == 1)

        # Redis goes away: the entry, its outcome, the concern's change and the messages
        # are all committed at once, and the patient reads the advice.
        private_redis.stop()
        response, took = submit(client, temperature="39.1", s_might_die="on")
        assert response.status_code == 302
        assert took < 2
        second = DiaryEntry.objects.exclude(pk=first.pk).get(patient=bob)
        assert second.evaluation_state == DiaryEntry.EvaluationState.EVALUATED
        assert EntryOutcome.objects.get(entry=second).level == "URGENT"
        assert Concern.objects.get(patient=bob).level == "URGENT"
        raised = emails.filter(kind="raised")
        assert raised.get().status == "pending"  # written, waiting for a worker
        prompt = client.get(response["Location"]).content.decode()
        assert "Seek medical attention now" in prompt

        # Redis is back: beat's minute sweep hands the waiting messages to the worker.
        private_redis.restart()
        from alerts.tasks import send_due_notifications

        assert wait_for(lambda: _published(send_due_notifications), 30)
        assert wait_for(lambda: raised.get().status == "sent", 30)
    # Exactly once, however the messages went.
    assert Alert.objects.filter(entry=second, rule__rule_id="SEP-RF").count() == 1
    assert emails.count() == 2
    assert len([m for m in mailoutbox if m.to == ["alice@example.org"]]) == 2


def _published(task) -> bool:
    try:
        task.apply_async(retry=False)
    except Exception:  # noqa: BLE001 — the broker may still be coming back
        return False
    return True
