"""The inbox: patients by name, the entry's reasons in one notice, and "mark all read"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.care.concerns import concern_resolve
from alerts.models import Notification
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def kidney(bob):
    return submit_entry(
        bob,
        timezone.now(),
        temp="38.9",
        symptoms={"chills": 2, "dysuria": 2, "urinary_frequency": 2, "flank_pain": 2},
    )


def test_one_message_per_change_names_the_patient_and_the_lead_reason(client, alice, kidney):
    client.force_login(alice)
    html = client.get(reverse("team:inbox")).content.decode()
    assert html.count('class="list-group-item') == 1
    assert "Bob Baker" in html
    assert "opened" in html
    # What he reported, before the lead rule's title (chills: INF-FLU leads).
    line = html.index("Reported: Chills or shivering (moderate)")
    assert line < html.index("Chills or aches with a raised temperature")


def test_mark_all_read_reads_only_mine(client, alice, erin, kidney):
    event = kidney.alerts.first().concern.events.first()
    Notification.objects.create(
        concern=event.concern, event=event, kind="opened", recipient=erin, channel="in_app"
    )
    client.force_login(alice)
    assert "Mark 1 as read" in client.get(reverse("team:inbox")).content.decode()
    response = client.post(reverse("team:inbox_read_all"), follow=True)
    assert "Marked 1 notification as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, channel="in_app", read_at=None).exists()
    assert Notification.objects.filter(recipient=erin, read_at=None).exists()


def test_the_inbox_query_count_does_not_grow_with_notices(
    client, alice, bob, django_assert_max_num_queries
):
    client.force_login(alice)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 6):
        for i in range(n):
            entry = submit_entry(
                bob,
                timezone.now() - timezone.timedelta(days=2 * i + len(counts) * 20),
                temp="38.5",
                symptoms={"chills": 2},
            )
            concern_resolve(patient=bob, by=alice, action="no_action", now=entry.recorded_at)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("team:inbox"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
