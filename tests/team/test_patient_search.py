"""The nurse finds a patient by what she has in front of her: a name, a reference, a
hospital number or a date of birth."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(bob, dave, team_a):
    bob.reference, bob.hospital_number, bob.date_of_birth = (
        "P-AB6SHK2Q",
        "RX4 123 456",
        date(1960, 12, 31),
    )
    bob.save()
    dave.hospital_number, dave.date_of_birth = "RX9 000 111", date(1971, 5, 2)
    dave.save()
    return bob, dave


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("bob baker", {"bob"}),
        ("Baker Bob", {"bob"}),
        ("BAKER", {"bob"}),
        ("bob smith", set()),
        ("6SHK", {"bob"}),  # part of the reference
        ("p-ab6shk2q", {"bob"}),
        ("RX4 123 456", {"bob"}),
        ("RX4123456", {"bob"}),  # typed without the spaces
        ("RX9", {"dave"}),  # the start of a hospital number
        ("31/12/1960", {"bob"}),
        ("31.12.1960", {"bob"}),
        ("1960-12-31", {"bob"}),
        ("02/05/1971", {"dave"}),
        ("31/13/1960", set()),  # not a date, and not a name either
    ],
)
def test_alice_finds_a_patient_by_what_she_types(client, alice, people, query, found):
    client.force_login(alice)
    rows = client.get(reverse("team:patients"), {"q": query}).context["rows"]
    assert {row["patient"].user.username for row in rows} == found


def test_search_never_crosses_teams(client, charlie, people):
    client.force_login(charlie)
    for query in ("bob baker", "6SHK", "RX4 123 456", "31/12/1960"):
        assert client.get(reverse("team:patients"), {"q": query}).context["rows"] == []


def test_search_takes_the_same_queries_whatever_is_typed(
    client, alice, people, django_assert_num_queries
):
    client.force_login(alice)
    client.get(reverse("team:patients"))
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for query in ("bob baker", "6SHK", "31/12/1960"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("team:patients"), {"q": query})
        counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1
