from __future__ import annotations

from collections.abc import Iterator

import pytest

from reach.vapid import new_key_pair
from tests.reach.push_service import PushService

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
