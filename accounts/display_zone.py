"""Show times in the user's own time zone, kept in the session.

The zone is chosen once at login (`patients.display_zone`: the patient's, or the care
team's for clinicians) and kept in the session, so pages pay no extra query (the diary
submit path is held to 10 queries).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

SESSION_KEY = "display_zone"


def remember(request, zone_name: str | None) -> None:
    if zone_name:
        request.session[SESSION_KEY] = zone_name
    else:
        request.session.pop(SESSION_KEY, None)


class DisplayZoneMiddleware:
    """Activate the session's display zone for the request (templates then show local times)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        try:
            timezone.activate(ZoneInfo(name)) if name else timezone.deactivate()
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
