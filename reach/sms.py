"""Text messages (SMS) through a Twilio-compatible provider: the transport, and its words.

`send(user, text)` sends to the person's verified number and returns the provider's
message id. Any gateway that speaks Twilio's Messages API works: the base URL, the
account and its token come from the settings (SMS_API_BASE_URL, SMS_ACCOUNT_SID,
SMS_AUTH_TOKEN, SMS_FROM). Errors follow the outbox's contract (diary_core/outbox.py):
our own refusals are `DeliveryError`; the library's `TwilioRestException` (its `.status`:
4xx fails at once, 429 and 5xx are retried) and `requests`' connection errors and
timeouts (retried) pass through, to be classified and recorded without their text.

A text never says anything about anyone's health: "there is something to see" and a link
(the page says the rest after sign-in), in the recipient's language, short enough for one
message (160 GSM-7 characters) where the language allows.
"""

from __future__ import annotations

import functools

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from diary_core.outbox import DeliveryError
from reach.models import Phone

# Seconds to connect, and again to wait for the answer: a sweep is never held longer.
TIMEOUT = 10


def is_on() -> bool:
    """Whether text messages can be sent at all: the account, its token and a sender."""
    return bool(settings.SMS_ACCOUNT_SID and settings.SMS_AUTH_TOKEN and settings.SMS_FROM)


def send(user, text: str) -> str:
    """Send `text` to the person's verified number; the provider's message id.

    No verified number: a permanent DeliveryError (nothing to retry until they add one)."""
    phone = Phone.objects.filter(user=user, verified_at__isnull=False).first()
    if phone is None:
        raise DeliveryError("no verified phone", permanent=True)
    return send_to_number(phone.number.as_e164, text)


def send_to_number(number: str, text: str) -> str:
    """Send `text` to `number` (E.164), verified or not: only the code that verifies a
    number goes this way without `send`."""
    if not is_on():
        raise DeliveryError("text messages are not set up", permanent=True)
    sender = settings.SMS_FROM
    # A messaging service SID lets the provider pick the sender; else it is the sender.
    origin = (
        {"messaging_service_sid": sender}
        if sender.startswith("MG") and len(sender) == 34
        else {"from_": sender}
    )
    if settings.SMS_STATUS_CALLBACK:
        origin["status_callback"] = settings.SMS_STATUS_CALLBACK
    client = _client(settings.SMS_API_BASE_URL, settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN)
    message = client.messages.create(to=number, body=text, **origin)
    return message.sid


@functools.lru_cache(maxsize=4)
def _client(base_url: str, account_sid: str, token: str) -> Client:
    """One client per configuration, so its connections are kept between messages (a
    worker process makes its own on first use: nothing is shared across a fork)."""
    client = Client(account_sid, token, http_client=TwilioHttpClient(timeout=TIMEOUT))
    # Messages live on the "api" domain (/2010-04-01/Accounts/{sid}/Messages.json): point
    # that domain at the configured gateway. An edge or region in the environment would
    # rewrite the host of every URL (ClientBase.get_hostname): the base URL is the host.
    client.api.base_url = base_url.rstrip("/")
    client.edge = client.region = None
    return client
