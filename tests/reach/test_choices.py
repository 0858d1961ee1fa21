"""reach.choices: which channels carry a topic to a person, and when quiet hours hold it."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from reach import choices
from reach.models import Phone, Preference, PushDevice, QuietHours, Topic

# Push and SMS are configured: a device or a verified phone reaches its person.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels_on")]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def device(user, n=1):
    return PushDevice.objects.create(
        user=user,
        name=f"phone {n}",
        endpoint=f"https://push.example/{user.pk}/{n}",
        p256dh="k",
        auth="a",
    )


def verified_phone(user):
    return Phone.objects.create(user=user, number="+447700900123", verified_at=timezone.now())


def quiet(user, start, end, zone="Europe/London"):
    return QuietHours.objects.create(user=user, start=start, end=end, zone=zone)


def test_it_sends_by_email_only_to_someone_with_no_device_or_phone(alice):
    assert choices.channels_for(alice.pk, Topic.CONTACT) == ["email"]
    assert choices.channels_for(alice.pk, Topic.URGENT) == ["email"]
    # Paging is push and text only: nothing until a device or a number exists.
    assert choices.channels_for(alice.pk, Topic.ON_CALL) == []


def test_it_adds_push_by_default_once_there_is_a_device(alice, bob):
    device(alice)
    device(bob.user)
    assert choices.channels_for(alice.pk, Topic.CONTACT) == ["email", "push"]
    assert choices.channels_for(bob.user.pk, Topic.TEAM_SAW) == ["push"]
    assert choices.channels_for(bob.user.pk, Topic.DAILY_REMINDER) == ["email", "push"]


def test_sms_needs_a_verified_number_and_is_off_by_default_except_paging(alice):
    Phone.objects.create(user=alice, number="+447700900123")  # not confirmed yet
    assert "sms" not in choices.reachable(alice.pk)
    Phone.objects.filter(user=alice).update(verified_at=timezone.now())
    assert choices.reachable(alice.pk) == {"email", "sms"}
    assert choices.channels_for(alice.pk, Topic.URGENT) == ["email"]  # SMS: opt in
    assert choices.channels_for(alice.pk, Topic.ON_CALL) == ["sms"]
    Preference.objects.create(user=alice, topic=Topic.URGENT, channel="sms", enabled=True)
    assert choices.channels_for(alice.pk, Topic.URGENT) == ["email", "sms"]


def test_a_choice_overrides_the_default(alice):
    device(alice)
    Preference.objects.create(user=alice, topic=Topic.CONTACT, channel="email", enabled=False)
    Preference.objects.create(user=alice, topic=Topic.PASSED, channel="push", enabled=False)
    assert choices.channels_for(alice.pk, Topic.CONTACT) == ["push"]
    assert choices.channels_for(alice.pk, Topic.PASSED) == ["email"]


def test_locked_channels_stay_on_whatever_is_stored(alice):
    device(alice)
    verified_phone(alice)
    for channel in ("email", "push"):
        Preference.objects.create(user=alice, topic=Topic.URGENT, channel=channel, enabled=False)
    for channel in ("push", "sms"):
        Preference.objects.create(user=alice, topic=Topic.ON_CALL, channel=channel, enabled=False)
    assert choices.channels_for(alice.pk, Topic.URGENT) == ["email", "push"]
    assert choices.channels_for(alice.pk, Topic.ON_CALL) == ["push", "sms"]


def test_the_bulk_answer_matches_one_by_one(alice, erin, bob, django_assert_num_queries):
    device(alice)
    verified_phone(erin)
    Preference.objects.create(user=erin, topic=Topic.CONTACT, channel="email", enabled=False)
    people = [alice.pk, erin.pk, bob.user.pk]
    topics = [Topic.URGENT, Topic.CONTACT, Topic.ON_CALL, Topic.DAILY_REMINDER]
    with django_assert_num_queries(2):
        many = choices.channels_for_many(people, topics)
    assert many == {(u, t): choices.channels_for(u, t) for u in people for t in topics}
    assert many[(erin.pk, Topic.CONTACT)] == []


# Quiet hours --------------------------------------------------------------------------

# (from, until, now in UTC, held until in UTC or None) in Europe/London, worked out by hand.
HELD = [
    # Across midnight, in winter (GMT = UTC).
    (time(22), time(7), utc(2026, 1, 14, 23, 30), utc(2026, 1, 15, 7, 0)),
    (time(22), time(7), utc(2026, 1, 15, 3, 0), utc(2026, 1, 15, 7, 0)),
    (time(22), time(7), utc(2026, 1, 15, 7, 0), None),  # the end itself is not quiet
    (time(22), time(7), utc(2026, 1, 14, 21, 59), None),
    # In summer: 22:00 BST is 21:00 UTC, 07:00 BST is 06:00 UTC.
    (time(22), time(7), utc(2026, 7, 1, 21, 30), utc(2026, 7, 2, 6, 0)),
    # Within one day.
    (time(12), time(14), utc(2026, 1, 14, 13, 0), utc(2026, 1, 14, 14, 0)),
    (time(12), time(14), utc(2026, 1, 14, 15, 0), None),
    # The clocks go forward (29 March 2026, 01:00 GMT → 02:00 BST) during the night: held
    # from 23:30 GMT until 07:00 BST, which is 06:00 UTC.
    (time(22), time(7), utc(2026, 3, 28, 23, 30), utc(2026, 3, 29, 6, 0)),
    # The clocks go back (25 October 2026, 02:00 BST → 01:00 GMT): 07:00 GMT is 07:00 UTC.
    (time(22), time(7), utc(2026, 10, 24, 22, 30), utc(2026, 10, 25, 7, 0)),
    # An end in the skipped hour (01:30 on 29 March) means the offset before the change.
    (time(23), time(1, 30), utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30)),
]


@pytest.mark.parametrize(("start", "end", "now", "until"), HELD)
def test_quiet_hours_hold_a_message_until_their_end(alice, start, end, now, until):
    quiet(alice, start, end)
    assert choices.held_until(alice.pk, Topic.CONTACT, now=now) == until
    assert choices.held_until_many([alice.pk], now=now) == {alice.pk: until}


def test_urgent_and_paging_are_never_held(alice):
    quiet(alice, time(22), time(7))
    night = utc(2026, 1, 15, 3, 0)
    assert choices.held_until(alice.pk, Topic.OVERDUE, now=night) is not None
    assert choices.held_until(alice.pk, Topic.URGENT, now=night) is None
    assert choices.held_until(alice.pk, Topic.ON_CALL, now=night) is None


def test_quiet_hours_are_in_their_own_zone(alice):
    quiet(alice, time(22), time(7), zone="America/New_York")
    # 03:00 UTC is 22:00 in New York (EST): quiet until 07:00 EST, 12:00 UTC.
    assert choices.held_until(alice.pk, Topic.CONTACT, now=utc(2026, 1, 15, 3, 0)) == utc(
        2026, 1, 15, 12, 0
    )
