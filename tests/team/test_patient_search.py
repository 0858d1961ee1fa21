"""The nurse finds a patient by what she has in front of her: a name, a reference, a
hospital number or a date of birth."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
# The patients page with a search, signed in: the session with the user (patients.sessions),
# the role (once, for the check and the navigation), the page's rows, the access log… (the
# same whatever is typed).
SEARCH_QUERIES = 7


@pytest.fixture
def people(bob, dave, team_a):
    bob.reference, bob.hospital_number, bob.date_of_birth, bob.phone = (
        "P-AB6SHK2Q",
        "RX4 123 456",
        date(1960, 12, 31),
        "+44 7700 900103",
    )
    bob.save()
    dave.hospital_number, dave.date_of_birth = "RX9 118 552", date(1971, 5, 2)
    dave.phone = "+48 600 700 800"
    dave.save()
    dave.user.first_name, dave.user.last_name = "Łukasz", "Żółć"
    dave.user.save()
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
        ("118552", {"dave"}),  # part of one, without its spaces (issue 33)
        ("118 552", {"dave"}),
        ("zolc", {"dave"}),  # without the accents
        ("ŻÓŁĆ", {"dave"}),  # with them, in capitals
        ("lukasz zolc", {"dave"}),
        ("07700 900103", {"bob"}),  # a national number finds the international one
        ("+44 7700 900103", {"bob"}),
        ("900103", {"bob"}),  # part of it
        ("600-700-800", {"dave"}),
        ("123", set()),  # too short to be part of a number: it would find too many
        ("3456", {"bob"}),  # four characters are enough
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

    for query in ("bob baker", "6SHK", "31/12/1960", "zolc", "118552", "07700 900103"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("team:patients"), {"q": query})
        counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1, counts
    assert counts[0] == SEARCH_QUERIES, counts  # pinned: a change here is a change in cost
