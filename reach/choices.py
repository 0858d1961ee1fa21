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

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import CharField, Value
from django.utils import timezone

from diary_core.outbox import Channel
from reach import sms
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


def _pick(topic: str, chosen: dict[str, bool]) -> set[str]:
    """The channels wanted for `topic` given the person's own choices (channel → on)."""
    locked = LOCKED.get(topic, frozenset())
    return {
        channel
        for channel in OFFERED[topic]
        if channel in locked or chosen.get(channel, channel in DEFAULT_ON[topic])
    }


def reachable(user_id: int) -> set[str]:
    """The channels the person can be reached on now: e-mail (the account's address is
    checked when sending), push with a device, SMS with a verified number; push and SMS
    only while this server can send them (a row it cannot send would fail unseen)."""
    return reachable_many([user_id])[user_id]


def reachable_many(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """reachable() for many people in one query (devices and verified phones together)."""
    ids = list(dict.fromkeys(user_ids))
    found: dict[int, set[str]] = {pk: {EMAIL} for pk in ids}
    if not ids:
        return found
    parts = []
    if settings.WEBPUSH_ENABLED:
        parts.append(
            PushDevice.objects.filter(user_id__in=ids)
            .order_by()
            .values_list("user_id", Value(str(PUSH), output_field=CharField()))
        )
    if sms.is_on():
        parts.append(
            Phone.objects.filter(user_id__in=ids, verified_at__isnull=False).values_list(
                "user_id", Value(str(SMS), output_field=CharField())
            )
        )
    if not parts:
        return found
    for user_id, channel in parts[0].union(*parts[1:], all=True):
        found[user_id].add(channel)
    return found


def channels_for(user_id: int, topic: str) -> list[str]:
    """The channels to send `topic` to this person on, in a fixed order (e-mail, push,
    SMS): what they want that they can be reached on."""
    return channels_for_many([user_id], [topic])[(user_id, topic)]


def channels_for_many(
    user_ids: Iterable[int], topics: Iterable[str]
) -> dict[tuple[int, str], list[str]]:
    """channels_for() for every pair of `user_ids` × `topics`, in two queries whatever the
    number of people (their choices; their devices and phones): the fan-out of a busy
    sweep writes hundreds of messages in one go."""
    ids = list(dict.fromkeys(user_ids))
    kinds = list(dict.fromkeys(str(t) for t in topics))
    if not ids or not kinds:
        return {}
    chosen: dict[tuple[int, str], dict[str, bool]] = {}
    for user_id, topic, channel, enabled in Preference.objects.filter(
        user_id__in=ids, topic__in=kinds
    ).values_list("user_id", "topic", "channel", "enabled"):
        chosen.setdefault((user_id, topic), {})[channel] = enabled
    reach = reachable_many(ids)
    out = {}
    for user_id in ids:
        for topic in kinds:
            mine = _pick(topic, chosen.get((user_id, topic), {})) & reach[user_id]
            out[(user_id, topic)] = [c for c in (EMAIL, PUSH, SMS) if c in mine]
    return out


def held_until(user_id: int, topic: str, *, now: datetime | None = None) -> datetime | None:
    """When a message on `topic` may go, if the person's quiet hours hold it now; None if
    it may go at once (no quiet hours, outside them, or a topic never held)."""
    if topic in NEVER_HELD:
        return None
    return quiet_end(QuietHours.objects.filter(user_id=user_id).first(), now or timezone.now())


def held_until_many(user_ids: Iterable[int], *, now: datetime) -> dict[int, datetime | None]:
    """For each person, when a held message may go if their quiet hours hold it `now`
    (None: it may go at once), in one query. The caller leaves NEVER_HELD topics out."""
    ids = list(dict.fromkeys(user_ids))
    quiet = {q.user_id: q for q in QuietHours.objects.filter(user_id__in=ids)} if ids else {}
    return {pk: quiet_end(quiet.get(pk), now) for pk in ids}


def quiet_end(quiet: QuietHours | None, now: datetime) -> datetime | None:
    """The end of the quiet hours `now` is in, or None when it is outside them (or there
    are none). The hours are wall-clock times in the person's zone, across midnight when
    `start` is after `end`."""
    if quiet is None or quiet.start == quiet.end:
        return None
    try:
        zone = ZoneInfo(quiet.zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    t = local.time()
    inside = (
        quiet.start <= t < quiet.end
        if quiet.start < quiet.end
        else t >= quiet.start or t < quiet.end
    )
    if not inside:
        return None
    end_day = local.date() if t < quiet.end else local.date() + timedelta(days=1)
    # The wall time in the zone (a clock change moves the instant, not the words); an end
    # in the hour skipped in spring means the same offset as before the change.
    return datetime.combine(end_day, quiet.end, tzinfo=zone).astimezone(UTC)
