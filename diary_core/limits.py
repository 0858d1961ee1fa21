"""Rate limits on the shared cache (django-ratelimit), failing open.

A limit protects people from floods (15 reset e-mails to one patient); it must never lock
them out because the cache is down, so any cache error means "not over the limit".
"""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger("security")


def over_limit(request: HttpRequest, *, group: str, key, rate: str) -> bool:
    """Count this request against the limit; True when it is over (None key: not limited)."""
    try:
        return bool(is_ratelimited(request, group=group, key=key, rate=rate, increment=True))
    except (RedisError, OSError):
        logger.warning("rate-limit cache unavailable; %s not limited", group)
        return False
