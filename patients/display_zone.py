"""The zone a person's pages show times in: the patient's, or the care team's for
clinicians. Looked up once at login; the session keeps it (`accounts/display_zone.py`).
"""

from __future__ import annotations

from accounts.display_zone import remember
from patients.models import Caregiver, CareTeam, Patient


def display_zone_for(user) -> str | None:
    patient = Patient.objects.filter(user=user).only("timezone").first()
    if patient is not None:
        return patient.timezone
    caregiver = Caregiver.objects.filter(user=user, active=True).select_related("patient").first()
    if caregiver is not None:
        return caregiver.patient.timezone
    team = CareTeam.objects.for_clinician(user).only("timezone").first()
    return team.timezone if team is not None else None


def remember_zone_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, display_zone_for(user))
