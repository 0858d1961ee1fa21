"""The periodic sweep over 10,000 patients runs a bounded number of queries."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.care import evaluation, sweeps
from alerts.models import Alert
from diary_core.instants import EpochMicroseconds, instant
from patients.models import Patient, User
from symptoms.models import DiaryEntry


def make_patients(team, n: int, now) -> list[Patient]:
    users = User.objects.bulk_create(
        User(username=f"p{i}", password="!")
        for i in range(n)  # unusable password
    )
    patients = Patient.objects.bulk_create(
        Patient(user=u, team=team, enrolled_at=now - timedelta(days=3), reference=f"S-{i:07d}")
        for i, u in enumerate(users)
    )
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            patient=p,
            recorded_at=now - timedelta(days=d, minutes=5),
            local_day=p.local_day(now - timedelta(days=d, minutes=5)),
        )
        for p in patients
        for d in (0, 1, 2)
    )
    return patients


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1_000, 10_000])
def test_sweep_queries_grow_with_batches_not_patients(team_a, n):
    now = timezone.now()
    make_patients(team_a, n, now)
    batch = 1_000
    with CaptureQueriesContext(connection) as ctx:
        assert sweeps.periodic_rules_sweep(now=now, batch=batch) == n
    batches = math.ceil(n / batch)
    # Per batch: the patients, four reads (entries, alerts, injections, the team's
    # quiets), and the savepoint pair the test transaction adds; plus the rule
    # configuration once.
    assert len(ctx.captured_queries) <= 7 * batches + 4
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_batched_sweep_finds_the_one_patient_who_stopped(team_a):
    now = timezone.now()
    patients = make_patients(team_a, 50, now)
    quiet = patients[17]
    DiaryEntry.objects.filter(patient=quiet).delete()
    DiaryEntry.objects.create(
        patient=quiet,
        recorded_at=now - timedelta(days=4),
        local_day=quiet.local_day(now - timedelta(days=4)),
    )
    Patient.objects.filter(pk=quiet.pk).update(enrolled_at=now - timedelta(days=10))
    sweeps.periodic_rules_sweep(now=now, batch=7)
    fired = Alert.objects.values_list("patient_id", "rule__rule_id")
    assert sorted(fired) == [(quiet.pk, "DIARY-GAP-2"), (quiet.pk, "DIARY-GAP-3")]
    sweeps.periodic_rules_sweep(now=now, batch=7)
    assert Alert.objects.count() == 2  # idempotent


@pytest.mark.django_db
def test_it_reads_timestamps_as_exact_microseconds(bob):
    """The sweep's integer timestamps name the same instant, to the microsecond."""
    instants = [
        datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC),  # the last µs before BST
        datetime(2026, 3, 29, 1, 0, 0, 0, tzinfo=UTC),  # whole second, no fraction stored
        datetime(2026, 10, 25, 1, 30, 0, 1, tzinfo=UTC),  # inside the repeated hour
        datetime(2000, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC),  # the earliest time kept
        datetime(2099, 1, 1, 12, 0, 0, 123_456, tzinfo=UTC),
    ]
    for at in instants:
        DiaryEntry.objects.create(patient=bob, recorded_at=at, local_day=bob.local_day(at))
    read = DiaryEntry.objects.order_by("recorded_at").values_list(
        "recorded_at", EpochMicroseconds("recorded_at")
    )
    assert [(at, instant(us)) for at, us in read] == [(at, at) for at in sorted(instants)]
    assert instant(None) is None


@pytest.mark.django_db
def test_it_sees_each_patient_as_the_entry_evaluator_does(team_a, monkeypatch):
    """The sweep reads plain values; the profile it builds equals the model's own."""
    now = timezone.now()
    patients = make_patients(team_a, 4, now)
    Patient.objects.filter(pk=patients[1].pk).update(
        er_low_ig=True, er_cytopenia=True, timezone="America/New_York"
    )
    Patient.objects.filter(pk=patients[2].pk).update(hbv_risk=True, er_immunosuppressant=True)
    Patient.objects.filter(pk=patients[3].pk).update(
        er_recurrent_infection=True, enrolled_at=now - timedelta(days=40, microseconds=7)
    )
    seen = []
    evaluate = sweeps.rules.evaluate_sweep
    monkeypatch.setattr(
        sweeps.rules, "evaluate_sweep", lambda inp: seen.append(inp.profile) or evaluate(inp)
    )
    sweeps.periodic_rules_sweep(now=now, batch=3)
    expected = [evaluation._profile(p) for p in Patient.objects.order_by("pk")]
    assert seen == expected
    assert {p.elevated_risk for p in expected} == {
        frozenset(),
        frozenset({"low_ig", "cytopenia"}),
        frozenset({"immunosuppressant"}),
        frozenset({"recurrent_infection"}),
    }


@pytest.mark.django_db
def test_a_patient_removed_during_the_sweep_does_not_stop_it(team_a, monkeypatch):
    """Patients are read as values first; one gone by the time its alerts are written is
    skipped, and everyone else's alerts are still recorded."""
    now = timezone.now()
    patients = make_patients(team_a, 3, now)
    quiet = patients[:2]
    DiaryEntry.objects.filter(patient__in=quiet).delete()
    Patient.objects.filter(pk__in=[p.pk for p in quiet]).update(
        enrolled_at=now - timedelta(days=10)
    )
    evaluate = sweeps.rules.evaluate_sweep

    def removing(inp):
        Patient.objects.filter(pk=quiet[0].pk).delete()
        return evaluate(inp)

    monkeypatch.setattr(sweeps.rules, "evaluate_sweep", removing)
    assert sweeps.periodic_rules_sweep(now=now) == 3
    fired = sorted(Alert.objects.values_list("patient_id", "rule__rule_id"))
    assert fired == [(quiet[1].pk, "DIARY-GAP-2"), (quiet[1].pk, "DIARY-GAP-3")]
