"""Migration 0020: today's alerts become concerns, with their owner, acknowledgement and
messages, and every evaluated entry gets the outcome its alerts record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OTHERS = [("patients", "0014_out_of_hours_languages"), ("symptoms", "0007_label_translations")]
BEFORE = [("alerts", "0019_whole_number_placeholders"), *OTHERS]
AFTER = [("alerts", "0020_concerns"), *OTHERS]


def migrate(targets):
    """Move the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets[:1])
    # Only alerts moves; the other apps' tables stay at their newest migration, so their
    # models are read there (a column added since would otherwise be left out of inserts).
    others = [executor.loader.graph.leaf_nodes(app)[0] for app, _name in targets[1:]]
    return executor.loader.project_state([targets[0], *others]).apps


def test_open_alerts_become_one_concern_per_patient_and_resolved_ones_closed_concerns():
    old = migrate(BEFORE)
    User = old.get_model("patients", "User")
    CareTeam = old.get_model("patients", "CareTeam")
    Patient = old.get_model("patients", "Patient")
    DiaryEntry = old.get_model("symptoms", "DiaryEntry")
    AlertRule = old.get_model("alerts", "AlertRule")
    Episode = old.get_model("alerts", "Episode")
    Alert = old.get_model("alerts", "Alert")
    Notification = old.get_model("alerts", "Notification")
    now = timezone.now()
    team = CareTeam.objects.create(name="Team M", phone="1")
    nurse = User.objects.create(username="nurse-m")
    patient = Patient.objects.create(
        user=User.objects.create(username="patient-m"), team=team, reference="P-MIGRATE1"
    )
    rules = {r.rule_id: r for r in AlertRule.objects.all()}

    def alert(rule_id, level, at, **fields):
        entry = DiaryEntry.objects.create(
            patient=patient, recorded_at=at, local_day=at.date(), evaluation_state="evaluated"
        )
        episode = Episode.objects.create(
            patient=patient, key=f"{rule_id}:{at:%H%M}", opened_at=at, last_alert_at=at,
            highest_level=level,
        )  # fmt: skip
        return Alert.objects.create(
            patient=patient, entry=entry, rule=rules[rule_id], rule_version=1, level=level,
            team_alert=True, episode=episode, episode_key=episode.key, fired_at=at,
            snapshot={"title": rule_id, "patient_message": f"words of {rule_id}"},
            why={"symptoms": {"dysuria": 2}} if rule_id == "GU-UTI" else {},
            **fields,
        )  # fmt: skip

    # A concern handled last week...
    old_alert = alert(
        "T-FEV-1", "CONTACT", now - timedelta(days=7), status="resolved",
        resolved_at=now - timedelta(days=7) + timedelta(hours=2), resolved_by=nurse,
        resolution_action="phoned_patient", acknowledged_at=now - timedelta(days=7),
        acknowledged_by=nurse,
    )  # fmt: skip
    # ...and one open now: a CONTACT the nurse took, then an URGENT nobody has seen.
    taken = alert(
        "GU-UTI", "CONTACT", now - timedelta(hours=3), status="acknowledged",
        acknowledged_at=now - timedelta(hours=2), acknowledged_by=nurse, owner=nurse,
        owned_at=now - timedelta(hours=2), owned_by=nurse,
    )  # fmt: skip
    urgent = alert("SEP-RF", "URGENT", now - timedelta(hours=1))
    Notification.objects.create(alert=taken, recipient=nurse, channel="email", step=0)
    Notification.objects.create(alert=urgent, recipient=nurse, channel="email", step=2)

    new = migrate(AFTER)
    Concern = new.get_model("alerts", "Concern")
    NewAlert = new.get_model("alerts", "Alert")
    NewNotification = new.get_model("alerts", "Notification")
    EntryOutcome = new.get_model("alerts", "EntryOutcome")
    EscalationStep = new.get_model("alerts", "EscalationStep")
    closed, current = Concern.objects.filter(patient_id=patient.pk).order_by("opened_at")
    assert (closed.status, closed.level, closed.resolution_action) == (
        "resolved",
        "CONTACT",
        "phoned_patient",
    )
    assert NewAlert.objects.get(pk=old_alert.pk).concern_id == closed.pk
    assert current.status == "open"
    assert current.level == "URGENT"
    assert current.lead_id == urgent.pk
    assert current.owner_id == nurse.pk
    assert current.acknowledged_at is None  # the URGENT waits for someone
    assert current.waiting_since == urgent.fired_at
    assert set(NewAlert.objects.filter(concern=current).values_list("pk", flat=True)) == {
        taken.pk,
        urgent.pk,
    }
    messages = sorted(NewNotification.objects.values_list("concern_id", "kind"))
    assert messages == [(current.pk, "opened"), (current.pk, "reminder")]
    assert EscalationStep.objects.filter(concern=current, processed_at__isnull=True).count() == 1
    outcome = EntryOutcome.objects.get(entry_id=urgent.entry_id)
    assert (outcome.level, outcome.rules, outcome.team_alerts) == ("URGENT", ["SEP-RF"], ["SEP-RF"])
    assert outcome.reasons[0]["words"]["en-gb"]["message"] == "words of SEP-RF"
    assert Concern.objects.filter(patient_id=patient.pk, status="open").count() == 1
