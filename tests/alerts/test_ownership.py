"""A patient's alerts together: who has them, passing them on, acting on them all or one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import notify, services
from alerts.models import Alert, Notification
from alerts.triage import patient_acknowledge, patient_assign, patient_claim, patient_resolve
from tests.alerts.factories import make_entry
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def urgent_entry(bob, at):
    """38.6 °C with low immunoglobulins: T-FEV-ER-1 (URGENT) and T-FEV-1 (CONTACT)."""
    bob.er_low_ig = True
    bob.save()
    entry = make_entry(bob, at, temp="38.6")
    services.entry_evaluate(entry.pk, now=at)
    return entry


def team_alerts(bob):
    return list(Alert.objects.filter(patient=bob, team_alert=True).order_by("pk"))


def test_taking_a_patient_owns_and_acknowledges_all_their_open_alerts(bob, alice):
    urgent_entry(bob, timezone.now())
    result = patient_claim(patient=bob, by=alice)
    assert result.claimed and result.owner == alice
    alerts = team_alerts(bob)
    assert len(alerts) == 2
    assert {(a.owner, a.owned_by, a.status, a.acknowledged_by) for a in alerts} == {
        (alice, alice, "acknowledged", alice)
    }
    # Who and when are in each alert's history.
    assert alerts[0].history.filter(owner=alice, history_user=alice).exists()


def test_a_colleague_cannot_take_a_patient_someone_has_and_is_told_who(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    patient_claim(patient=bob, by=alice)
    result = patient_claim(patient=bob, by=erin)
    assert (result.claimed, result.owner) == (False, alice)
    assert {a.owner for a in team_alerts(bob)} == {alice}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_nurses_taking_a_patient_at_once_one_wins(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    people = iter([alice, erin])
    import threading

    lock = threading.Lock()

    def take():
        with lock:
            who = next(people)
        return who.username, patient_claim(patient=bob, by=who).claimed

    results, errors = race(take)
    assert errors == []
    winners = [name for name, claimed in results if claimed]
    assert len(winners) == 1
    assert {a.owner.username for a in team_alerts(bob)} == set(winners)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_passing_on_while_a_colleague_takes_leaves_one_owner_for_all(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    actions = iter(
        [
            lambda: patient_assign(patient=bob, to=erin, by=alice),
            lambda: patient_claim(patient=bob, by=alice),
        ]
    )
    import threading

    lock = threading.Lock()

    def act():
        with lock:
            action = next(actions)
        return action()

    _results, errors = race(act)
    assert errors == []
    owners = {a.owner_id for a in team_alerts(bob)}
    assert len(owners) == 1 and owners <= {alice.pk, erin.pk}


def test_passing_a_patient_on_tells_the_colleague_once(bob, alice, erin, mailoutbox):
    urgent_entry(bob, timezone.now())
    patient_claim(patient=bob, by=alice)
    notify.notifications_sweep()
    mailoutbox.clear()
    assert patient_assign(patient=bob, to=erin, by=alice) == 2
    assert patient_assign(patient=bob, to=erin, by=alice) == 0  # already hers
    assert {(a.owner, a.owned_by) for a in team_alerts(bob)} == {(erin, alice)}
    handovers = Notification.objects.filter(kind=Notification.Kind.HANDOVER)
    assert {(n.recipient, n.channel) for n in handovers} == {(erin, "in_app"), (erin, "email")}
    notify.notifications_sweep()
    assert len(mailoutbox) == 1
    assert "has passed patient" in mailoutbox[0].body and bob.reference in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith("Passed to you:")
    # A hand-over is delivered though the alerts were acknowledged (not a reminder).
    assert set(handovers.values_list("status", flat=True)) == {"sent"}


def test_passing_on_to_someone_off_the_team_is_refused(bob, alice, charlie):
    urgent_entry(bob, timezone.now())
    with pytest.raises(ValueError):
        patient_assign(patient=bob, to=charlie, by=alice)
    assert {a.owner for a in team_alerts(bob)} == {None}


def test_a_new_alert_for_a_patient_someone_has_stays_with_them(bob, alice, erin):
    at = timezone.now()
    urgent_entry(bob, at - timedelta(hours=2))
    patient_claim(patient=bob, by=erin)  # erin is the backup: not a primary
    later = make_entry(bob, at, symptoms={"dysuria": 2, "urinary_frequency": 2})
    services.entry_evaluate(later.pk, now=at)
    new = list(Alert.objects.filter(entry=later, team_alert=True))
    assert new and {a.owner for a in new} == {erin}
    assert {a.status for a in new} == {"open"}  # owned, but nobody has acknowledged it yet
    # The owner hears about it at once, beside the primaries.
    first = Notification.objects.filter(alert__entry=later, step=0)
    assert {n.recipient.username for n in first} == {"alice", "erin"}


def test_the_backups_reminder_names_the_owner(bob, alice, erin, mailoutbox):
    at = timezone.now()
    urgent_entry(bob, at - timedelta(hours=2))
    patient_claim(patient=bob, by=alice)
    later = make_entry(bob, at, temp="38.7")
    services.entry_evaluate(later.pk, now=at)
    notify.notifications_sweep(now=at)
    mailoutbox.clear()
    notify.escalations_sweep(now=at + timedelta(minutes=16))
    notify.notifications_sweep(now=at + timedelta(minutes=16))
    to_erin = [m for m in mailoutbox if m.to == ["erin@example.org"]]
    assert to_erin, [m.to for m in mailoutbox]
    assert "Alice has taken this patient but has not acknowledged this alert yet" in to_erin[0].body


def test_acknowledging_and_resolving_together_or_one_by_one(bob, alice):
    urgent_entry(bob, timezone.now())
    urgent, contact = sorted(team_alerts(bob), key=lambda a: a.level != "URGENT")
    assert patient_acknowledge(patient=bob, by=alice, ids=[contact.pk]) == 1
    urgent.refresh_from_db()
    assert urgent.status == "open"
    assert patient_resolve(patient=bob, by=alice, action="no_action", ids=[contact.pk]) == 1
    with pytest.raises(ValueError):  # an URGENT is never closed without a note
        patient_resolve(patient=bob, by=alice, action="phoned_patient", note="  ")
    assert patient_resolve(patient=bob, by=alice, action="sent_to_ed", note="Sent to A&E.") == 1
    assert {a.status for a in team_alerts(bob)} == {"resolved"}


def test_reminders_go_on_while_any_alert_of_the_entry_waits(bob, alice, erin):
    at = timezone.now()
    urgent_entry(bob, at)
    urgent, contact = sorted(team_alerts(bob), key=lambda a: a.level != "URGENT")
    urgent.acknowledge(by=alice, now=at + timedelta(minutes=1))  # only the URGENT one
    assert notify.escalations_sweep(now=at + timedelta(minutes=16)) == 1
    assert Notification.objects.filter(alert=urgent, step=1).exists()
    contact.acknowledge(by=alice, now=at + timedelta(minutes=17))
    notify.notifications_sweep(now=at + timedelta(minutes=18))
    assert set(
        Notification.objects.filter(alert=urgent, step=1).values_list("status", flat=True)
    ) == {"cancelled"}
