from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reach.fake_sms import FakeSmsProvider

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
