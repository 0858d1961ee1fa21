"""User.role is worked out once per request, and a changed role shows on the next."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import CareTeamMembership, User
from tests.conftest import log_in


def role_questions(captured) -> list[str]:
    """The role's first question, "is this person on a care team?" (an EXISTS)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "patients_careteammembership"' in q["sql"] and "LIMIT 1" in q["sql"]
    ]


@pytest.mark.parametrize("page", ["team:triage", "team:patients", "team:patient"])
def test_a_clinician_page_works_out_the_role_once(client, alice, bob, page):
    log_in(client, "alice")
    url = reverse(page, args=[bob.pk]) if page == "team:patient" else reverse(page)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The access check, the view and the navigation all read it; one query asks.
    assert len(role_questions(captured)) == 1, role_questions(captured)


def test_one_instance_asks_once_until_refreshed(alice, django_assert_num_queries):
    user = User.objects.get(pk=alice.pk)
    with django_assert_num_queries(1):
        assert user.role == User.Role.CLINICIAN
        assert user.role == User.Role.CLINICIAN
    CareTeamMembership.objects.filter(user=user).delete()
    assert user.role == User.Role.CLINICIAN  # this request's answer
    user.refresh_from_db()
    assert user.role == User.Role.NONE


def test_a_role_change_shows_on_the_next_request(client, alice):
    log_in(client, "alice")
    assert client.get(reverse("home"))["Location"] == reverse("team:triage")
    assert client.get(reverse("team:triage")).status_code == 200

    CareTeamMembership.objects.filter(user=alice).delete()
    assert client.get(reverse("team:triage")).status_code == 404
    assert client.get(reverse("home")).status_code == 403  # no role

    User.objects.filter(pk=alice.pk).update(is_staff=True)
    assert client.get(reverse("home"))["Location"] == reverse("team:setup")
