"""A patient's concern: who has it, passing it on, acknowledging, resolving all or some."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.care import notify
from alerts.care.concerns import concern_acknowledge, concern_pass, concern_resolve, concern_take
from alerts.delivery import send
from alerts.models import Alert, Concern, ConcernEvent, Notification
from tests.alerts.factories import submit_entry
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def urgent_entry(bob, at):
    """38.6 °C with low immunoglobulins: T-FEV-ER-1 (URGENT) and T-FEV-1 (CONTACT)."""
    bob.er_low_ig = True
    bob.save()
    return submit_entry(bob, at, temp="38.6")


def concern_of(bob) -> Concern:
    return Concern.objects.get(patient=bob, status="open")


def test_taking_a_patient_owns_and_acknowledges_their_concern_in_one_step(bob, alice):
    urgent_entry(bob, timezone.now())
    result = concern_take(patient=bob, by=alice)
    assert result.claimed and result.owner == alice
    concern = concern_of(bob)
    assert (concern.owner, concern.owned_by, concern.acknowledged_by) == (alice, alice, alice)
    alerts = Alert.objects.filter(concern=concern)
    assert alerts.count() == 2
    assert {(a.status, a.acknowledged_by) for a in alerts} == {("acknowledged", alice)}
    # One line on the patient's timeline, however many alerts it has.
    assert list(concern.events.exclude(kind="opened").values_list("kind", flat=True)) == ["taken"]


def test_a_colleague_cannot_take_a_patient_someone_has_and_is_told_who(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    concern_take(patient=bob, by=alice)
    result = concern_take(patient=bob, by=erin)
    assert (result.claimed, result.owner) == (False, alice)
    assert concern_of(bob).owner == alice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_nurses_taking_a_patient_at_once_one_wins(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    people = iter([alice, erin])
    lock = threading.Lock()

    def take():
        with lock:
            who = next(people)
        return who.username, concern_take(patient=bob, by=who).claimed

    results, errors = race(take)
    assert errors == []
    winners = [name for name, claimed in results if claimed]
    assert len(winners) == 1
    assert concern_of(bob).owner.username == winners[0]
    assert concern_of(bob).events.filter(kind="taken").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_passing_on_while_a_colleague_takes_leaves_one_owner(bob, alice, erin):
    urgent_entry(bob, timezone.now())
    actions = iter(
        [
            lambda: concern_pass(patient=bob, to=erin, by=alice),
            lambda: concern_take(patient=bob, by=alice),
        ]
    )
    lock = threading.Lock()

    def act():
        with lock:
            action = next(actions)
        return action()

    _results, errors = race(act)
    assert errors == []
    assert concern_of(bob).owner_id in {alice.pk, erin.pk}


def test_passing_a_patient_on_tells_the_colleague_once(bob, alice, erin, mailoutbox):
    urgent_entry(bob, timezone.now())
    concern_take(patient=bob, by=alice)
    send.notifications_sweep()
    mailoutbox.clear()
    assert concern_pass(patient=bob, to=erin, by=alice)
    assert not concern_pass(patient=bob, to=erin, by=alice)  # already hers
    concern = concern_of(bob)
    assert (concern.owner, concern.owned_by) == (erin, alice)
    handovers = Notification.objects.filter(kind="passed")
    assert {(n.recipient, n.channel) for n in handovers} == {(erin, "in_app"), (erin, "email")}
    send.notifications_sweep()
    assert len(mailoutbox) == 1
    assert "has passed patient" in mailoutbox[0].body and bob.reference in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith("Passed to you:")
    # A hand-over is delivered though the concern was acknowledged (it is not a reminder).
    assert set(handovers.values_list("status", flat=True)) == {"sent"}


def test_after_passing_on_only_the_new_owner_is_written_to(bob, alice, erin, mailoutbox):
    """Bug: after alice passed julia to erin, alice still got julia's e-mails."""
    at = timezone.now()
    submit_entry(bob, at - timedelta(hours=3), temp="38.2")
    concern_take(patient=bob, by=alice, now=at - timedelta(hours=2))
    concern_pass(patient=bob, to=erin, by=alice, now=at - timedelta(hours=1))
    send.notifications_sweep(now=at - timedelta(hours=1))
    mailoutbox.clear()
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, at, temp="38.6")  # raised to URGENT: one message, to the owner
    raised = Notification.objects.filter(kind="raised")
    assert set(raised.values_list("recipient__username", flat=True)) == {"erin"}
    send.notifications_sweep(now=at)
    assert [m.to for m in mailoutbox] == [["erin@example.org"]]


