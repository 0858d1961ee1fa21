"""Where a form goes after it is saved: the page it was on, when that is safe.

Every `next` a form carries is read here. A path on this site, or the page's default:
never another site, never a scheme, never a name Django might try to reverse (`next=abc`
once answered 500 after the action had been saved).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

LONGEST = 2000


def next_page(request: HttpRequest, default: str) -> str:
    """The posted (or queried) `next` when it is a path on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_path(request, target):
        return target
    return default


def is_safe_path(request: HttpRequest, target: str) -> bool:
    return (
        0 < len(target) <= LONGEST
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
