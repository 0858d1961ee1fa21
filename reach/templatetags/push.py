"""What the "On this device" part of the Notifications page needs from the settings."""

from __future__ import annotations

import hashlib

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def push_settings(context) -> dict:
    """Whether push is on, the VAPID public key the browser subscribes with (public by
    nature), a name for this device from its browser, and the URLs the script posts to."""
    from reach.push_views import default_name

    request = context.get("request")
    return {
        "enabled": settings.WEBPUSH_ENABLED,
        "public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        "default_name": default_name(request.headers.get("User-Agent", "") if request else ""),
        "subscribe_url": reverse("reach:push_subscribe"),
        "unsubscribe_url": reverse("reach:push_unsubscribe"),
        "worker_url": reverse("service_worker"),
        "script": static("js/push.js"),
    }


@register.filter
def endpoint_hash(endpoint: str) -> str:
    """SHA-256 of a subscription's endpoint: the page's script finds which row is this
    browser without the page showing anyone the endpoint itself."""
    return hashlib.sha256(endpoint.encode()).hexdigest()
