"""The what-if replays the clinic's real entries with a draft and the live rules, writing
nothing, and agrees with evaluating the same entries one by one through the real task."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.authoring.drafts import rule_draft_create
from alerts.authoring.whatif import rule_draft_try
from alerts.care.recording import entry_evaluate
from alerts.models import Alert, AlertRule, Episode
from patients.models import Injection, Patient
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
# A week of readings around the fever line, with the odd cough and chills.
TEMPS = ["37.6", "37.9", "38.1", "37.2", "38.4", "36.8", "37.85"]
SYMPTOMS = [{}, {"cough": 1}, {}, {"chills": 2}, {}, {}, {"cough": 2}]


@pytest.fixture
def clinic(bob, dave, team_b):
    erica = Patient.objects.create(
        user=make_user("erica"), team=team_b, timezone="Europe/London", er_low_ig=True
    )
    Injection.objects.create(patient=bob, given_at=NOW - timedelta(days=9), dose_number=1)
    return [bob, dave, erica]


def seed(patients, days: int) -> None:
    for offset, patient in enumerate(patients):
        for day in range(days):
            i = day + offset
            at = NOW - timedelta(days=day, hours=offset + 1)
            temp = TEMPS[i % len(TEMPS)]
            make_entry(
                patient, at, temp=temp if temp != "37.85" else "37.8", symptoms=SYMPTOMS[i % 7]
            )


class _Rollback(Exception):
    pass


def one_by_one(threshold: str) -> dict:
    """Expected counts: each entry evaluated in turn by the real task (entry_evaluate) with
    T-FEV-1 at `threshold`, then everything rolled back."""
    found = {}
    try:
        with transaction.atomic():
            Alert.objects.all().delete()
            Episode.objects.all().delete()
            AlertRule.objects.filter(rule_id="T-FEV-1").update(params={"threshold_c": threshold})
            for entry in DiaryEntry.objects.order_by("recorded_at", "pk"):
                entry_evaluate(entry.pk, now=NOW)
            alerts = list(Alert.objects.select_related("rule", "patient"))
            found["levels"] = Counter(a.level for a in alerts)
            found["team"] = Counter(a.level for a in alerts if a.team_alert)
            found["rules"] = Counter(a.rule.rule_id for a in alerts)
            found["fired"] = {(a.patient.reference, a.entry_id, a.rule.rule_id) for a in alerts}
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_it_gives_the_same_counts_as_evaluating_the_entries_one_by_one(clinic, dana):
    seed(clinic, days=12)
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="try",
        proposed={"params": {"threshold_c": "37.8"}},
    )
    live, new = one_by_one("38.0"), one_by_one("37.8")
    alerts_before = Alert.objects.count()

    result = rule_draft_try(draft=draft, days=90, now=NOW)

    assert Alert.objects.count() == alerts_before  # nothing written
    assert result.entries == DiaryEntry.objects.count() == 36
    assert result.live.firings_by_level == live["levels"]
    assert result.draft.firings_by_level == new["levels"]
    assert result.live.team_alerts_by_level == live["team"]
    assert result.draft.team_alerts_by_level == new["team"]
    assert result.live.firings_by_rule == live["rules"]
    assert result.draft.firings_by_rule == new["rules"]
    assert result.draft.firings_by_rule["T-FEV-1"] > result.live.firings_by_rule["T-FEV-1"]
    gained = {ref for ref, _entry, _rule in new["fired"] - live["fired"]}
    lost = {ref for ref, _entry, _rule in live["fired"] - new["fired"]}
    assert {ref for _team, ref in result.gained} == gained and gained
    assert {ref for _team, ref in result.lost} == lost
    assert {team for team, _ref in result.gained} <= {"Team A", "Team B"}
    assert all(e.reference in gained for e in result.gained_examples)


def count_queries(draft) -> int:
    with CaptureQueriesContext(connection) as queries:
        rule_draft_try(draft=draft, days=90, now=NOW)
    return len(queries)


def test_its_query_count_does_not_grow_with_the_number_of_entries(clinic, dana):
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="try",
        proposed={"params": {"threshold_c": "37.8"}},
    )
    seed(clinic, days=2)
    few = count_queries(draft)
    seed(clinic[:2], days=10)  # many more entries, on more days
    assert DiaryEntry.objects.count() > 20
    assert count_queries(draft) == few


def test_it_counts_only_the_days_asked_for(clinic, dana):
    seed(clinic[:1], days=10)
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="try",
        proposed={"active": False},
    )
    result = rule_draft_try(draft=draft, days=3, now=NOW)
    assert result.entries == 3
    assert result.draft.firings_by_rule["T-FEV-1"] == 0


def test_the_command_prints_the_difference(clinic, dana):
    seed(clinic, days=7)
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="try",
        proposed={"params": {"threshold_c": "37.8"}},
    )
    out = StringIO()
    call_command("try_rules", str(draft.pk), "--days", "90", stdout=out)
    text = out.getvalue()
    assert f"Draft {draft.pk} of T-FEV-1" in text and "21 entries" in text
    assert "T-FEV-1" in text and "Patients who would gain an alert" in text


@pytest.mark.parametrize(
    ("args", "message"), [(["999"], "no draft 999"), (["1", "--days", "0"], "--days")]
)
def test_the_command_refuses_bad_input_clearly(db, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("try_rules", *args)


def test_the_admin_runs_it_as_a_task_with_progress_and_the_result_in_a_row(client, clinic, dana):
    from alerts.models import WhatIfRun
    from alerts.tasks import try_rule_draft

    seed(clinic, days=5)
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    draft = rule_draft_create(
        rule=rule, by=dana, reason="try", proposed={"params": {"threshold_c": "37.8"}}
    )
    client.force_login(dana)
    review = client.get(f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/")
    assert "Try this draft on the last" in review.content.decode()
    queued = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/try/", {"days": "30"}
    )
    run = WhatIfRun.objects.get()
    assert queued["Location"].endswith(f"/try/{run.pk}/")
    waiting = client.get(queued["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting

    try_rule_draft(run.pk)  # the task, given the row's id only
    try_rule_draft(run.pk)  # redelivered: claimed already, nothing runs twice
    run.refresh_from_db()
    assert run.status == WhatIfRun.Status.DONE and run.done == run.total == 15
    expected = rule_draft_try(draft=draft, days=30)
    assert run.result == expected.as_json()
    page = client.get(queued["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and "Nothing was written" in page
    assert 'id="whatif-levels"' in page and "T-FEV-1" in page
    # Who would gain an alert, as the administrator knows them, and when, in her zone.
    assert run.result["gained"], "the draft must gain alerts for this test to mean anything"
    names = {p.display_name for p in clinic if p.reference in page}
    assert names and all(name in page for name in names)
    assert " UTC)" not in page and "entry of " in page
    # Each level that changes is explained in words, not only as two columns of counts.
    assert 'id="whatif-explained"' in page and "alerts with the live rules" in page


@pytest.mark.parametrize("days", ["0", "400", "many"])
def test_the_admin_refuses_a_bad_number_of_days(client, clinic, dana, days):
    from alerts.models import WhatIfRun

    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    draft = rule_draft_create(rule=rule, by=dana, reason="try", proposed={"active": False})
    client.force_login(dana)
    response = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/try/", {"days": days}, follow=True
    )
    assert response.status_code == 200 and "from 1 to 366" in response.content.decode()
    assert not WhatIfRun.objects.exists()


def test_its_batched_reads_give_each_entry_as_the_task_reads_it(clinic):
    """plain_entries (the what-if's three streams) and _entry_input (the task's read of one
    entry) agree, readings, symptoms, red flags and vitals included, in each patient's order."""
    from alerts.care.evaluation import ENTRY_PARTS, _entry_input, plain_entries

    seed(clinic, days=4)
    bob = clinic[0]
    make_entry(bob, NOW - timedelta(minutes=5), temp="101.3", unit="F", red_flags=("wheeze",))
    make_entry(
        bob, NOW - timedelta(minutes=3), symptoms={"cough": 3}, vitals={"heart_rate": (121, True)}
    )
    make_entry(bob, NOW - timedelta(minutes=1))  # nothing but the entry itself
    entries = DiaryEntry.objects.all()
    expected = [
        (e.patient_id, _entry_input(e))
        for e in entries.prefetch_related(*ENTRY_PARTS).order_by("patient_id", "recorded_at", "pk")
    ]
    for batch in (1, 4, 500):
        got = [pair for chunk in plain_entries(entries, batch=batch) for pair in chunk]
        assert got == expected
        assert repr(got) == repr(expected)  # the same types and zones (times read as integers)
    assert {e.red_flags for _p, e in got} >= {frozenset({"wheeze"})}
    assert any(e.vitals for _p, e in got) and any(not e.temperatures for _p, e in got)


