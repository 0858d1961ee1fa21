"""A person's number for text messages: setting it, proving it is theirs, removing it.

Nothing is sent to a number until its owner has typed back a 6-digit code sent to it
once. The code is a secret, so it is never written anywhere in clear: only its hash is
kept (Phone.code_hash), and it is sent synchronously, in the request that asked for it,
rather than through the outbox. An outbox row would have to carry the code (a row in
clear) or make it at sending time in a worker, where a failure could only be reported
later; in the request, a refused number or a provider outage is told to the person at
once ("we could not send the code"), with their number kept and a button to try again.
A code is void after CODE_LIFETIME or MAX_TRIES wrong tries; a new one may be asked for
once every RESEND_AFTER (and the view limits how many a day).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from phonenumber_field.phonenumber import PhoneNumber

from accounts.languages import speaking_to
from diary_core.outbox import describe
from reach import sms
from reach.models import Phone

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(minutes=1)


class Check(StrEnum):
    """What typing a code did."""

    VERIFIED = "verified"
    WRONG = "wrong"
    # The last wrong try of MAX_TRIES: the code is void now.
    USED_UP = "used up"
    EXPIRED = "expired"
    # No code to check (never sent, already used or voided).
    NO_CODE = "no code"


class CodeNotSent(Exception):
    """The provider did not take the code's message; `reason` is describe(exc)'s."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def code_pending(phone: Phone, *, now: datetime | None = None) -> bool:
    """Whether a code sent to this phone can still be typed back."""
    now = now or timezone.now()
    return bool(
        phone.code_hash
        and phone.code_sent_at is not None
        and now < phone.code_sent_at + CODE_LIFETIME
        and phone.code_tries < MAX_TRIES
    )


def resend_at(phone: Phone) -> datetime | None:
    """When a new code may be sent to this phone (None: at once)."""
    if phone.code_sent_at is None:
        return None
    return phone.code_sent_at + RESEND_AFTER


def phone_number_set(*, user, number: PhoneNumber) -> tuple[Phone, bool]:
    """Give the person this number; whether it changed. A new number is not verified
    (any code sent to the old one is void), and a code may be sent to it at once."""
    # A form sent twice at once (a double click) finds the row the first one made.
    phone, created = Phone.objects.get_or_create(user=user, defaults={"number": number})
    if created:
        return phone, True
    if phone.number == number:
        return phone, False
    phone.number = number
    phone.verified_at = None
    phone.code_hash = ""
    phone.code_sent_at = None
    phone.code_tries = 0
    phone.save()
    return phone, True


def phone_code_send(*, phone: Phone, now: datetime | None = None) -> None:
    """Make a new code, keep its hash, and text it to the phone (in its owner's language).

    The caller checks `resend_at` first. Raises CodeNotSent when the provider refuses or
    cannot be reached: the code is void, and another may be asked for at once."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    before = phone.code_sent_at
    phone.code_hash = make_password(code)
    phone.code_sent_at = now
    phone.code_tries = 0
    phone.save(update_fields=["code_hash", "code_sent_at", "code_tries"])
    with speaking_to(phone.user):
        text = gettext("Kesimpta diary: your code is %(code)s. It works for %(minutes)s minutes.")
        text %= {"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)}
    try:
        sms.send_to_number(phone.number.as_e164, text)
    except Exception as exc:  # noqa: BLE001 — every failure is told to the person
        reason = describe(exc)
        logger.warning("verification code for phone %s not sent: %s", phone.pk, reason)
        Phone.objects.filter(pk=phone.pk, code_hash=phone.code_hash).update(
            code_hash="", code_sent_at=before
        )
        phone.code_hash, phone.code_sent_at = "", before
        raise CodeNotSent(reason) from None


def phone_code_check(*, user, code: str, now: datetime | None = None) -> Check:
    """Check a code the person typed; a right one verifies their number.

    Each wrong try counts (under a row lock, so tries in parallel count too)."""
    now = now or timezone.now()
    with transaction.atomic():
        phone = Phone.objects.select_for_update().filter(user=user).first()
        if phone is None or not phone.code_hash or phone.code_tries >= MAX_TRIES:
            return Check.NO_CODE
        if phone.code_sent_at is None or now >= phone.code_sent_at + CODE_LIFETIME:
            phone.code_hash = ""
            phone.save(update_fields=["code_hash"])
            return Check.EXPIRED
        if check_password(code, phone.code_hash):
            phone.verified_at = now
            phone.code_hash = ""
            phone.code_tries = 0
            phone.save(update_fields=["verified_at", "code_hash", "code_tries"])
            return Check.VERIFIED
        phone.code_tries += 1
        if phone.code_tries >= MAX_TRIES:
            phone.code_hash = ""
        phone.save(update_fields=["code_tries", "code_hash"])
        return Check.USED_UP if phone.code_tries >= MAX_TRIES else Check.WRONG


def phone_remove(*, user) -> bool:
    """Forget the person's number (nothing more is texted to them); whether there was one."""
    deleted, _by_model = Phone.objects.filter(user=user).delete()
    return bool(deleted)
