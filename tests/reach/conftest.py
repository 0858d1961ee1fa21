from __future__ import annotations

from collections.abc import Iterator

import pytest

from reach.vapid import new_key_pair
from tests.reach.fake_sms import FakeSmsProvider
from tests.reach.push_service import PushService

ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "test-token-0123456789"
SENDER = "+447400000001"


@pytest.fixture
def sms_provider(settings) -> Iterator[FakeSmsProvider]:
    """The provider's API, faked on a free local port, with the settings pointed at it."""
    fake = FakeSmsProvider()
    settings.SMS_API_BASE_URL = fake.url
    settings.SMS_ACCOUNT_SID = ACCOUNT
    settings.SMS_AUTH_TOKEN = TOKEN
    settings.SMS_FROM = SENDER
    settings.SMS_STATUS_CALLBACK = ""
    try:
        yield fake
    finally:
        fake.stop()


SUBJECT = "mailto:diary-admin@example.org"


@pytest.fixture
def vapid(settings) -> dict:
    """Push on, with a key pair of this test's own."""
    public, private = new_key_pair()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_SUBJECT = SUBJECT
    settings.WEBPUSH_ENABLED = True
    return {"public": public, "private": private, "subject": SUBJECT}


@pytest.fixture
def push_service(vapid, settings) -> Iterator[PushService]:
    service = PushService().start()
    settings.WEBPUSH_TEST_SERVICE = service.url
    try:
        yield service
    finally:
        service.stop()
