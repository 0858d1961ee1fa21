"""'Did you reach someone?' after a CONTACT or URGENT prompt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import followup, services
from alerts.models import Alert, FollowUp
from tests.alerts.factories import make_entry

TODAY = reverse("symptoms:today")


def warned(bob, hours_ago: float):
    at = timezone.now() - timedelta(hours=hours_ago)
    entry = make_entry(bob, at, temp="38.4")
    services.entry_evaluate(entry.pk, now=at)
    return entry


@pytest.mark.django_db
def test_the_next_visit_asks_and_the_answer_shows_on_the_alert(client, bob, alice):
    entry = warned(bob, 3)
    client.force_login(bob.user)
    assert "Did you reach someone" in client.get(TODAY).content.decode()
    response = client.post(
        reverse("symptoms:follow_up", args=[entry.pk]), {"answer": "gp"}, follow=True
    )
    assert "Your team can see your answer" in response.content.decode()
    assert "Did you reach someone" not in client.get(TODAY).content.decode()
    client.force_login(alice)
    alert = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")
    html = client.get(reverse("team:alert", args=[alert.pk])).content.decode()
    assert "Yes, my GP" in html


@pytest.mark.django_db
def test_not_asked_after_a_calm_entry_or_after_three_days(client, bob):
    make_entry(bob, timezone.now() - timedelta(hours=1), temp="36.8")
    client.force_login(bob.user)
    assert "Did you reach someone" not in client.get(TODAY).content.decode()
    warned(bob, 80)
    assert followup.entry_to_ask_about(bob) is None


@pytest.mark.django_db
def test_not_yet_a_day_after_the_prompt_alerts_the_team_once(client, bob, alice):
    entry = warned(bob, 25)
    client.force_login(bob.user)
    response = client.post(
        reverse("symptoms:follow_up", args=[entry.pk]), {"answer": "not_yet"}, follow=True
    )
    assert "Please phone your MS team today" in response.content.decode()
    outreach = Alert.objects.filter(rule__rule_id="DIARY-FOLLOWUP", team_alert=True)
    assert outreach.count() == 1
    assert outreach.get().why["answer"] == "not yet"
    client.post(reverse("symptoms:follow_up", args=[entry.pk]), {"answer": "not_yet"})
    followup.follow_ups_sweep()
    assert outreach.count() == 1


@pytest.mark.django_db
def test_not_yet_the_same_day_is_escalated_by_the_sweep_a_day_later(bob, alice):
    entry = warned(bob, 2)
    followup.follow_up_answer(entry, answer="not_yet", user=bob.user)
    assert not Alert.objects.filter(rule__rule_id="DIARY-FOLLOWUP").exists()
    assert followup.follow_ups_sweep(now=timezone.now() + timedelta(hours=21)) == 0
    assert followup.follow_ups_sweep(now=timezone.now() + timedelta(hours=23)) == 1
    assert FollowUp.objects.get().escalated_at is not None


@pytest.mark.django_db
def test_a_bad_or_foreign_answer_changes_nothing(client, bob, dave):
    entry = warned(bob, 3)
    client.force_login(bob.user)
    client.post(reverse("symptoms:follow_up", args=[entry.pk]), {"answer": "maybe"})
    assert not FollowUp.objects.exists()
    client.force_login(dave.user)
    response = client.post(reverse("symptoms:follow_up", args=[entry.pk]), {"answer": "gp"})
    assert response.status_code == 404
    assert not FollowUp.objects.exists()
    assert client.get(reverse("symptoms:follow_up", args=[entry.pk])).status_code == 405
