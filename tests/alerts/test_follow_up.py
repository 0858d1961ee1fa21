"""'Have you spoken to someone about this?' while advice stands, and "not yet" a day later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.care import followup
from alerts.models import Alert, Concern, FollowUp
from tests.alerts.factories import submit_entry

TODAY = reverse("symptoms:today")
ASKED = "Have you spoken to someone about this?"


def warned(bob, hours_ago: float):
    at = timezone.now() - timedelta(hours=hours_ago)
    return submit_entry(bob, at, temp="38.4")


@pytest.mark.django_db
def test_the_standing_advice_asks_and_the_answer_shows_to_the_team(client, bob, alice):
    warned(bob, 3)
    client.force_login(bob.user)
    assert ASKED in client.get(TODAY).content.decode()
    response = client.post(reverse("symptoms:follow_up"), {"answer": "gp"}, follow=True)
    assert "Your team can see your answer" in response.content.decode()
    assert ASKED not in client.get(TODAY).content.decode()
    concern = Concern.objects.get(patient=bob)
    assert (concern.reached, concern.reached_by) == ("gp", bob.user)
    client.force_login(alice)
    html = client.get(reverse("team:concern", args=[concern.pk])).content.decode()
    assert "The patient says they reached the GP" in html
    queue = client.get(reverse("team:triage")).content.decode()
    assert "The patient says they reached the GP" in queue


@pytest.mark.django_db
def test_not_asked_after_a_calm_entry(client, bob):
    submit_entry(bob, timezone.now() - timedelta(hours=1), temp="36.8")
    client.force_login(bob.user)
    assert ASKED not in client.get(TODAY).content.decode()


@pytest.mark.django_db
def test_asked_while_it_stands_however_long_ago(client, bob):
    warned(bob, 80)  # three days and more: the advice still stands, so still asked
    client.force_login(bob.user)
    assert ASKED in client.get(TODAY).content.decode()


@pytest.mark.django_db
def test_not_yet_a_day_after_the_prompt_alerts_the_team_once(client, bob, alice):
    warned(bob, 25)
    client.force_login(bob.user)
    response = client.post(reverse("symptoms:follow_up"), {"answer": "not_yet"}, follow=True)
    assert "Please phone your MS team today" in response.content.decode()
    outreach = Alert.objects.filter(rule__rule_id="DIARY-FOLLOWUP", team_alert=True)
    assert outreach.count() == 1
    assert outreach.get().why["answer"] == "not yet"
    assert outreach.get().concern == Concern.objects.get(patient=bob)  # joins the concern
    client.post(reverse("symptoms:follow_up"), {"answer": "not_yet"})
    followup.follow_ups_sweep()
    assert outreach.count() == 1
    assert ASKED in client.get(TODAY).content.decode()  # "not yet": still asked


@pytest.mark.django_db
def test_not_yet_the_same_day_is_escalated_by_the_sweep_a_day_later(bob, alice):
    warned(bob, 2)
    followup.follow_up_answer(bob, answer="not_yet", user=bob.user)
    assert not Alert.objects.filter(rule__rule_id="DIARY-FOLLOWUP").exists()
    assert followup.follow_ups_sweep(now=timezone.now() + timedelta(hours=21)) == 0
    assert followup.follow_ups_sweep(now=timezone.now() + timedelta(hours=23)) == 1
    assert FollowUp.objects.get().escalated_at is not None


@pytest.mark.django_db
def test_a_bad_answer_or_a_get_changes_nothing(client, bob, dave):
    warned(bob, 3)
    client.force_login(bob.user)
    client.post(reverse("symptoms:follow_up"), {"answer": "maybe"})
    assert Concern.objects.get(patient=bob).reached == ""
    assert client.get(reverse("symptoms:follow_up")).status_code == 405
    # Another patient's answer is about their own diary: it never touches Bob's concern.
    client.force_login(dave.user)
    client.post(reverse("symptoms:follow_up"), {"answer": "gp"})
    assert Concern.objects.get(patient=bob).reached == ""
