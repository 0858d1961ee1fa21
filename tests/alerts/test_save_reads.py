"""A new entry's Save reads its evaluator's input in one query, before writing the entry
(alerts.care.evaluation.save_reads); the sweep and an edit read it from the saved rows
(evaluation_input). The two must give the same input, or a Save and a later look at the
same entry would disagree. Every Save below is checked against the saved rows."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from datetime import UTC, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from alerts import rules
from alerts.care.concerns import lock_patient
from alerts.care.evaluation import evaluation_input, load_entry, save_reads
from alerts.care.models import Alert, Quieting
from alerts.ruleset.models import AlertRule
from patients.models import Injection, Patient
from symptoms.models import DiaryEntry
from symptoms.services import EntryData, Reading
from tests.alerts.factories import make_entry, submit_entry
from tests.concurrency import wait_for
from tests.rows import assert_same_row

pytestmark = pytest.mark.django_db


@contextmanager
def evaluated():
    """The inputs the Save handed to the evaluator."""
    seen = []
    real = rules.evaluate

    def spy(inputs):
        seen.append(inputs)
        return real(inputs)

    with mock.patch("alerts.care.recording.rules.evaluate", side_effect=spy):
        yield seen


def save(patient, at, **kwargs):
    """Save through the diary's path; its input equals the one read from the rows."""
    with evaluated() as seen:
        entry = submit_entry(patient, at, now=kwargs.pop("now", None), **kwargs)
    [used] = seen
    read = evaluation_input(load_entry(entry.pk), configs=used.rules)
    assert used == read
    assert repr(used) == repr(read)  # the same types and zones too, not only equal values
    return used


def test_a_first_entry_has_no_history(bob):
    used = save(bob, timezone.now(), temp="36.8")
    assert used.history == () and used.prior_alerts == () and used.injections == ()
    assert str(used.entry.temperatures[0].value) == "36.8"


def test_every_save_of_a_varied_month_reads_what_the_rows_say(bob, carol, alice):
    now = timezone.now().replace(microsecond=123456)
    start = now - timedelta(days=40)
    # A dose overdue all month: the pre-dose rule fires once, then its alert is older
    # than the two-week window and still counts (once per dose).
    Injection.objects.create(patient=bob, given_at=start - timedelta(days=30), dose_number=4)
    used = save(bob, start, temp="37.2", symptoms={"dysuria": 2}, now=start)
    pre_dose = Alert.objects.filter(patient=bob, rule__rule_id="INJ-DUE-INF")
    assert pre_dose.exists()
    # Twenty days on, the window is empty: "worsening" compares with the entry before it.
    later = start + timedelta(days=20)
    used = save(bob, later, temp="37.1", now=later)
    assert [e.at for e in used.history] == [start]
    assert any(a.rule_id == "INJ-DUE-INF" for a in used.prior_alerts)
    # A week of everything an entry can say, through the patient and their caregiver.
    fever = later + timedelta(days=1)
    save(bob, fever, temp="38.4", symptoms={"sore_throat": 2, "cough": 1}, now=fever)
    save(
        bob,
        fever + timedelta(hours=2),
        temp="101.3",
        unit="F",
        confirmed=True,
        caregiver=carol,
        now=fever + timedelta(hours=2),
    )
    save(
        bob,
        fever + timedelta(hours=3),
        temp="38.25",
        vitals={"heart_rate": (112, False)},
        antipyretic_6h=True,
    )
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    Quieting.objects.create(
        patient=bob,
        rule=rule,
        reason="known cause",
        starts_at=fever,
        expires_at=fever + timedelta(days=10),
        created_by=alice,
    )
    Quieting.objects.create(  # the same rule, quieted again later: listed first
        patient=bob,
        rule=rule,
        reason="agreed again",
        starts_at=fever + timedelta(hours=1),
        expires_at=fever + timedelta(days=3),
    )
    Quieting.objects.create(
        patient=bob,
        symptom_code="cough",
        reason="asthma",
        starts_at=fever,
        expires_at=fever + timedelta(days=10),
    )
    Quieting.objects.create(  # lifted before the next Save: not in force
        patient=bob,
        symptom_code="diarrhoea",
        reason="lifted",
        starts_at=fever,
        expires_at=fever + timedelta(days=10),
        lifted_at=fever + timedelta(hours=4),
    )
    Alert.objects.filter(patient=bob).update(resolved_at=fever + timedelta(hours=4))
    used = save(
        bob,
        fever + timedelta(hours=5),
        temp="38.6",
        symptoms={"cough": 2},
        red_flags=("might_die",),
        vitals={"spo2": (91, True)},
        planned_vaccine="flu",
        now=fever + timedelta(hours=5),
    )
    assert [q.reason for q in used.quiets] == ["agreed again", "known cause", "asthma"]
    assert {q.by for q in used.quiets} == {alice.get_full_name(), ""}
    assert used.prior_alerts and all(a.resolved_at for a in used.prior_alerts[:-1])
    # Typed later about earlier: only what came before it counts, however it is saved.
    used = save(bob, fever - timedelta(hours=6), temp="37.9", now=fever + timedelta(hours=6))
    assert all(e.at <= fever - timedelta(hours=6) for e in used.history)


