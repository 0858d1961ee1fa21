"""The team's concern messages go on the channels each person chose (reach.choices), held by
quiet hours unless URGENT, in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.care import notify
from alerts.care.models import ConcernEvent
from alerts.delivery import send
from alerts.models import Notification
from alerts.ruleset.models import Level
from patients.models import CareTeamMembership
from reach import choices
from reach.models import Preference, PushDevice, QuietHours, Topic
from tests.alerts.test_notify import fever, urgent
from tests.conftest import make_clinician

# Push and SMS are configured: a device or a verified phone reaches its person.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels_on")]


def device(user):
    PushDevice.objects.create(
        user=user, name="phone", endpoint=f"https://push.example/{user.pk}", p256dh="k", auth="a"
    )


def rows(concern, **filters) -> set[tuple[str, str, str]]:
    return {
        (n.recipient.username, n.channel, n.kind)
        for n in Notification.objects.filter(concern=concern, **filters)
    }


def quiet_now(user, now: datetime) -> QuietHours:
    """Quiet hours from an hour ago until an hour from now, in London."""
    local = timezone.localtime(now, ZoneInfo("Europe/London"))
    return QuietHours.objects.create(
        user=user,
        start=(local - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        end=(local + timedelta(hours=1)).time().replace(second=0, microsecond=0),
        zone="Europe/London",
    )


@pytest.mark.parametrize(
    ("kind", "level", "topic"),
    [
        (ConcernEvent.Kind.OPENED, Level.CONTACT, Topic.CONTACT),
        (ConcernEvent.Kind.RAISED, Level.CONTACT, Topic.CONTACT),
        (ConcernEvent.Kind.OPENED, Level.URGENT, Topic.URGENT),
        (ConcernEvent.Kind.URGENT, Level.URGENT, Topic.URGENT),
        (ConcernEvent.Kind.PASSED, Level.CONTACT, Topic.PASSED),
        (ConcernEvent.Kind.OVERDUE, Level.CONTACT, Topic.OVERDUE),
        (ConcernEvent.Kind.REMINDER, Level.WATCH, Topic.OVERDUE),
        # An URGENT concern's reminders are URGENT: never muted, never held.
        (ConcernEvent.Kind.OVERDUE, Level.URGENT, Topic.URGENT),
        (ConcernEvent.Kind.REMINDER, Level.URGENT, Topic.URGENT),
        (ConcernEvent.Kind.CALLBACK, Level.CONTACT, Topic.CONTACT),
    ],
)
def test_each_event_maps_to_a_topic(kind, level, topic):
    assert notify.topic_for(kind, level) == topic


def test_someone_with_no_device_gets_in_app_and_email_as_before(bob, alice):
    concern = fever(bob, timezone.now())
    assert rows(concern) == {("alice", "in_app", "opened"), ("alice", "email", "opened")}


def test_a_device_adds_a_push_row_sent_by_the_outbox(bob, alice):
    device(alice)
    concern = fever(bob, timezone.now())
    assert rows(concern) == {
        ("alice", "in_app", "opened"),
        ("alice", "email", "opened"),
        ("alice", "push", "opened"),
    }
    assert Notification.objects.get(concern=concern, channel="push").status == "pending"


def test_turning_email_off_for_contact_leaves_in_app(bob, alice):
    Preference.objects.create(user=alice, topic=Topic.CONTACT, channel="email", enabled=False)
    concern = fever(bob, timezone.now())
    assert rows(concern) == {("alice", "in_app", "opened")}


def test_urgent_cannot_be_muted(bob, alice):
    device(alice)
    for channel in ("email", "push"):
        Preference.objects.create(user=alice, topic=Topic.URGENT, channel=channel, enabled=False)
    concern = urgent(bob, timezone.now())
    assert {c for _u, c, _k in rows(concern)} == {"in_app", "email", "push"}


def test_quiet_hours_hold_a_contact_message_until_their_end(bob, alice, mailoutbox):
    at = timezone.now()
    quiet_now(alice, at)
    concern = fever(bob, at)
    in_app = Notification.objects.get(concern=concern, channel="in_app")
    email = Notification.objects.get(concern=concern, channel="email")
    assert in_app.status == "sent"  # never held
    end = choices.held_until(alice.pk, Topic.CONTACT, now=email.created_at)
    assert end is not None and email.due_at == end and email.due_at > at + timedelta(minutes=50)
    assert send.notifications_sweep(now=email.due_at - timedelta(minutes=1)) == 0
    assert send.notifications_sweep(now=email.due_at) == 1
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]


def test_quiet_hours_never_hold_urgent_or_its_reminders(bob, alice, erin):
    at = timezone.now()
    quiet_now(alice, at)
    quiet_now(erin, at)
    concern = urgent(bob, at)
    email = Notification.objects.get(concern=concern, channel="email")
    assert email.due_at == Notification.objects.get(concern=concern, channel="in_app").due_at
    later = at + timedelta(minutes=15)
    assert notify.escalations_sweep(now=later) == 1
    overdue = Notification.objects.filter(concern=concern, kind="overdue", channel="email")
    assert overdue.count() == 2
    assert all(n.due_at == later for n in overdue)


def test_a_contact_reminder_is_held_but_not_its_in_app_row(bob, alice):
    at = timezone.now()
    concern = fever(bob, at)
    quiet_now(alice, concern.due_at)
    notify.escalations_sweep(now=concern.due_at)
    email = Notification.objects.get(concern=concern, kind="overdue", channel="email")
    in_app = Notification.objects.get(concern=concern, kind="overdue", channel="in_app")
    assert email.due_at > concern.due_at and in_app.due_at == concern.due_at


def test_notify_many_takes_the_same_queries_for_one_or_five_people(bob, alice, team_a):
    concern = fever(bob, timezone.now())
    event = ConcernEvent.objects.create(
        concern=concern, kind=ConcernEvent.Kind.RAISED, at=timezone.now(), level=Level.CONTACT
    )
    five = [alice] + [
        make_clinician(f"nurse{n}", team_a, CareTeamMembership.Role.BACKUP) for n in range(4)
    ]
    device(five[1])
    QuietHours.objects.create(user=five[2], start="00:00", end="23:59", zone="UTC")
    Preference.objects.create(user=five[3], topic=Topic.CONTACT, channel="email", enabled=False)
    now = timezone.now()
    with CaptureQueriesContext(connection) as one:
        notify.notify_many([(concern, event, [alice.pk])], now=now)
    Notification.objects.filter(event=event).delete()
    with CaptureQueriesContext(connection) as many:
        written = notify.notify_many([(concern, event, [u.pk for u in five])], now=now)
    assert len(one) == len(many) == 4  # choices, devices and phones, quiet hours, insert
    # 5 in-app, 4 e-mails (one turned off), 1 push.
    assert written == 10
