"""The patient's injections page says when the next blood test for immunoglobulins is due,
in plain words, once the team has one on record (clinical-rules §6); nothing otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from patients.lab_tests import BY_NAME
from patients.models import LabResult

pytestmark = pytest.mark.django_db

PAGE = reverse("patients:injections")
NEXT = "Your next blood test for immunoglobulins is due around {}. Your team will arrange it."
LATE = "Your blood test for immunoglobulins was due on {}. Please ask your team about it."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 1, 9, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def on_treatment(bob):
    bob.first_dose_at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    bob.save()
    return bob


def ig(patient, collected_on: date, test: str = "IgG", **extra) -> LabResult:
    return LabResult.objects.create(
        patient=patient,
        test=BY_NAME[test].loinc,
        value=Decimal("7.1"),
        unit="g/L",
        collected_on=collected_on,
        **extra,
    )


def page_of(client, patient_or_carer) -> str:
    client.force_login(patient_or_carer.user)
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("collected", "sentence"),
    [
        (date(2026, 12, 3), NEXT.format("3 June 2027")),
        (date(2026, 8, 31), NEXT.format("28 February 2027")),  # clamped to the month's end
        (date(2026, 7, 9), NEXT.format("9 January 2027")),  # today: due, not late
        (date(2026, 7, 8), LATE.format("8 January 2027")),  # the day after: late
        (date(2026, 5, 1), LATE.format("1 November 2026")),
    ],
)
def test_the_next_blood_test_in_plain_words(client, on_treatment, collected, sentence):
    ig(on_treatment, collected)
    html = page_of(client, on_treatment)
    section = html.split('class="card mb-3 blood-test"', 1)[1].split("</section>", 1)[0]
    assert sentence in section
    for rule_words in ("LAB-DUE", "IgG", "interval", "overdue", "baseline", "g/L"):
        assert rule_words not in html.replace("align-baseline", "")


def test_the_latest_result_counts_igm_too(client, on_treatment):
    ig(on_treatment, date(2026, 7, 1))
    ig(on_treatment, date(2026, 12, 3), test="IgM")
    assert NEXT.format("3 June 2027") in page_of(client, on_treatment)


def test_a_caregiver_reads_the_same(client, on_treatment, carol):
    ig(on_treatment, date(2026, 12, 3))
    carol.accepted_at = timezone.now()
    carol.save()
    assert NEXT.format("3 June 2027") in page_of(client, carol)


@pytest.mark.parametrize(
    "case",
    ["no result", "only withdrawn", "only hepatitis B", "recovery recorded", "discharged"],
)
def test_nothing_is_said_without_a_result_or_once_nothing_is_due(client, on_treatment, case):
    if case == "only withdrawn":
        ig(on_treatment, date(2026, 12, 3), withdrawn_at=timezone.now())
    elif case == "only hepatitis B":
        LabResult.objects.create(
            patient=on_treatment,
            test=BY_NAME["HBsAg"].loinc,
            positive=False,
            collected_on=date(2026, 5, 1),
        )
    elif case == "recovery recorded":
        ig(on_treatment, date(2026, 7, 1))
        on_treatment.treatment_stopped_on = date(2026, 8, 1)
        on_treatment.b_cell_recovery_on = date(2026, 12, 1)
        on_treatment.save()
    elif case == "discharged":
        ig(on_treatment, date(2026, 7, 1))
        on_treatment.discharged_at = timezone.now()
        on_treatment.save()
    client.force_login(on_treatment.user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "blood test" not in response.content.decode().lower()
