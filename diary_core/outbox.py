"""The outbox: every message the product sends is a row first, then one loop delivers it.

A message row (a subclass of `OutboxMessage`: the team's notifications, account e-mails,
patient reminders, the clinicians' WATCH digests) is written in the transaction that made
it necessary. `deliver_due` claims due rows one at a time with `SELECT … FOR UPDATE SKIP
LOCKED` in a short transaction (a row just published: by one conditional UPDATE), hands
each to the kind's `send_one` (what to render, to whom, on which transport), and records
the outcome under one policy:

- a transport that raises is retried after `retry_delay(attempts)` until `MAX_ATTEMPTS`,
  unless `is_permanent(exc)` says trying again cannot help (then it fails at once);
- `last_error` is `describe(exc)`: the error's type and its SMTP code or HTTP status,
  never its text (which can hold an e-mail address or a phone number);
- a row left "sending" by a worker that died is taken back after `STUCK_AFTER`.

A new transport (web push, SMS) is a new `send_one` branch of a kind, not a new loop: it
raises `DeliveryError` (or lets its library's error through) and the policy here decides.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary_core.prepared import ID_STAND_INS, PreparedUpdate

logger = logging.getLogger(__name__)

# The one policy. Delays after attempt 1, 2, 3, 4, 5: 1, 2, 4, 8, 16 minutes (beat's
# sweeps run each minute, so a shorter delay would not be honoured); the sixth failure is
# final, about half an hour after the first try: a mail server's restart is outlived, and
# an outage longer than that shows as "failed" where the team looks (the inbox).
MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
# How far apart two machines' clocks may be: a message published to be sent now is sent
# by a worker whose clock is up to this much behind the writer's.
CLOCK_SLACK = timedelta(seconds=5)
# A row claimed this long ago and still "sending": its worker died mid-send.
STUCK_AFTER = timedelta(minutes=10)
INTERRUPTED = "interrupted while sending"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


class DeliveryError(Exception):
    """A transport's own refusal, with fixed words: `reason` is stored and shown, so it
    never holds an address; `permanent` when trying again cannot help (no address)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


# SMTP errors about the path (the server, the network, our own login or sender): they
# pass. Anything else the server answers 5xx to is about this message: it will not pass.
_SMTP_PATH = (
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPServerDisconnected,
)
# HTTP answers in the 4xx range that say "later", not "never".
_HTTP_LATER = frozenset({408, 425, 429})


def _smtp_codes(exc: BaseException) -> list[int]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return sorted({int(code) for code, _msg in exc.recipients.values()})
    if isinstance(exc, smtplib.SMTPResponseException):
        return [int(exc.smtp_code)]
    return []


def _http_status(exc: BaseException) -> int | None:
    """The HTTP status a push or SMS library's error carries (requests, httpx, webpush;
    twilio's errors name it `status`)."""
    for holder in (exc, getattr(exc, "response", None)):
        for name in ("status_code", "status"):
            status = getattr(holder, name, None)
            if isinstance(status, int):
                return status
    return None


def is_permanent(exc: BaseException) -> bool:
    """Whether trying again cannot help: the message's own address or content is refused
    (SMTP 5xx, HTTP 4xx). The path failing (connection, timeout, SMTP 4xx, HTTP 5xx,
    our login) and anything unknown is transient: retried until MAX_ATTEMPTS."""
    if isinstance(exc, DeliveryError):
        return exc.permanent
    if isinstance(exc, _SMTP_PATH):
        return False
    codes = _smtp_codes(exc)
    if codes:
        return all(code >= 500 for code in codes)
    status = _http_status(exc)
    if status is not None:
        return 400 <= status < 500 and status not in _HTTP_LATER
    return False


def describe(exc: BaseException) -> str:
    """What went wrong, for `last_error` and the logs: the error's type and its SMTP code
    or HTTP status. Never its text: a refused recipient's address is in it."""
    if isinstance(exc, DeliveryError):
        return exc.reason[:300]
    name = type(exc).__name__
    codes = _smtp_codes(exc)
    if codes:
        return f"{name} (SMTP {', '.join(map(str, codes))})"[:300]
    status = _http_status(exc)
    if status is not None:
        return f"{name} (HTTP {status})"
    return name


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"
    NOT_PENDING = "not pending"


