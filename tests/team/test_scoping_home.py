"""Which patients a clinician may see is decided in one place: patients.access.clinicians_patient
for one patient (over Patient.objects.for_clinician, over CareTeam.objects.for_clinician)."""

from __future__ import annotations

import re

import pytest
from django.http import Http404
from django.test import RequestFactory

from patients.access import clinicians_patient
from patients.models import Patient
from tests.sources import ROOT, product_files


def _files_matching(pattern: str) -> set[str]:
    regex = re.compile(pattern)
    return {
        str(path.relative_to(ROOT))
        for path in product_files(".py")
        if regex.search(path.read_text(encoding="utf-8"))
    }


def test_one_patient_is_looked_up_for_a_clinician_in_one_place():
    """No page fetches a patient by hand: each calls clinicians_patient. The other readers
    of Patient.objects.for_clinician read sets: the patient list, the lab import matching
    a file's identifiers among the clinician's patients, its page of what it recorded, and
    the list of blood tests due."""
    assert _files_matching(r"get_object_or_404\(\s*Patient\b") == set()
    assert _files_matching(r"Patient\.objects\.for_clinician\(") == {
        "team/patient_views.py",
        "alerts/care/lab_import.py",
        "team/lab_import_views.py",
        "team/labs_due_views.py",
    }


def test_team_membership_is_read_in_one_place():
    """Only CareTeam.objects.for_clinician asks who belongs to which team."""
    assert _files_matching(r"memberships__user|memberships\.filter\(\s*user=") == {
        "patients/models.py"
    }


@pytest.mark.django_db
def test_it_gives_a_clinician_their_teams_patient_and_404_for_anyone_else(alice, charlie, bob):
    request = RequestFactory().get("/")
    request.user = alice
    assert clinicians_patient(request, bob.pk) == bob
    request.user = charlie
    with pytest.raises(Http404):
        clinicians_patient(request, bob.pk)
    request.user = alice
    with pytest.raises(Http404):
        clinicians_patient(request, bob.pk, among=Patient.objects.none())
