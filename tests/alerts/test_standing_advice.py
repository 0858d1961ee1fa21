"""Advice that stands: a later, milder entry never reads as "nothing needs action" while
today's URGENT or CONTACT advice has not been answered by the patient or the team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.followup import follow_up_answer, standing_advice
from alerts.models import Alert, FollowUp, ResolutionAction
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


def evaluated(patient, at, **kwargs):
    entry = make_entry(patient, at, **kwargs)
    services.entry_evaluate(entry.pk, now=at)
    return entry


@pytest.fixture
def now(bob, time_machine):
    """Midday in Bob's zone, and the clock stopped there: the entries a few hours earlier
    stay on his local day, and the pages read the same clock."""
    local = timezone.now().astimezone(bob.zone).replace(hour=12, minute=0, second=0)
    time_machine.move_to(local, tick=False)
    return local


def test_a_milder_entry_keeps_the_urgent_advice_standing(client, bob, carol, now):
    urgent = evaluated(bob, now - timedelta(hours=2), red_flags=("slurred_speech_confusion",))
    assert standing_advice(bob, now=now).entry == urgent
    client.force_login(carol.user)  # his caregiver, later, with a normal reading
    client.post(
        reverse("symptoms:today"),
        {"client_key": "9b1f0c2e-0000-4000-8000-000000000001", "unit": "C", "temperature": "37.2"},
    )
    later = bob.entries.order_by("-recorded_at").first()
    page = client.get(reverse("symptoms:result", args=[later.pk])).content.decode()
    assert "Earlier advice still stands: seek medical attention now" in page
    assert "nothing needs action" not in page
    assert 'href="tel:999"' in page
    assert "advised Bob" in page  # the caregiver reads it in the third person
    for other in (reverse("symptoms:today"), reverse("symptoms:history")):
        assert "Earlier advice still stands" in client.get(other).content.decode()


@pytest.mark.parametrize(
    ("settle", "stands"),
    [
        (None, True),
        ("resolved", False),  # the team answered it
        (FollowUp.Answer.CARE_TEAM, False),  # the patient reached someone
        (FollowUp.Answer.ED, False),
        (FollowUp.Answer.NOT_YET, True),  # "not yet" leaves it standing
    ],
)
def test_the_advice_stands_until_answered(bob, alice, now, settle, stands):
    entry = evaluated(bob, now - timedelta(hours=1), temp="38.4")
    alert = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")
    if settle == "resolved":
        alert.resolve(by=alice, action=ResolutionAction.PHONED, now=now)
    elif settle is not None:
        follow_up_answer(entry, answer=settle, user=bob.user, now=now)
    assert (standing_advice(bob, now=now) is not None) is stands


def test_yesterdays_advice_does_not_stand_today(bob, now):
    evaluated(bob, now - timedelta(days=1), temp="38.4")
    assert standing_advice(bob, now=now) is None


def test_the_highest_level_of_the_day_stands(bob, now):
    evaluated(bob, now - timedelta(hours=3), temp="38.4")  # CONTACT
    urgent = evaluated(bob, now - timedelta(hours=2), red_flags=("slurred_speech_confusion",))
    evaluated(bob, now - timedelta(hours=1), temp="38.2")  # CONTACT again, later
    assert standing_advice(bob, now=now).entry == urgent


def test_a_result_of_the_same_level_does_not_repeat_it(client, bob, now):
    evaluated(bob, now - timedelta(hours=2), temp="38.4")
    client.force_login(bob.user)
    later = evaluated(bob, now - timedelta(minutes=5), temp="38.5")
    page = client.get(reverse("symptoms:result", args=[later.pk])).content.decode()
    assert "Earlier advice still stands" not in page
    assert "Contact your care team today" in page


def test_an_urgent_result_puts_the_call_first_and_folds_the_rest(client, bob, now):
    entry = evaluated(bob, now, temp="38.4", red_flags=("slurred_speech_confusion",))
    client.force_login(bob.user)
    page = client.get(reverse("symptoms:result", args=[entry.pk])).content.decode()
    call = page.index('href="tel:999"')
    assert call < page.index("Seek medical attention now") + 400  # straight under the heading
    assert call < page.index(">Why<")
    folded = page.index("Also noted (less urgent)")
    assert page.index(">Why<") < folded  # the fever's "contact today" is folded below
    assert "Measure your temperature again" not in page  # no re-measure under "call now"


def test_an_amended_entry_shows_on_the_nurses_alert(client, bob, alice, now):
    from decimal import Decimal

    from symptoms.services import EntryData, Reading, entry_update

    entry = evaluated(bob, now - timedelta(hours=1), temp="39.4")
    alert = Alert.objects.get(entry=entry, rule__rule_id="T-FEV-1")
    entry_update(
        entry=entry,
        data=EntryData(readings=(Reading(Decimal("37.0")),), recorded_at=entry.recorded_at),
        by=bob.user,
        now=now,
    )
    services.entry_evaluate(entry.pk, now=now)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN  # a change never cancels an alert sent
    client.force_login(alice)
    page = client.get(reverse("team:alert", args=[alert.pk])).content.decode()
    assert "The patient changed this entry after the alert" in page
    assert "Temperature: 39.4 °C → 37.0 °C" in page
    timeline = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "Entry amended" in timeline and "39.4 °C → 37.0 °C" in timeline


def test_a_yes_settles_what_came_before_it_not_what_comes_after(bob, now, time_machine):
    """A "yes, I reached someone" settles the alerts recorded before it, on any entry; an
    URGENT alert recorded after it (the entry changed) stands again."""
    first = evaluated(bob, now - timedelta(hours=2), temp="38.4")  # CONTACT
    urgent = evaluated(bob, now - timedelta(hours=1), red_flags=("slurred_speech_confusion",))
    follow_up_answer(first, answer=FollowUp.Answer.GP, user=bob.user, now=now)
    assert standing_advice(bob, now=now) is None  # the later yes settles the urgent one too
    time_machine.move_to(now + timedelta(minutes=30), tick=False)
    raised = evaluated(bob, now + timedelta(minutes=30), red_flags=("might_die",))
    assert standing_advice(bob).entry == raised
    assert urgent != raised


def test_a_milder_result_under_standing_urgent_advice_asks_no_remeasure(client, bob, now):
    evaluated(bob, now - timedelta(hours=1), red_flags=("slurred_speech_confusion",))
    later = evaluated(bob, now, temp="37.6")  # "slightly raised": measure again, normally
    client.force_login(bob.user)
    page = client.get(reverse("symptoms:result", args=[later.pk])).content.decode()
    assert "Earlier advice still stands: seek medical attention now" in page
    assert "Measure your temperature again" not in page
