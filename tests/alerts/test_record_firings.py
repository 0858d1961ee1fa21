"""Recording fired rules in bulk: fixed statement counts, idempotence, races, episodes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import rules
from alerts.care import firings
from alerts.models import Alert, Concern, Episode, EscalationStep, Level, Notification
from alerts.ruleset import loading
from patients.models import Patient, User

pytestmark = pytest.mark.django_db


def patients_of(team, n: int, prefix: str = "r") -> list[Patient]:
    users = User.objects.bulk_create(User(username=f"{prefix}{i}", password="!") for i in range(n))
    return Patient.objects.bulk_create(
        Patient(user=u, team=team, reference=f"{prefix}-{i:05d}") for i, u in enumerate(users)
    )


def gap(patient, *, day: str, rule_id: str = "DIARY-GAP-3", level: str = Level.CONTACT, at=None):
    return firings.NewFiring(
        patient=patient,
        entry=None,
        firing=rules.Firing(rule_id=rule_id, level=level, episode_key=f"{rule_id}:{day}", why={}),
        team_alert=level in (Level.CONTACT, Level.URGENT),
        at=at or timezone.now(),
    )


def statements(team, n: int, *, concerns: bool = False) -> int:
    prefix = f"{'c' if concerns else 's'}{n}-"
    items = [gap(p, day="2026-11-25") for p in patients_of(team, n, prefix=prefix)]
    rows = loading.rule_rows()
    with CaptureQueriesContext(connection) as ctx:
        if concerns:
            made = firings.firings_record(items, rows=rows, now=timezone.now())
        else:
            made = firings.record_firings(items, rows=rows)
    assert len(made) == n
    return len(ctx.captured_queries)


def test_recording_one_or_two_hundred_alerts_takes_the_same_statements(team_a, alice):
    one = statements(team_a, 1)
    many = statements(team_a, 200)
    assert one == many
    # Episodes: read, insert, read again; alerts: savepoint, insert, history, release.
    assert many <= 8


def test_opening_concerns_for_one_or_two_hundred_patients_takes_the_same_statements(team_a, alice):
    """The sweep's busy tick after midnight: hundreds of patients with a new DIARY-GAP-3
    each get a concern, its event, its first reminder and its messages, in bulk."""
    one = statements(team_a, 1, concerns=True)
    many = statements(team_a, 200, concerns=True)
    assert one == many
    assert Concern.objects.filter(status="open").count() == 201
    # +3 of them read the team's chosen channels and quiet hours (reach.choices).
    assert many - statements(team_a, 1) <= 12


def test_it_writes_the_history_concerns_and_first_messages_of_every_new_alert(team_a, alice, erin):
    patients = patients_of(team_a, 3)
    firings.firings_record(
        [gap(p, day="2026-11-25") for p in patients], rows=loading.rule_rows(), now=timezone.now()
    )
    assert Alert.history.filter(history_type="+").count() == 3
    assert Concern.objects.filter(status="open").count() == 3
    # The primary on both channels; the backup only when nobody acknowledges in time.
    assert sorted(Notification.objects.values_list("recipient__username", "channel", "kind")) == [
        ("alice", channel, "opened") for channel in ("email", "in_app") for _ in range(3)
    ]
    assert EscalationStep.objects.filter(step=1, processed_at__isnull=True).count() == 3


def test_recording_the_same_firings_again_records_nothing(team_a, alice):
    patients = patients_of(team_a, 4)
    items = [gap(p, day="2026-11-25") for p in patients]
    rows = loading.rule_rows()
    assert len(firings.record_firings(items, rows=rows)) == 4
    assert firings.record_firings(items, rows=rows) == []
    # The same firing twice in one batch is one alert.
    assert firings.record_firings([gap(patients[0], day="2026-11-26")] * 2, rows=rows) != []
    assert Alert.objects.count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_writer_between_read_and_insert_falls_back_row_by_row(
    team_a, alice, monkeypatch
):
    """Another worker commits one of the alerts after our read: no duplicate, no error."""
    patients = patients_of(team_a, 3)
    now = timezone.now()
    items = [gap(p, day="2026-11-25", at=now) for p in patients]
    rows = loading.rule_rows()
    # The episodes exist already (an earlier alert), so neither writer waits on the other's.
    Episode.objects.bulk_create(
        Episode(
            patient=p,
            key="DIARY-GAP-3:2026-11-25",
            opened_at=now,
            last_alert_at=now,
            highest_level=Level.CONTACT,
        )
        for p in patients
    )
    real = firings.bulk_create_with_history

    def other_worker() -> None:
        try:
            with transaction.atomic():
                firings._record_firing(items[1], rows=rows, engine={})
        finally:
            connections.close_all()

    def racing(objs, model):
        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join()
        return real(objs, model)

    monkeypatch.setattr(firings, "bulk_create_with_history", racing)
    with transaction.atomic():
        made = firings.record_firings(items, rows=rows)
    assert sorted(a.patient_id for a in made) == [patients[0].pk, patients[2].pk]
    assert Alert.objects.count() == 3
    assert Alert.objects.filter(patient=patients[1]).count() == 1


def fever(bob, rule_id: str, level: str, at) -> firings.NewFiring:
    return firings.NewFiring(
        patient=bob,
        entry=None,
        team_alert=level in (Level.CONTACT, Level.URGENT),
        at=at,
        firing=rules.Firing(rule_id=rule_id, level=level, episode_key="fever:1", why={}),
    )


def test_an_episode_keeps_its_highest_level_and_latest_time(team_a, bob):
    now = timezone.now()
    rows = loading.rule_rows()
    firings.record_firings(
        [fever(bob, "T-FEV-1", Level.CONTACT, now - timedelta(hours=2))], rows=rows
    )
    episode = Episode.objects.get(patient=bob, key="fever:1")
    assert (episode.highest_level, episode.opened_at) == (Level.CONTACT, now - timedelta(hours=2))
    # Higher and later: both move up.
    firings.record_firings([fever(bob, "T-FEV-ER-2", Level.URGENT, now)], rows=rows)
    episode.refresh_from_db()
    assert (episode.highest_level, episode.last_alert_at) == (Level.URGENT, now)
    # Lower and earlier (an old entry re-driven by the sweep): nothing moves down.
    firings.record_firings(
        [fever(bob, "T-LOW-1", Level.WATCH, now - timedelta(hours=1))], rows=rows
    )
    episode.refresh_from_db()
    assert (episode.highest_level, episode.last_alert_at) == (Level.URGENT, now)
    assert episode.opened_at == now - timedelta(hours=2)
    assert Episode.objects.filter(patient=bob).count() == 1
    assert Alert.objects.filter(episode=episode).count() == 3


def test_a_repeat_of_a_recorded_alert_never_moves_its_episode(team_a, bob):
    """Only a new alert moves its episode, on the bulk path and on the row-by-row one."""
    start = timezone.now() - timedelta(days=30)
    rows = loading.rule_rows()
    assert firings.record_firings([gap(bob, day="2026-10-01", at=start)], rows=rows)
    later = start + timedelta(days=20)
    # Alone (the bulk insert fails and the batch goes row by row) and with a new alert
    # for another patient in the same batch.
    (other,) = patients_of(team_a, 1)
    repeat = gap(bob, day="2026-10-01", rule_id="DIARY-GAP-3", level=Level.URGENT, at=later)
    assert firings.record_firings([repeat], rows=rows) == []
    made = firings.record_firings([repeat, gap(other, day="2026-10-20", at=later)], rows=rows)
    assert [a.patient_id for a in made] == [other.pk]
    episode = Episode.objects.get(patient=bob, key="DIARY-GAP-3:2026-10-01")
    assert (episode.last_alert_at, episode.highest_level) == (start, Level.CONTACT)


def test_opening_in_bulk_records_what_opening_one_by_one_records(team_a, alice):
    """The sweep's bulk path and concern_apply must leave the same concern behind."""
    from alerts.care.concerns import concern_apply

    bulk_patient, single_patient = patients_of(team_a, 2, prefix="eq")
    now = timezone.now()
    rows = loading.rule_rows()
    firings.firings_record([gap(bulk_patient, day="2026-11-25", at=now)], rows=rows, now=now)
    made = firings.record_firings([gap(single_patient, day="2026-11-25", at=now)], rows=rows)
    concern_apply(patient=single_patient, alerts=made, now=now)

    def record(patient):
        concern = Concern.objects.get(patient=patient)
        fields = (
            "status", "level", "advice_level", "opened_at", "level_since", "waiting_since",
            "due_at", "acknowledged_at", "owner_id", "reached",
        )  # fmt: skip
        return (
            {f: getattr(concern, f) for f in fields},
            concern.lead.rule.rule_id,
            concern.advice_lead_id is None,
            list(concern.events.values_list("kind", "level", "detail")),
            list(EscalationStep.objects.filter(concern=concern).values_list("step", "due_at")),
            sorted(
                Notification.objects.filter(concern=concern).values_list(
                    "recipient_id", "channel", "kind", "status"
                )
            ),
        )

    assert record(bulk_patient) == record(single_patient)