def test_a_patient_far_from_utc_typing_local_times(bob):
    bob.timezone = "America/Los_Angeles"
    bob.save()
    local = timezone.now().astimezone(ZoneInfo("America/Los_Angeles")).replace(microsecond=0)
    save(bob, local - timedelta(days=1, hours=1), temp="37.6", now=local - timedelta(days=1))
    used = save(bob, local - timedelta(hours=2), temp="38.1", symptoms={"cough": 1})
    assert used.entry.at.tzinfo is UTC and used.history[0].at.tzinfo is UTC


def test_a_save_whose_reads_fail_keeps_the_entry_pending(bob, caplog):
    """Never lose what the patient typed: here the Save's own read cannot be turned back
    into values; the entry is saved alone and the sweep records it."""
    now = timezone.now()
    submit_entry(bob, now - timedelta(hours=1), temp="37.0")
    with mock.patch("alerts.care.evaluation._json_entry", side_effect=ValueError("a bug")):
        entry = submit_entry(bob, now, temp="38.6")
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.PENDING
    assert [str(r.value) for r in entry.temperatures.all()] == ["38.6"]
    assert "saving it alone, pending" in caplog.text
    assert evaluation_input(load_entry(entry.pk)).history  # the sweep reads it as usual


def test_a_new_entry_is_written_evaluated_with_its_outcome_or_pending_without(bob, caplog):
    """The Save writes the entry already evaluated (no second statement marks it), so an
    entry is evaluated exactly when its outcome is recorded: a failure in the outcome's
    write takes the entry's evaluated state back with it, and the sweep finds it pending."""
    from alerts.care import recording
    from alerts.care.models import EntryOutcome

    now = timezone.now()
    saved = submit_entry(bob, now - timedelta(hours=1), temp="37.0", now=now)
    saved.refresh_from_db()
    assert (saved.evaluation_state, saved.evaluated_at, saved.evaluation_attempts) == (
        DiaryEntry.EvaluationState.EVALUATED,
        now,
        1,
    )
    assert EntryOutcome.objects.filter(entry=saved, revision=0).exists()
    with mock.patch.object(
        recording.EntryOutcome.objects, "create", side_effect=RuntimeError("refused")
    ):
        failed = submit_entry(bob, now, temp="38.6", now=now)
    failed.refresh_from_db()
    assert (failed.evaluation_state, failed.evaluated_at, failed.evaluation_attempts) == (
        DiaryEntry.EvaluationState.PENDING,
        None,
        0,
    )
    assert not EntryOutcome.objects.filter(entry=failed).exists()
    assert list(DiaryEntry.objects.pending()) == [failed]  # the sweep's queryset


def test_an_entry_changed_many_times_keeps_the_sweeps_tries_for_its_last_change(bob, caplog):
    """Each recorded evaluation counts one attempt; a change starts the count again, so an
    entry saved and changed five times, whose sixth change cannot be recorded, is still
    one the sweep records (it skips entries that used up their tries)."""
    from alerts.care import recording
    from alerts.care.models import EntryOutcome

    now = timezone.now()
    entry = submit_entry(bob, now - timedelta(hours=2), temp="36.8", now=now)
    for n in range(5):
        entry = recording.entry_amend(
            entry=entry, data=EntryData(readings=(Reading(Decimal(f"36.{n}"), "C"),)), now=now
        )
    with mock.patch.object(recording, "entry_outcome_record", side_effect=RuntimeError("bug")):
        entry = recording.entry_amend(
            entry=entry, data=EntryData(readings=(Reading(Decimal("38.7"), "C"),)), now=now
        )
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.PENDING
    assert entry.evaluation_attempts == 0
    recording.pending_entries_sweep(now=now + recording.SWEEP_GRACE * 2)
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.EVALUATED
    assert EntryOutcome.objects.filter(entry=entry).count() == 7


