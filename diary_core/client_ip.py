"""The client's address: one function for the login lockout (django-axes), the audit
trails and the rate limits.

REMOTE_ADDR, unless the site runs behind DJANGO_PROXY_COUNT trusted proxies. Each of those
appends the address it saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for, cloud
load balancers), so the client is the N-th address from the right; everything further
left is whatever the client sent and can be forged. Before this, every client behind a
proxy was the proxy: one lockout for everyone, and audit rows naming the proxy.

(django-ipware's proxy_count counts an exact number of hops in the header, so a client
that sends its own X-Forwarded-For through nginx gets no address at all; this convention
is the one proxies follow.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.DIARY_PROXY_COUNT
    if not count:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote  # it did not come through every proxy: the nearest address
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return remote
