"""diary_core.prepared: a query compiled once runs with each call's own values, and gives
what the ORM gives for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from diary_core.prepared import Prepared
from patients.models import Injection

pytestmark = pytest.mark.django_db


def doses(*, patient: int, after: datetime, dose: int):
    return (
        Injection.objects.filter(patient=patient, given_at__gt=after, dose_number__gte=dose)
        .order_by("given_at")
        .values("dose_number", "given_at")
    )


# Inside each field's range: a dose below 0 would make Django drop the condition as always
# true, and Prepared refuse it (the next test).
STAND_INS = {"patient": -1, "after": datetime(1901, 1, 1, tzinfo=UTC), "dose": 987_654}


def test_each_call_runs_the_same_sql_with_its_own_values(bob, dave):
    now = timezone.now()
    for patient, days in ((bob, (40, 12, 3)), (dave, (30,))):
        for n, ago in enumerate(days, start=1):
            Injection.objects.create(
                patient=patient, given_at=now - timedelta(days=ago), dose_number=n
            )
    built = []

    def counted(**values):
        built.append(values)
        return doses(**values)

    prepared = Prepared(counted, **STAND_INS)
    cases = [(bob, 20, 1), (bob, 50, 2), (dave, 50, 1), (dave, 1, 1), (bob, 50, 9)]
    for patient, days, dose in cases:
        values = {"patient": patient.pk, "after": now - timedelta(days=days), "dose": dose}
        assert prepared.rows(**values) == [tuple(row.values()) for row in doses(**values)]
    assert built == [STAND_INS]  # built and compiled once, with the stand-ins only


def test_a_value_the_query_does_not_take_as_a_parameter_is_refused():
    def inlined(*, patient: int, after: datetime, dose: int):
        return Injection.objects.filter(patient=1, given_at__gt=after).values("pk")

    with pytest.raises(ValueError, match="patient"):
        Prepared(inlined, **STAND_INS).rows(patient=1, after=timezone.now(), dose=1)


def test_every_value_is_asked_for():
    with pytest.raises(TypeError):
        Prepared(doses, **STAND_INS).rows(patient=1, after=timezone.now())
