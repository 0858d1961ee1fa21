"""Who counts as the clinic's staff (an administrator or a care-team member) is decided by
User.is_clinic_staff alone: the session clocks, the second factor and the caregiver check
read it, and `role` builds on it."""

from __future__ import annotations

import pytest

from tests.sources import places


def test_team_membership_is_asked_about_in_the_user_model_only():
    assert {p.split(":")[0] for p in places(r"\.team_memberships\b", ".py", ".html")} == {
        "patients/models.py"
    }


@pytest.mark.django_db
def test_it_counts_administrators_and_clinicians_but_not_patients_or_caregivers(
    alice, dana, bob, carol
):
    assert alice.is_clinic_staff and dana.is_clinic_staff
    assert not bob.user.is_clinic_staff and not carol.user.is_clinic_staff
    assert (alice.role, dana.role) == ("clinician", "administrator")
