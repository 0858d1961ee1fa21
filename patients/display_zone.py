"""Show times in the user's own time zone: the patient's, or the care team's for clinicians.

The zone is looked up once at login and kept in the session, so pages pay no extra query
(the diary submit path is held to 10 queries).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from patients.models import Caregiver, CareTeam, Patient

SESSION_KEY = "display_zone"


def display_zone_for(user) -> str | None:
    patient = Patient.objects.filter(user=user).only("timezone").first()
    if patient is not None:
        return patient.timezone
    caregiver = Caregiver.objects.filter(user=user, active=True).select_related("patient").first()
    if caregiver is not None:
        return caregiver.patient.timezone
    team = CareTeam.objects.for_clinician(user).only("timezone").first()
    return team.timezone if team is not None else None


def remember(request, zone_name: str | None) -> None:
    if zone_name:
        request.session[SESSION_KEY] = zone_name
    else:
        request.session.pop(SESSION_KEY, None)


@receiver(user_logged_in)
def remember_zone_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, display_zone_for(user))


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
