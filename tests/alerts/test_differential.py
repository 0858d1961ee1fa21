"""Differential: what the request recorded for every entry of a seeded clinic equals replaying
the same entries, in order, through the pure evaluator alone (clinical-rules.md §2, §5).

The replay here is written independently of alerts/care/recording.py: plain values in, each
patient's history and earlier alerts kept in memory as the evaluator would have recorded
them. A difference means the record says something the rules did not decide.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts import rules
from alerts.care.evaluation import ENTRY_PARTS, _entry_input, _profile, recorded_alerts
from alerts.models import EntryOutcome
from alerts.ruleset.loading import rule_configs
from patients.models import Injection, Patient
from symptoms.models import DiaryEntry
from tests.alerts.factories import submit_entry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 1, 7, 0, tzinfo=LONDON)
SYMPTOMS = ["chills", "myalgia", "headache", "fatigue", "cough", "dysuria", "sore_throat"]
FLAGS = ["slurred_speech_confusion", "might_die", "seizure"]


def seed_clinic(team, patients: int = 6, days: int = 20) -> list[Patient]:
    rng = random.Random(20261206)  # noqa: S311 — reproducible on purpose
    made = []
    for number in range(patients):
        user = make_user(f"diff{number}")
        patient = Patient.objects.create(
            user=user,
            team=team,
            timezone=rng.choice(["Europe/London", "America/New_York", "Australia/Sydney"]),
            enrolled_at=START - timedelta(days=30),
            er_low_ig=number % 3 == 0,
            hbv_risk=number % 4 == 0,
        )
        Injection.objects.create(
            patient=patient, given_at=START + timedelta(days=rng.randint(0, days)), dose_number=1
        )
        made.append(patient)
        at = START
        for _ in range(days * 2):
            at += timedelta(hours=rng.choice([5, 9, 13, 20]))
            symptoms = {
                code: rng.choice([0, 1, 2, 3]) for code in rng.sample(SYMPTOMS, rng.randint(0, 3))
            }
            flags = tuple(rng.sample(FLAGS, 1)) if rng.random() < 0.05 else ()
            temp = str(round(rng.uniform(35.0, 39.4), 1)) if rng.random() < 0.9 else None
            submit_entry(patient, at, temp=temp, symptoms=symptoms, red_flags=flags)
    return made


def replay(patient: Patient, configs) -> dict[int, tuple]:
    """The pure evaluator over the patient's entries in order: {entry id: (level, rules,
    team alerts)}."""
    profile = _profile(patient)
    injections = tuple(
        rules.Injection(at=i.given_at, dose=i.dose_number)
        for i in patient.injections.order_by("given_at")
    )
    window = timedelta(days=rules.HISTORY_DAYS)
    history: list[rules.Entry] = []
    prior: list[rules.PriorAlert] = []
    found = {}
    for row in (
        DiaryEntry.objects.for_patient(patient)
        .prefetch_related(*ENTRY_PARTS)
        .order_by("recorded_at", "pk")
    ):
        entry = _entry_input(row)
        recent = [e for e in history if e.at >= entry.at - window] or history[-1:]
        evaluation = rules.evaluate(
            rules.EvaluationInput(
                profile=profile,
                injections=tuple(i for i in injections if i.at <= entry.at),
                entry=entry,
                history=tuple(recent),
                prior_alerts=tuple(a for a in prior if entry.at - window <= a.at <= entry.at),
                rules=configs,
            )
        )
        found[row.pk] = (
            evaluation.level,
            sorted({f.rule_id for f in evaluation.fired}),
            sorted(set(evaluation.team_alerts)),
        )
        history.append(entry)
        prior += recorded_alerts(entry, evaluation)
    return found


def test_the_recorded_outcomes_equal_the_pure_evaluators_replay(team_a, alice):
    patients = seed_clinic(team_a)
    configs = rule_configs()
    compared = 0
    levels = set()
    for patient in patients:
        expected = replay(patient, configs)
        for outcome in EntryOutcome.objects.filter(entry__patient=patient):
            recorded = (outcome.level, outcome.rules, outcome.team_alerts)
            assert recorded == expected[outcome.entry_id], (patient, outcome.entry_id)
            levels.add(outcome.level)
            compared += 1
        assert compared and len(expected) == patient.entries.count()
    assert compared == DiaryEntry.objects.count()
    assert levels >= {"NONE", "WATCH", "CONTACT", "URGENT"}
