"""diary_core.prepared: a query compiled once runs with each call's own values, and gives
what the ORM gives for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count, F
from django.utils import timezone

from alerts.models import Notification
from diary_core.prepared import ID_STAND_INS, Prepared, PreparedObjects, PreparedUpdate
from patients.models import Injection
from tests.alerts.factories import submit_entry

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
OTHER = {"patient": -2, "after": datetime(1901, 1, 2, tzinfo=UTC), "dose": 987_655}


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

    prepared = Prepared(counted, STAND_INS, OTHER)
    cases = [(bob, 20, 1), (bob, 50, 2), (dave, 50, 1), (dave, 1, 1), (bob, 50, 9)]
    for patient, days, dose in cases:
        values = {"patient": patient.pk, "after": now - timedelta(days=days), "dose": dose}
        assert prepared.rows(**values) == [tuple(row.values()) for row in doses(**values)]
    assert built == [STAND_INS, OTHER]  # built and compiled once, with the stand-ins only


def test_a_value_the_query_does_not_take_as_a_parameter_is_refused():
    def inlined(*, patient: int, after: datetime, dose: int):
        return Injection.objects.filter(patient=1, given_at__gt=after).values("pk")

    with pytest.raises(ValueError, match="patient"):
        Prepared(inlined, STAND_INS, OTHER).rows(patient=1, after=timezone.now(), dose=1)


def test_every_value_is_asked_for():
    with pytest.raises(TypeError):
        Prepared(doses, STAND_INS, OTHER).rows(patient=1, after=timezone.now())


def test_a_stand_in_equal_to_a_constant_of_the_query_is_told_apart(bob):
    """With one set of stand-ins a dose of 1 would pass for the query's own 1; the second
    set shows which parameter moves with the value and which is the constant."""
    now = timezone.now()
    for n in (1, 2, 3):
        Injection.objects.create(patient=bob, given_at=now - timedelta(days=10 - n), dose_number=n)

    def with_constant(*, patient: int, after: datetime, dose: int):
        return (
            Injection.objects.filter(patient=patient, given_at__gt=after, dose_number__gte=dose)
            .exclude(dose_number=1)
            .order_by("dose_number")
            .values_list("dose_number")
        )

    prepared = Prepared(with_constant, {**STAND_INS, "dose": 1}, OTHER)
    for dose in (1, 2, 3):
        values = {"patient": bob.pk, "after": now - timedelta(days=30), "dose": dose}
        assert prepared.rows(**values) == list(with_constant(**values))
    assert prepared.rows(patient=bob.pk, after=now - timedelta(days=30), dose=1) == [(2,), (3,)]


def test_none_is_refused_as_a_value():
    with pytest.raises(TypeError, match="None"):
        Prepared(doses, STAND_INS, OTHER).rows(patient=1, after=None, dose=1)


# PreparedObjects: model instances, read as the ORM reads them.


def notifications(*, pk: int):
    return (
        Notification.objects.select_related("concern__patient", "event", "recipient")
        .only(
            "kind",
            "concern__level",
            "concern__patient__reference",
            "event__detail",
            "recipient__email",
        )
        .filter(pk=pk)
    )


PK, OTHER_PK = ({"pk": value} for value in ID_STAND_INS)


def test_instances_are_what_the_orm_gives_with_their_related_rows_and_json(
    bob, alice, django_assert_num_queries
):
    submit_entry(bob, timezone.now(), temp="38.5")
    prepared = PreparedObjects(notifications, PK, OTHER_PK)
    rows = list(Notification.objects.order_by("pk"))
    assert rows  # the fever told the team
    for row in rows:
        event = row.event
        event.detail = {"step": 2, "nested": {"n": [1, 2]}}  # a JSON column, read as JSON
        event.save(update_fields=["detail"])
        expected = notifications(pk=row.pk).get()
        with django_assert_num_queries(1):  # the related rows came in the one query
            (got,) = prepared.objects(pk=row.pk)
            seen = (
                got.kind,
                got.concern.level,
                got.concern.patient.reference,
                got.event.detail,
                got.recipient.email,
            )
        assert seen == (
            expected.kind,
            expected.concern.level,
            expected.concern.patient.reference,
            {"step": 2, "nested": {"n": [1, 2]}},
            expected.recipient.email,
        )
        assert got.get_deferred_fields() == expected.get_deferred_fields()
        assert got._state.db == "default" and not got._state.adding
    assert prepared.objects(pk=max(r.pk for r in rows) + 1) == []
    assert prepared.get(pk=rows[0].pk).pk == rows[0].pk
    assert prepared.first(pk=rows[0].pk).pk == rows[0].pk
    assert prepared.first(pk=max(r.pk for r in rows) + 1) is None
    keyed = PreparedObjects.keyed("pk", notifications)
    assert (keyed.stand_ins, keyed.other_stand_ins) == (PK, OTHER_PK)
    assert [n.pk for n in keyed.objects(pk=rows[0].pk)] == [rows[0].pk]
    with pytest.raises(Notification.DoesNotExist):
        prepared.get(pk=max(r.pk for r in rows) + 1)


def test_a_related_row_that_is_not_there_is_none(bob, alice):
    submit_entry(bob, timezone.now(), temp="38.5")
    row = Notification.objects.filter(event__isnull=False).first()
    Notification.objects.filter(pk=row.pk).update(event=None)
    (got,) = PreparedObjects(notifications, PK, OTHER_PK).objects(pk=row.pk)
    assert got.event is None


def test_values_annotations_and_prefetching_are_refused():
    def as_values(*, pk: int):
        return Notification.objects.filter(pk=pk).values("kind")

    def annotated(*, pk: int):
        return Notification.objects.filter(pk=pk).annotate(n=Count("concern__events"))

    def prefetching(*, pk: int):
        return Notification.objects.filter(pk=pk).prefetch_related("concern__events")

    for build in (as_values, annotated, prefetching):
        with pytest.raises(ValueError):
            PreparedObjects(build, PK, OTHER_PK).objects(pk=1)


# PreparedUpdate: an UPDATE compiled once, changing what queryset.update() changes.


def doses_after(*, patient: int, after: datetime, by: int):
    rows = Injection.objects.filter(patient=patient, given_at__gt=after)
    return rows, {"dose_number": F("dose_number") + by}


def test_an_update_changes_the_rows_the_orm_would_and_counts_them(bob, dave):
    now = timezone.now()
    for patient in (bob, dave):
        for n, ago in enumerate((40, 12, 3), start=1):
            Injection.objects.create(
                patient=patient, given_at=now - timedelta(days=ago), dose_number=n
            )
    prepared = PreparedUpdate(
        doses_after,
        {"patient": -1, "after": STAND_INS["after"], "by": 987_654},
        {"patient": -2, "after": OTHER["after"], "by": 987_655},
    )
    assert prepared.update(patient=bob.pk, after=now - timedelta(days=20), by=10) == 2
    assert prepared.update(patient=dave.pk, after=now - timedelta(days=5), by=100) == 1
    assert prepared.update(patient=dave.pk, after=now, by=1) == 0

    def numbers(patient):
        return list(patient.injections.order_by("given_at").values_list("dose_number", flat=True))

    assert numbers(bob) == [1, 12, 13]
    assert numbers(dave) == [1, 2, 103]


def test_an_update_across_a_join_is_refused():
    def by_username(*, name: str):
        return Injection.objects.filter(patient__user__username=name), {"dose_number": 1}

    with pytest.raises(ValueError, match="one table"):
        PreparedUpdate(by_username, {"name": "x-stand-in"}, {"name": "y-stand-in"}).update(name="b")


def test_an_update_of_a_slice_or_distinct_rows_is_refused():
    def sliced(*, patient: int):
        return Injection.objects.filter(patient=patient)[:1], {"dose_number": 1}

    def distinct(*, patient: int):
        return Injection.objects.filter(patient=patient).distinct(), {"dose_number": 1}

    for build in (sliced, distinct):
        with pytest.raises(ValueError, match="sliced"):
            PreparedUpdate(build, {"patient": -1}, {"patient": -2}).update(patient=1)