def test_a_run_whose_message_was_lost_is_sent_again_and_an_interrupted_one_fails(
    client, clinic, dana, monkeypatch, django_capture_on_commit_callbacks
):
    """Redis restarted before a worker took the run, or the worker died mid-run: the beat
    sweep publishes a queued run again (a second message is harmless), gives up on one no
    worker took within the hour, and marks a run stuck past the task's time limit failed,
    so its page stops waiting and says what to do."""
    from alerts.authoring.whatif import RUN_TASK, whatif_run_request
    from alerts.models import WhatIfRun
    from alerts.tasks import recover_whatif_runs, try_rule_draft

    published = []
    monkeypatch.setattr(
        "diary_core.publisher.publish_task", lambda name, *args: published.append((name, args))
    )
    seed(clinic, days=3)
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    draft = rule_draft_create(
        rule=rule, by=dana, reason="try", proposed={"params": {"threshold_c": "37.8"}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        lost = whatif_run_request(draft=draft, days=30, by=dana)
        fresh = whatif_run_request(draft=draft, days=30, by=dana)
        forgotten = whatif_run_request(draft=draft, days=30, by=dana)
        stuck = whatif_run_request(draft=draft, days=30, by=dana)
    published.clear()  # those messages were lost
    now = timezone.now()
    WhatIfRun.objects.filter(pk=lost.pk).update(
        created_at=now - timedelta(minutes=3), published_at=now - timedelta(minutes=3)
    )
    WhatIfRun.objects.filter(pk=forgotten.pk).update(created_at=now - timedelta(hours=2))
    WhatIfRun.objects.filter(pk=stuck.pk).update(
        status=WhatIfRun.Status.RUNNING, started_at=now - timedelta(minutes=15)
    )
    # Claimed before started_at was recorded (a worker of the previous release).
    older = whatif_run_request(draft=draft, days=30, by=dana)
    WhatIfRun.objects.filter(pk=older.pk).update(
        status=WhatIfRun.Status.RUNNING, created_at=now - timedelta(minutes=20)
    )

    with django_capture_on_commit_callbacks(execute=True):
        recover_whatif_runs()
    assert published == [(RUN_TASK, (lost.pk,))]  # not the fresh one: its task may yet come
    status = dict(WhatIfRun.objects.values_list("pk", "status"))
    assert status[forgotten.pk] == status[stuck.pk] == status[older.pk] == "failed"
    assert status[lost.pk] == status[fresh.pk] == WhatIfRun.Status.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        recover_whatif_runs()  # a minute later: not sent again so soon (a busy queue)
    assert published == [(RUN_TASK, (lost.pk,))]

    try_rule_draft(lost.pk)  # the message sent again reaches a worker
    lost.refresh_from_db()
    assert lost.status == WhatIfRun.Status.DONE and lost.started_at is not None

    # A run marked interrupted whose worker was alive after all does not come back as done.
    from alerts.authoring.whatif import whatif_run_execute

    late = whatif_run_request(draft=draft, days=30, by=dana)

    def interrupted_meanwhile(done, total):
        WhatIfRun.objects.filter(pk=late.pk).update(status=WhatIfRun.Status.FAILED)

    monkeypatch.setattr(
        "alerts.authoring.whatif.rule_draft_try",
        lambda **kw: rule_draft_try(**{**kw, "progress": interrupted_meanwhile}),
    )
    whatif_run_execute(late.pk)
    late.refresh_from_db()
    assert late.status == WhatIfRun.Status.FAILED and late.result is None

    client.force_login(dana)
    base = f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/try"
    page = client.get(f"{base}/{stuck.pk}/").content.decode()
    assert "stopped before it finished" in page and 'http-equiv="refresh"' not in page
    page = client.get(f"{base}/{forgotten.pk}/").content.decode()
    assert "No worker took this run within an hour" in page


def test_the_what_if_names_patients_only_for_someone_who_may_read_them(bob):
    from alerts.authoring.admin import _run_people

    result = {"gained": [{"team": "Team A", "reference": bob.reference}]}
    assert _run_people(result, named=True)["gained_people"][0]["name"] == bob.display_name
    anonymous = _run_people(result, named=False)["gained_people"][0]
    assert anonymous["name"] == "" and anonymous["reference"] == bob.reference
