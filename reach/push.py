"""Web push (RFC 8030) to a person's devices, encrypted for each browser (RFC 8291) and
signed with this server's VAPID key (RFC 8292), through pywebpush.

What is sent never says anything about anyone's health: a neutral title and sentence in
the recipient's language, the link to open, a tag (a later message with the same tag
replaces the earlier one on the screen) and the language code. The page the link opens
says the rest, after sign-in.

`send` is a transport's last step (the outbox records its outcome): a device whose push
service answers 404 or 410 has been unsubscribed and its row is deleted; any other
failure is raised when no device got the message, so the outbox classifies it by its
HTTP status (diary_core.outbox.is_permanent) and retries or gives up under the one policy.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
from dataclasses import dataclass
from enum import StrEnum

import requests
from django.conf import settings
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException, webpush

from accounts.languages import language_of
from diary_core.outbox import DeliveryError, is_permanent
from reach.models import PushDevice
from reach.vapid import b64url, new_key_pair

logger = logging.getLogger(__name__)

# How long a push service keeps a message for a device that is off (seconds). A reminder
# is still worth seeing half a day later; after that the next one is on its way.
DEFAULT_TTL = 12 * 60 * 60
# Each push service request gives up after this long (the outbox retries the message).
TIMEOUT_S = 10
# The push service answers these when the subscription no longer exists.
GONE = frozenset({404, 410})


class Urgency(StrEnum):
    """RFC 8030 §5.3: how soon a phone should wake for the message."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True)
class Sent:
    """What happened to one device: "sent", "gone" (its row deleted) or "failed"."""

    outcome: str
    error: BaseException | None = None


def payload(user, *, url: str, tag: str, test: bool = False) -> dict:
    """The whole message, in the recipient's language: nothing about their health."""
    code = language_of(user)
    with translation.override(code):
        return {
            "title": _("Kesimpta diary: a message for you"),
            "body": (
                _("This is a test. Notifications work on this device.")
                if test
                else _("Open the diary to read it.")
            ),
            "url": url,
            "tag": tag,
            "lang": code,
        }


def own_path(url: str) -> str:
    """A link to this diary as a path, so the service worker opens it on the origin it
    serves (behind a proxy DIARY_BASE_URL may name another host for the same site)."""
    base = settings.DIARY_BASE_URL
    if url.startswith(base + "/"):
        return url[len(base) :]
    return url


def send(
    user,
    *,
    url: str,
    tag: str,
    ttl: int = DEFAULT_TTL,
    urgency: Urgency | str = Urgency.NORMAL,
) -> None:
    """Send "a message for you" with `url` to each of `user`'s push devices.

    Returns when at least one device accepted it. Raises DeliveryError (permanent) when
    the person has no device left or push is off on this server; else, when no device
    accepted it, the first error that trying again might cure (or the last one), as the
    library raised it: WebPushException carries the push service's response."""
    if not settings.WEBPUSH_ENABLED:
        raise DeliveryError("web push is off on this server (no VAPID keys)", permanent=True)
    devices = list(PushDevice.objects.filter(user=user))
    if not devices:
        raise DeliveryError("no push device", permanent=True)
    data = payload(user, url=own_path(url), tag=tag)
    results = [push_one(device, data, ttl=ttl, urgency=urgency) for device in devices]
    if any(result.outcome == "sent" for result in results):
        return
    errors = [result.error for result in results if result.error is not None]
    if not errors:
        raise DeliveryError("no push device (every subscription was gone)", permanent=True)
    transient = [error for error in errors if not is_permanent(error)]
    raise (transient or errors)[0]


def send_test(device: PushDevice) -> Sent:
    """ "Send a test" on the Notifications page: one device, the same neutral words."""
    if not settings.WEBPUSH_ENABLED:
        return Sent("failed", DeliveryError("web push is off on this server", permanent=True))
    from django.urls import reverse

    data = payload(device.user, url=reverse("reach:notifications"), tag="test", test=True)
    return push_one(device, data, ttl=10 * 60, urgency=Urgency.NORMAL)


def topic_header(tag: str) -> str:
    """RFC 8030's Topic for `tag` (§5.4: at most 32 base64url characters): the same for
    the same tag, and saying nothing of it."""
    digest = salted_hmac("reach.push.topic", tag, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


@functools.lru_cache(maxsize=2)
def _vapid(private_key: str) -> Vapid:
    """The VAPID key parsed once per process and key (a new key in the settings is a new
    entry), not once per message."""
    return Vapid.from_string(private_key=private_key)


@functools.lru_cache(maxsize=1)
def _session(pid: int) -> requests.Session:
    """One HTTP session per worker process (`pid`: never one inherited across a fork), so
    the connection to a push service, and its TLS handshake, is kept between messages."""
    return requests.Session()


def push_warm() -> None:
    """Do once, at a worker process's start, what the first push message would otherwise
    do on its way out: parse the VAPID key, open the process's HTTP session, and encrypt
    one payload for a throwaway key (the first encryption loads the elliptic-curve and AES
    code). Nothing is sent, and the database is not touched (the caller's part)."""
    if not settings.WEBPUSH_ENABLED:
        return
    vapid = _vapid(settings.WEBPUSH_VAPID_PRIVATE_KEY)
    _session(os.getpid())
    browser_key, _private = new_key_pair()  # a browser's side, thrown away
    subscription = {
        "endpoint": "https://push.invalid/warm",
        "keys": {"p256dh": browser_key, "auth": b64url(os.urandom(16))},
    }
    WebPusher(subscription).encode(b"{}")
    vapid.sign(
        {
            "sub": settings.WEBPUSH_VAPID_SUBJECT or "mailto:diary@localhost",
            "aud": "https://push.invalid",
        }
    )


def push_one(device: PushDevice, data: dict, *, ttl: int, urgency: str) -> Sent:
    """Push `data` to one device; delete its row when the push service says it is gone."""
    headers = {"Urgency": str(urgency)}
    if data.get("tag"):
        # A message not yet delivered is replaced by a newer one about the same thing. The
        # header travels in clear through the push service, so it is an opaque digest of
        # the tag ("dose-…" or "call_back-…" would say something about the patient).
        headers["Topic"] = topic_header(data["tag"])
    try:
        webpush(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=json.dumps(data),
            vapid_private_key=_vapid(settings.WEBPUSH_VAPID_PRIVATE_KEY),
            # A new dict each time: pywebpush writes aud and exp into it.
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            ttl=ttl,
            timeout=TIMEOUT_S,
            headers=headers,
            requests_session=_session(os.getpid()),
        )
    except WebPushException as exc:
        if exc.status_code in GONE:
            PushDevice.objects.filter(pk=device.pk).delete()
            logger.info("push device %s is gone (HTTP %s): removed", device.pk, exc.status_code)
            return Sent("gone")
        logger.warning("push to device %s failed (HTTP %s)", device.pk, exc.status_code)
        return Sent("failed", exc)
    except requests.RequestException as exc:
        # The path: no connection, a timeout (retried).
        logger.warning("push to device %s failed (%s)", device.pk, type(exc).__name__)
        return Sent("failed", exc)
    except (ValueError, TypeError) as exc:
        # Keys the library cannot encrypt for (the page checks them; an old row may not).
        logger.warning("push device %s has unusable keys (%s)", device.pk, type(exc).__name__)
        return Sent("failed", DeliveryError("a push device's keys are unusable", permanent=True))
    PushDevice.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
    return Sent("sent")
