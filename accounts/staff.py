"""Who is clinic staff: the accounts held to the stricter rules (30 idle minutes, a second
factor always)."""

from __future__ import annotations


def is_clinic_staff(user) -> bool:
    """An administrator (a staff account) or a clinician (a member of a care team).

    `team_memberships` is the reverse name of `patients.CareTeamMembership.user`: read by
    name, so this package never imports the clinical models above it.
    """
    return bool(user.is_staff or user.team_memberships.exists())
