"""The patient record itself."""

from __future__ import annotations


def test_a_reference_collision_is_retried_not_a_500(db, bob, monkeypatch, team_a):
    from patients import models
    from tests.conftest import make_user

    fresh = iter([bob.reference, "P-FRESH234"])
    monkeypatch.setattr(models, "new_reference", lambda: next(fresh))
    patient = models.Patient(user=make_user("zoe"), team=team_a, reference=bob.reference)
    patient.save()
    assert patient.reference == "P-FRESH234"
