"""Gaps and missed doses longer than the sweep's two-week window stay one episode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.care import sweeps
from alerts.models import Alert, Episode
from patients.models import Injection, Patient
from tests.alerts.factories import make_entry


def log(patient: Patient, at) -> None:
    make_entry(patient, at)


def daily_sweeps(first, days: int) -> None:
    for day in range(days):
        sweeps.periodic_rules_sweep(now=first + timedelta(days=day))


@pytest.mark.django_db
def test_it_raises_a_month_long_gap_once_from_its_real_first_day(bob):
    start = timezone.now() - timedelta(days=60)
    Patient.objects.filter(pk=bob.pk).update(enrolled_at=start)
    log(bob, start)  # the first entry, then nothing
    daily_sweeps(start + timedelta(hours=1), 35)
    first_missed = bob.local_day(start + timedelta(days=1)).isoformat()
    assert sorted(Alert.objects.values_list("rule__rule_id", "episode_key")) == [
        ("DIARY-GAP-2", f"DIARY-GAP-2:{first_missed}"),
        ("DIARY-GAP-3", f"DIARY-GAP-3:{first_missed}"),
    ]
    gap3 = Alert.objects.get(rule__rule_id="DIARY-GAP-3")
    assert gap3.why["missed_days"][0] == first_missed


@pytest.mark.django_db
def test_it_counts_a_long_gap_from_the_last_entry_not_from_enrolment(bob):
    now = timezone.now()
    Patient.objects.filter(pk=bob.pk).update(enrolled_at=now - timedelta(days=90))
    log(bob, now - timedelta(days=20))
    sweeps.periodic_rules_sweep(now=now)
    gap3 = Alert.objects.get(rule__rule_id="DIARY-GAP-3")
    assert gap3.why["missed_days"][0] == bob.local_day(now - timedelta(days=19)).isoformat()
    assert len(gap3.why["missed_days"]) in (19, 20)  # yesterday back to the day after


@pytest.mark.django_db
def test_it_records_a_dose_missed_weeks_ago_once_and_leaves_its_episode_alone(bob):
    start = timezone.now() - timedelta(days=90)
    Patient.objects.filter(pk=bob.pk).update(enrolled_at=start - timedelta(days=10))
    Injection.objects.create(patient=bob, given_at=start, dose_number=4)
    for day in range(60):
        log(bob, start + timedelta(days=day))
    daily_sweeps(start + timedelta(days=30), 20)
    missed = Alert.objects.get(rule__rule_id="INJ-MISSED")
    episode = Episode.objects.get(pk=missed.episode_id)
    assert episode.last_alert_at == missed.fired_at
    # Weeks later, out of the window: still the one alert, no repeat insert to roll back.
    later = missed.fired_at + timedelta(days=20)
    with CaptureQueriesContext(connection) as ctx:
        sweeps.periodic_rules_sweep(now=later)
    assert Alert.objects.filter(rule__rule_id="INJ-MISSED").count() == 1
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    episode.refresh_from_db()
    assert episode.last_alert_at == missed.fired_at
