"""Which channels carry a message to a person, and whether it waits for their quiet hours.

One place decides, for every kind of message in the product: the patient's reminders and
"your team has seen this", the team's concern messages, the rota's pages. The caller
writes one outbox row per channel returned (the in-app message, where the kind has one,
is the caller's own and always written).

The defaults keep what the product did before a person chose anything (e-mail for the
team's messages and the patient's daily reminder) and add push wherever the person has a
device: turning push on is choosing it. What cannot be turned off (LOCKED) is what a
clinician on duty must not miss: an URGENT concern by e-mail and push, and a page while
on call by push and text message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from diary_core.outbox import Channel
from reach.models import Phone, Preference, PushDevice, QuietHours, Topic

EMAIL, PUSH, SMS = Channel.EMAIL, Channel.PUSH, Channel.SMS

# The channels a topic can be sent on at all.
OFFERED: dict[str, tuple[str, ...]] = {
    Topic.DAILY_REMINDER: (EMAIL, PUSH),
    Topic.TEAM_SAW: (EMAIL, PUSH),
    Topic.CALL_BACK: (EMAIL, PUSH),
    Topic.MISSED_DOSE: (EMAIL, PUSH),
    Topic.URGENT: (EMAIL, PUSH, SMS),
    Topic.CONTACT: (EMAIL, PUSH),
    Topic.PASSED: (EMAIL, PUSH),
    Topic.OVERDUE: (EMAIL, PUSH, SMS),
    Topic.ON_CALL: (PUSH, SMS),
}

# On unless the person turned it off. Anything offered and not here is off until chosen.
DEFAULT_ON: dict[str, frozenset[str]] = {
    Topic.DAILY_REMINDER: frozenset({EMAIL, PUSH}),
    Topic.TEAM_SAW: frozenset({PUSH}),
    Topic.CALL_BACK: frozenset({EMAIL, PUSH}),
    Topic.MISSED_DOSE: frozenset({PUSH}),
    Topic.URGENT: frozenset({EMAIL, PUSH}),
    Topic.CONTACT: frozenset({EMAIL, PUSH}),
    Topic.PASSED: frozenset({EMAIL, PUSH}),
    Topic.OVERDUE: frozenset({EMAIL, PUSH}),
    Topic.ON_CALL: frozenset({PUSH, SMS}),
}

# Never off: a person may not mute these (the page shows them ticked and fixed).
LOCKED: dict[str, frozenset[str]] = {
    Topic.URGENT: frozenset({EMAIL, PUSH}),
    Topic.ON_CALL: frozenset({PUSH, SMS}),
}

# Never held by quiet hours.
NEVER_HELD = frozenset({Topic.URGENT, Topic.ON_CALL})


def wanted(user_id: int, topic: str) -> set[str]:
    """The channels the person wants for `topic` (their choices over the defaults),
    whether or not they have a device or a verified number for them."""
    chosen = dict(
        Preference.objects.filter(user_id=user_id, topic=topic).values_list("channel", "enabled")
    )
    locked = LOCKED.get(topic, frozenset())
    return {
        channel
        for channel in OFFERED[topic]
        if channel in locked or chosen.get(channel, channel in DEFAULT_ON[topic])
    }


def reachable(user_id: int) -> set[str]:
    """The channels the person can be reached on now: e-mail (the account's address is
    checked when sending), push with a device, SMS with a verified number."""
    channels = {EMAIL}
    if PushDevice.objects.filter(user_id=user_id).exists():
        channels.add(PUSH)
    if Phone.objects.filter(user_id=user_id, verified_at__isnull=False).exists():
        channels.add(SMS)
    return channels


def channels_for(user_id: int, topic: str) -> list[str]:
    """The channels to send `topic` to this person on, in a fixed order (e-mail, push,
    SMS): what they want that they can be reached on."""
    mine = wanted(user_id, topic) & reachable(user_id)
    return [channel for channel in (EMAIL, PUSH, SMS) if channel in mine]


def held_until(user_id: int, topic: str, *, now: datetime | None = None) -> datetime | None:
    """When a message on `topic` may go, if the person's quiet hours hold it now; None if
    it may go at once (no quiet hours, outside them, or a topic never held)."""
    if topic in NEVER_HELD:
        return None
    quiet = QuietHours.objects.filter(user_id=user_id).first()
    if quiet is None or quiet.start == quiet.end:
        return None
    zone = ZoneInfo(quiet.timezone)
    local = (now or timezone.now()).astimezone(zone)
    t = local.time()
    inside = (
        quiet.start <= t < quiet.end
        if quiet.start < quiet.end
        else t >= quiet.start or t < quiet.end
    )
    if not inside:
        return None
    end_day = local.date() if t < quiet.end else local.date() + timedelta(days=1)
    # The wall time in the zone (a clock change moves the instant, not the words).
    return datetime.combine(end_day, quiet.end, tzinfo=zone)
