"""One message per recipient per entry, listing how many rules it raised, not one per rule."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alerts import notify, services
from alerts.models import Alert, EscalationStep, Notification
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db

KIDNEY = {"chills": 2, "dysuria": 2, "urinary_frequency": 2, "flank_pain": 2}


def test_an_entry_raising_four_rules_sends_one_message_per_person(bob, alice, mailoutbox):
    entry = make_entry(bob, timezone.now(), temp="38.9", symptoms=KIDNEY)
    services.entry_evaluate(entry.pk)
    alerts = Alert.objects.filter(entry=entry, team_alert=True)
    assert alerts.count() == 4
    rows = Notification.objects.filter(alert__entry=entry)
    assert {(n.recipient.username, n.channel) for n in rows} == {
        ("alice", "in_app"),
        ("alice", "email"),
    }
    assert rows.count() == 2
    assert EscalationStep.objects.filter(alert__entry=entry).count() == 1
    notify.notifications_sweep()
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "4 reasons from one diary entry (4 CONTACT)" in body
    for secret in ("kidney", "Kidney", "urine", "38.9", "Fever"):
        assert secret not in body + mailoutbox[0].subject


def test_the_lead_is_the_highest_level(bob, alice):
    bob.er_low_ig = True
    bob.save()
    entry = make_entry(bob, timezone.now(), temp="38.6", symptoms={"chills": 2})
    services.entry_evaluate(entry.pk)
    led = Alert.objects.get(
        notifications__isnull=False,
        entry=entry,
        notifications__step=0,
        notifications__channel="email",
    )
    assert led.level == "URGENT"


def test_two_entries_with_new_reasons_send_two_messages(bob, alice):
    now = timezone.now()
    for minutes, symptoms in ((30, {"chills": 2}), (0, {"dysuria": 2, "urinary_frequency": 2})):
        entry = make_entry(
            bob, now - timezone.timedelta(minutes=minutes), temp="38.5", symptoms=symptoms
        )
        services.entry_evaluate(entry.pk)
    assert Notification.objects.filter(channel="email", step=0).count() == 2


@pytest.mark.parametrize("count", [1, 3])
def test_sweep_alerts_lead_themselves(count):
    """Alerts with no entry (DIARY-GAP and the other periodic rules) are one per patient
    and rule already: each carries its own notice."""
    fake = [Alert(pk=i + 1, entry_id=None, level="CONTACT", rule_id=1) for i in range(count)]
    assert notify.notice_leads(fake) == fake
