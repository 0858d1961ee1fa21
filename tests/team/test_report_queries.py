"""The clinic report reads a constant number of queries whether the clinic has 20 patients
or 2,000 (aggregates and percentiles in PostgreSQL, never a row per patient)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import log_in
from tests.team import report_data as data

pytestmark = pytest.mark.django_db

# The session with the user (patients.sessions), second factor, role, the user's teams,
# then the six report queries
# (patients, entries, alerts by rule, escalations, response-time percentiles, quiets);
# the page also reads each patient's check-ins (one query for all of them); the navigation
# reuses the role (User.role is worked out once per request). Pinned: a change here is a
# change to read.
PAGE_QUERIES = 11
CSV_QUERIES = 10


def grow(team, count: int, *, start: int) -> None:
    """`count` more patients, each with two entries, a CONTACT and a WATCH alert, an
    acknowledgement, and an escalation."""
    now = timezone.now()
    people = data.patients(team, count, enrolled_at=now - timedelta(days=40), prefix=f"g{start}-")
    made = data.entries([(p, now - timedelta(days=d, hours=1)) for p in people for d in (1, 3)])
    contact, watch = data.rule("RPT-QC", "CONTACT"), data.rule("RPT-QW", "WATCH")
    rows = []
    for entry in made[::2]:
        fired = entry.recorded_at
        rows.append((entry.patient, contact, fired, entry, True, fired + timedelta(hours=2), None))
        rows.append((entry.patient, watch, fired, entry, False, None, None))
    alerts = data.alerts(rows)
    for alert in alerts[::2]:
        data.escalation(alert, step=1, processed_at=alert.fired_at, outcome="renotified")


@pytest.mark.parametrize("scope", ["team", "clinic"])
@pytest.mark.parametrize(
    ("name", "expected"), [("team:report", PAGE_QUERIES), ("team:report_csv", CSV_QUERIES)]
)
def test_query_count_is_the_same_at_20_and_2000_patients(
    client, alice, team_a, django_assert_num_queries, name, expected, scope
):
    params = {"days": 30, "team": team_a.pk} if scope == "team" else {"days": 30}
    log_in(client, alice.username)
    grow(team_a, 20, start=0)
    with django_assert_num_queries(expected):
        small = client.get(reverse(name), params)
    grow(team_a, 1980, start=20)
    with django_assert_num_queries(expected):
        large = client.get(reverse(name), params)
    assert small.status_code == large.status_code == 200
    if name == "team:report":
        assert small.context["report"].patients == 20
        assert large.context["report"].patients == 2000
        assert large.context["report"].entries == 4000
