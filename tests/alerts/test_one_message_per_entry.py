"""One message per change of the concern (opened, level raised, a new URGENT, passed on, past
its target), to its owner or else the team's route: never one per rule or per entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.care.concerns import concern_acknowledge, concern_pass, concern_take
from alerts.delivery import send
from alerts.models import Alert, Concern, EscalationStep, Notification
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db

KIDNEY = {"chills": 2, "dysuria": 2, "urinary_frequency": 2, "flank_pain": 2}


def emails(**filters) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(channel="email", **filters)
        .order_by("pk")
        .values_list("kind", "recipient__username")
    )


def test_an_entry_raising_four_rules_sends_one_message_per_person(bob, alice, mailoutbox):
    entry = submit_entry(bob, timezone.now(), temp="38.9", symptoms=KIDNEY)
    assert Alert.objects.filter(entry=entry, team_alert=True).count() == 4
    assert emails() == [("opened", "alice")]
    assert Notification.objects.count() == 2  # in the app and by e-mail
    assert EscalationStep.objects.count() == 1
    send.notifications_sweep()
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body + mailoutbox[0].subject
    assert "new concern at level CONTACT" in body
    for secret in ("kidney", "Kidney", "urine", "38.9", "Fever"):
        assert secret not in body


def test_a_table_of_transitions_and_who_is_told(bob, alice, erin):
    """Bug: one 38.5 °C entry from george added 5 alerts and a message each; his reminders
    sent 4 e-mails in one minute."""
    now = timezone.now()
    steps = [
        # (what happens, the e-mails it adds)
        (lambda: submit_entry(bob, now, temp="38.2"), [("opened", "alice")]),
        (
            lambda: submit_entry(
                bob, now + timedelta(minutes=10), temp="38.5", symptoms={"chills": 2}
            ),
            [],  # joined at the same level: nobody is told
        ),
        (lambda: concern_take(patient=bob, by=alice, now=now + timedelta(minutes=20)), []),
        (
            lambda: submit_entry(
                bob, now + timedelta(minutes=30), red_flags=("slurred_speech_confusion",)
            ),
            [("raised", "alice")],  # to the owner only, once for the entry's two URGENT rules
        ),
        (
            lambda: submit_entry(bob, now + timedelta(minutes=40), red_flags=("might_die",)),
            [("urgent", "alice")],  # URGENT is never held back
        ),
        (lambda: concern_acknowledge(patient=bob, by=alice, now=now + timedelta(minutes=41)), []),
        (
            lambda: concern_pass(patient=bob, to=erin, by=alice, now=now + timedelta(minutes=50)),
            [("passed", "erin")],
        ),
        (
            lambda: submit_entry(bob, now + timedelta(minutes=55), temp="38.4"),
            [],  # CONTACT under URGENT: added, nobody told
        ),
        (
            lambda: submit_entry(bob, now + timedelta(minutes=60), red_flags=("seizure",)),
            [("urgent", "erin")],  # the new owner; alice passed it on
        ),
    ]
    seen = 0
    for action, expected in steps:
        action()
        sent = emails()
        assert sent[seen:] == expected, (sent, expected)
        seen = len(sent)
    assert Concern.objects.filter(patient=bob).count() == 1


def test_the_message_kind_is_the_change(bob, alice):
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, timezone.now(), temp="38.6", symptoms={"chills": 2})
    assert emails() == [("opened", "alice")]
    concern = Concern.objects.get(patient=bob)
    assert concern.level == "URGENT"
    assert concern.lead.rule.rule_id == "T-FEV-ER-1"


def test_two_entries_with_new_reasons_at_one_level_send_one_message(bob, alice):
    now = timezone.now()
    for minutes, symptoms in ((30, {"chills": 2}), (0, {"dysuria": 2, "urinary_frequency": 2})):
        submit_entry(bob, now - timedelta(minutes=minutes), temp="38.5", symptoms=symptoms)
    assert emails() == [("opened", "alice")]