def test_a_reading_is_evaluated_as_it_is_stored(bob):
    """Past the validation (which refuses a second decimal), as a test's factory writes."""
    used = save(bob, timezone.now(), temp="38.25")
    assert str(used.entry.temperatures[0].value) == "38.3"  # PostgreSQL rounds half up


def test_the_hourly_count_and_a_repeat_are_read_under_the_lock(bob):
    now = timezone.now()
    first = submit_entry(bob, now - timedelta(minutes=10), temp="36.8", now=now)
    older = submit_entry(bob, now - timedelta(hours=3), temp="36.8", now=now)
    DiaryEntry.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
    reads = save_reads(bob, at=now, client_key=first.client_key, hour_ago=now - timedelta(hours=1))
    assert reads.saved_last_hour == 1  # counted by when it was saved, not its time
    assert reads.repeat_of == first.pk
    other = save_reads(bob, at=now, client_key=uuid.uuid4(), hour_ago=now - timedelta(hours=1))
    assert other.repeat_of is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_that_waited_for_the_lock_reads_what_the_holder_wrote(bob):
    """The lock is a statement of its own: had the reads come with it, a Save that waited
    for another would read from before the wait, and miss the entry it waited for."""
    now = timezone.now()
    seen, failed = [], []

    def second_save():
        try:
            with evaluated() as inputs:
                submit_entry(bob, now, temp="38.3")
            seen.extend(inputs)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            failed.append(repr(error))
        finally:
            connection.close()

    with transaction.atomic():
        lock_patient(bob)
        first = make_entry(bob, now - timedelta(minutes=30), temp="38.4")
        thread = threading.Thread(target=second_save)
        thread.start()
        waited = wait_for(waiting_for_a_lock)  # the second Save waits for this one
    thread.join(30)
    assert failed == []
    assert waited
    [used] = seen
    assert [e.id for e in used.history] == [first.pk]


def test_the_lock_reads_the_patient_with_team_and_user_as_the_orm_does(
    bob, django_assert_num_queries
):
    """lock_patient runs compiled once per process (diary_core.prepared)."""
    with transaction.atomic():
        with django_assert_num_queries(1) as lock:
            locked = lock_patient(bob)
            team, user = locked.team, locked.user  # read with it
        want = Patient.objects.select_related("team", "user").get(pk=bob.pk)
    assert lock.captured_queries[0]["sql"].endswith('FOR UPDATE OF "patients_patient"')
    for one, other in ((locked, want), (team, want.team), (user, want.user)):
        assert_same_row(one, other)
        assert one._state.db == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_lock_is_refused_outside_a_transaction(bob):
    """Outside a transaction the lock would end with its statement: refused, as Django's
    select_for_update is, also once the query is compiled."""
    with transaction.atomic():
        assert lock_patient(bob).pk == bob.pk  # compiled, inside a transaction
    with pytest.raises(TransactionManagementError):
        lock_patient(bob)


def waiting_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:  # a cursor of this thread's connection
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # kept for a transaction otherwise
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_whose_after_commit_hook_fails_is_saved_once_and_says_so(bob, caplog):
    """The entry and its outcome committed; a hook after the commit raised. The Save finds
    the entry by its key, writes nothing again, and answers "created", so the patient is
    not told "already saved" about the entry they just saved."""
    from alerts.care import recording

    real = recording.entry_outcome_record

    def then_a_failing_hook(*args, **kwargs):
        outcome = real(*args, **kwargs)
        transaction.on_commit(lambda: 1 / 0)
        return outcome

    with mock.patch.object(recording, "entry_outcome_record", side_effect=then_a_failing_hook):
        entry, created = recording.entry_submit(
            patient=bob,
            entered_by=bob.user,
            data=EntryData(readings=(Reading(Decimal("38.4"), "C"),)),
        )
    assert created is True
    assert DiaryEntry.objects.filter(patient=bob).count() == 1
    entry.refresh_from_db()
    assert entry.evaluation_state == DiaryEntry.EvaluationState.EVALUATED
    assert "saving it alone, pending" in caplog.text