def test_a_pass_on_cancels_what_the_previous_owner_was_not_sent_yet(bob, alice, erin):
    at = timezone.now()
    submit_entry(bob, at, temp="38.2")
    waiting = Notification.objects.filter(recipient=alice, status="pending")
    assert waiting.count() == 1  # the e-mail (in the app: delivered when written)
    concern_pass(patient=bob, to=erin, by=alice, now=at + timedelta(minutes=1))
    assert waiting.count() == 0


def test_passing_on_to_someone_off_the_team_is_refused(bob, alice, charlie):
    urgent_entry(bob, timezone.now())
    with pytest.raises(ValueError):
        concern_pass(patient=bob, to=charlie, by=alice)
    assert concern_of(bob).owner is None


def test_a_new_entry_for_a_patient_someone_has_stays_with_them_and_tells_only_them(
    bob, alice, erin
):
    at = timezone.now()
    submit_entry(bob, at - timedelta(hours=2), temp="38.2")
    concern_take(patient=bob, by=erin)  # erin is the backup: not a primary
    bob.er_low_ig = True
    bob.save()
    later = submit_entry(bob, at, temp="38.7")
    concern = concern_of(bob)
    assert concern.owner == erin
    assert concern.level == "URGENT" and concern.acknowledged_at is None  # a rise
    assert Alert.objects.filter(entry=later, concern=concern).exists()
    told = Notification.objects.filter(kind="raised")
    assert {n.recipient.username for n in told} == {"erin"}


def test_the_backups_reminder_names_the_owner(bob, alice, erin, mailoutbox):
    at = timezone.now()
    submit_entry(bob, at - timedelta(hours=2), temp="38.2")
    concern_take(patient=bob, by=alice, now=at - timedelta(hours=2))
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, at, temp="38.7")
    send.notifications_sweep(now=at)
    mailoutbox.clear()
    notify.escalations_sweep(now=at + timedelta(minutes=16))
    send.notifications_sweep(now=at + timedelta(minutes=16))
    to_erin = [m for m in mailoutbox if m.to == ["erin@example.org"]]
    assert to_erin, [m.to for m in mailoutbox]
    assert "Alice has this patient" in to_erin[0].body


def test_resolving_some_alerts_follows_the_level_of_those_left(bob, alice):
    urgent_entry(bob, timezone.now())
    concern = concern_of(bob)
    urgent, contact = sorted(
        Alert.objects.filter(concern=concern), key=lambda a: a.level != "URGENT"
    )
    assert concern_acknowledge(patient=bob, by=alice)
    with pytest.raises(ValueError):  # an URGENT is never closed without a note
        concern_resolve(patient=bob, by=alice, action="phoned_patient", note="  ")
    assert (
        concern_resolve(patient=bob, by=alice, action="sent_to_ed", note="A&E", ids=[urgent.pk])
        == 1
    )
    concern.refresh_from_db()
    assert (concern.status, concern.level, concern.lead_id) == ("open", "CONTACT", contact.pk)
    assert concern_resolve(patient=bob, by=alice, action="no_action") == 1
    concern.refresh_from_db()
    assert concern.status == "resolved"
    assert (concern.resolved_by, concern.resolution_action) == (alice, "no_action")
    assert list(concern.events.values_list("kind", flat=True)) == [
        "opened",
        "acknowledged",
        "resolved_some",
        "resolved",
    ]
    assert not Concern.objects.filter(patient=bob, status="open").exists()


def test_acting_with_no_open_concern_changes_nothing(bob, alice):
    assert not concern_acknowledge(patient=bob, by=alice)
    assert concern_take(patient=bob, by=alice).claimed is False
    assert concern_resolve(patient=bob, by=alice, action="no_action") == 0
    assert not ConcernEvent.objects.exists()