@dataclass(frozen=True)
class Cancel:
    """What `send_one` returns when the message is no longer needed. `why` is fixed text."""

    why: str = ""


@dataclass(frozen=True)
class Defer:
    """What `send_one` returns when the message may not go yet (a patient's quiet hours);
    it is tried again at `until`, and this try does not count as an attempt."""

    until: datetime


class Channel(models.TextChoices):
    """How a message reaches a person: each value is one transport (reach/ sends push and
    SMS); the loop and the policy are the same for all of them."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Push notification")
    SMS = "sms", _("Text message")


class OutboxMessage(models.Model):
    """One message to one person on one channel, and how its delivery went.

    Subclasses add what the message is about and to whom; this is what every kind shares,
    so one loop sends them and one page (the admin's "Messages") shows them. A subclass
    has a `kind` field and names where its recipient's account is (`recipient_path`) and
    its channel (`channel_path`, a field; None: every message of the kind is an e-mail).
    """

    recipient_path: ClassVar[str] = "user"
    channel_path: ClassVar[str | None] = None

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not needed any more")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # describe(exc) or a fixed reason: never an address.
    last_error = models.CharField(max_length=300, blank=True)
    # When to try (next); while "sending", when it was claimed.
    due_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


Send = Callable[[OutboxMessage, datetime], "Cancel | Defer | None"]


def deliver_due(
    rows: models.QuerySet,
    send_one: Send,
    *,
    now: datetime | None = None,
    batch: int = 500,
    only: int | None = None,
    load: Callable[[int], OutboxMessage] | None = None,
) -> Counter[Outcome]:
    """Send the due rows of `rows`' model (or only the row `only`), at most `batch`, and
    count the outcomes. `rows` says how to load a claimed row (its `select_related`), or
    `load(pk)` does (the same query compiled once: diary_core.prepared.PreparedObjects);
    `send_one(row, now)` sends it, or returns Cancel/Defer. Safe to run twice or in
    several workers at once: a row is claimed before it is sent, and each claim skips
    rows another worker holds."""
    now = now or timezone.now()
    model = rows.model
    load = load or (lambda pk: rows.get(pk=pk))
    outcomes: Counter[Outcome] = Counter()
    if only is not None:
        # The row was just written by another process, due "now" by that process's clock;
        # a worker whose clock is a little behind still sends it at once. It is claimed
        # by one conditional UPDATE (_published_claim): of two workers racing, PostgreSQL
        # lets the second re-check `status` after the first commits, so it claims
        # nothing. Nothing else stands between the commit and the send.
        if _published_claim(model).update(pk=only, due_before=now + CLOCK_SLACK, now=now):
            outcomes[_deliver(load(only), send_one, now)] += 1
        else:
            outcomes[Outcome.NOT_PENDING] += 1
        return outcomes
    _take_back_stuck(model, now)  # the sweep's job; a single send need not pay for it
    due = model._default_manager.filter(status=OutboxMessage.Status.PENDING, due_at__lte=now)
    for _turn in range(batch):
        pk = _claim(due, now)
        if pk is None:
            break
        outcomes[_deliver(load(pk), send_one, now)] += 1
    return outcomes


# Stand-ins for PreparedUpdate: values no real call passes, two different sets.
_STAND_INS = {
    "pk": ID_STAND_INS[0],
    "due_before": datetime(1901, 1, 1, tzinfo=UTC),
    "now": datetime(1901, 1, 2, tzinfo=UTC),
}
_OTHER_STAND_INS = {
    "pk": ID_STAND_INS[1],
    "due_before": datetime(1901, 1, 3, tzinfo=UTC),
    "now": datetime(1901, 1, 4, tzinfo=UTC),
}


@functools.cache
def _published_claim(model: type[OutboxMessage]) -> PreparedUpdate:
    """The claim of one published row (pending and due -> sending, one more attempt),
    compiled once per kind of message: on the path of every alert, between the commit
    and the send, where Django compiling the UPDATE took longer than PostgreSQL running it."""

    def build(*, pk: int, due_before: datetime, now: datetime):
        due = model._default_manager.filter(
            status=OutboxMessage.Status.PENDING, due_at__lte=due_before, pk=pk
        )
        return due, _claim_changes(now)

    return PreparedUpdate(build, _STAND_INS, _OTHER_STAND_INS)


@functools.cache
def _recorded_sent(model: type[OutboxMessage]) -> PreparedUpdate:
    """Recording a row sent, compiled once per kind of message (what most sends end in)."""

    def build(*, pk: int, now: datetime):
        row = model._default_manager.filter(pk=pk)
        return row, {"status": OutboxMessage.Status.SENT, "sent_at": now, "last_error": ""}

    names = ("pk", "now")
    return PreparedUpdate(
        build,
        {name: _STAND_INS[name] for name in names},
        {name: _OTHER_STAND_INS[name] for name in names},
    )


def prepare(model: type[OutboxMessage]) -> None:
    """Compile the claim of a published row and the "sent" record of `model` now (a
    worker process's start), not on its first message."""
    _published_claim(model).compiled()
    _recorded_sent(model).compiled()


def _claim_changes(now: datetime) -> dict:
    """What a claim changes: pending -> sending, one more attempt, claimed `now` (so the
    sweep takes the row back only when its worker has been gone STUCK_AFTER)."""
    return {
        "status": OutboxMessage.Status.SENDING,
        "attempts": F("attempts") + 1,
        "due_at": now,
    }


def _claimed(due: models.QuerySet, now: datetime) -> bool:
    """Claim the rows of `due`; whether any were."""
    return bool(due.update(**_claim_changes(now)))


def _claim(due: models.QuerySet, now: datetime) -> int | None:
    """Take the next due row for this worker (pending -> sending, one more attempt)."""
    with transaction.atomic():
        pk = (
            due.select_for_update(skip_locked=True)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            _claimed(due.model._default_manager.filter(pk=pk), now)
    return pk


def _deliver(message: OutboxMessage, send_one: Send, now: datetime) -> Outcome:
    Status = OutboxMessage.Status
    row = type(message)._default_manager.filter(pk=message.pk)
    try:
        result = send_one(message, now)
    except Exception as exc:  # noqa: BLE001 — every failure is recorded under the one policy
        error = describe(exc)
        give_up = is_permanent(exc) or message.attempts >= MAX_ATTEMPTS
        row.update(
            status=Status.FAILED if give_up else Status.PENDING,
            last_error=error,
            due_at=now if give_up else now + retry_delay(message.attempts),
        )
        logger.warning(
            "%s %s failed (attempt %s): %s",
            message._meta.label,
            message.pk,
            message.attempts,
            error,
        )
        if type(exc).__name__ == "SoftTimeLimitExceeded":
            raise  # recorded; the task's time is up
        return Outcome.FAILED if give_up else Outcome.RETRY
    if isinstance(result, Cancel):
        row.update(status=Status.CANCELLED, last_error=result.why)
        return Outcome.CANCELLED
    if isinstance(result, Defer):
        # Not an attempt: nothing was tried.
        row.update(status=Status.PENDING, attempts=F("attempts") - 1, due_at=result.until)
        return Outcome.DEFERRED
    _recorded_sent(type(message)).update(pk=message.pk, now=now)
    return Outcome.SENT


def _take_back_stuck(model: type[OutboxMessage], now: datetime) -> None:
    """A row claimed more than STUCK_AFTER ago and still "sending" lost its worker: try it
    again (at most one duplicate, never a message lost), or fail it if it had its tries."""
    Status = OutboxMessage.Status
    stuck = model._default_manager.filter(status=Status.SENDING, due_at__lt=now - STUCK_AFTER)
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(status=Status.FAILED, last_error=INTERRUPTED)
    stuck.update(status=Status.PENDING, last_error=INTERRUPTED)


def outbox_models() -> list[type[OutboxMessage]]:
    """Every kind of message the product sends (the installed subclasses)."""
    return [m for m in apps.get_models() if issubclass(m, OutboxMessage)]


# The sweep claims pending rows by due time (give each concrete model this index).
def due_index(name: str) -> models.Index:
    return models.Index(fields=["due_at"], name=name, condition=Q(status="pending"))
