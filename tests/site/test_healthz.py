from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Heartbeat
from alerts.tasks import BEAT, beat_heartbeat


@pytest.mark.django_db
def test_it_answers_200_when_database_and_broker_answer(client, private_redis):
    Heartbeat.objects.create(name=BEAT, beat_at=timezone.now() - timedelta(seconds=12))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert 11 <= body["beat"]["last_beat_s"] <= 14


@pytest.mark.django_db
def test_it_answers_503_quickly_when_redis_is_stopped(client, private_redis):
    private_redis.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
    assert elapsed < 2.0


@pytest.mark.django_db
def test_it_needs_no_login_and_shows_no_health_data(client, private_redis, bob):
    response = client.get("/healthz")
    assert set(response.json()) == {"database", "broker", "beat", "checked_in_ms"}
    assert "bob" not in response.content.decode().lower()


@pytest.mark.django_db
def test_beat_heartbeat_records_the_time(client, private_redis):
    assert client.get("/healthz").json()["beat"]["last_beat_s"] is None
    beat_heartbeat()
    beat_heartbeat()
    assert Heartbeat.objects.filter(name=BEAT).count() == 1
    assert client.get("/healthz").json()["beat"]["last_beat_s"] <= 1
