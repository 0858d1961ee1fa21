"""The advice that stands (clinical-rules.md §5): until a person ends it, never the clock.

Bug: bob recorded 38.6 °C, chills and "slurred speech or new confusion" at 23:51 and was told
to seek attention now; at 00:00:48 he saved 37.2 °C and read "Thank you — nothing needs
action today", while both URGENT alerts were open and unacknowledged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from alerts.care import prompts
from alerts.care.concerns import concern_acknowledge, concern_callback, concern_resolve
from alerts.care.followup import follow_up_answer
from alerts.care.prompts import standing_advice
from alerts.models import Alert, AlertRule, Concern, FollowUp, Notification
from tests.alerts.factories import submit_entry
from tests.rows import assert_same_row

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CONFUSION = ("slurred_speech_confusion",)


def post_entry(client, temperature: str, key: str) -> None:
    response = client.post(
        reverse("symptoms:today"),
        {"client_key": key, "unit": "C", "temperature": temperature, "action": "fine"},
    )
    assert response.status_code == 302, response.content


def standing_page(client, path: str) -> str:
    return client.get(path).content.decode()


# The midnight story, at the patient's midnight, across a clock change, and after a move.
MIDNIGHTS = [
    # (the patient's zone, the URGENT entry's local time, the milder entry's local time)
    ("Europe/London", datetime(2026, 12, 5, 23, 51), datetime(2026, 12, 6, 0, 1)),
    # The night the clocks go back (01:00-02:00 happens twice) and forward (01:00 skipped).
    ("Europe/London", datetime(2026, 10, 24, 23, 50), datetime(2026, 10, 25, 1, 30)),
    ("Europe/London", datetime(2027, 3, 27, 23, 55), datetime(2027, 3, 28, 3, 5)),
    ("America/New_York", datetime(2026, 10, 31, 23, 59), datetime(2026, 11, 1, 1, 10)),
    ("Australia/Sydney", datetime(2026, 12, 5, 23, 50), datetime(2026, 12, 6, 0, 5)),
]


@pytest.mark.parametrize(("zone", "urgent_at", "milder_at"), MIDNIGHTS)
def test_urgent_advice_stands_past_the_patients_midnight(
    client, bob, zone, urgent_at, milder_at, time_machine
):
    bob.timezone = zone
    bob.save()
    urgent_at, milder_at = (at.replace(tzinfo=ZoneInfo(zone)) for at in (urgent_at, milder_at))
    time_machine.move_to(urgent_at, tick=False)
    submit_entry(bob, urgent_at, temp="38.6", symptoms={"chills": 2}, red_flags=CONFUSION)
    time_machine.move_to(milder_at, tick=False)
    client.force_login(bob.user)
    post_entry(client, "37.2", "9b1f0c2e-0000-4000-8000-000000000001")
    later = bob.entries.order_by("-recorded_at").first()
    assert later.local_day != bob.local_day(urgent_at)  # a new day for the patient
    result = standing_page(client, reverse("symptoms:result", args=[later.pk]))
    assert "Earlier advice still stands: seek medical attention now" in result
    assert "nothing needs action" not in result
    assert 'href="tel:999"' in result
    for page in (reverse("symptoms:today"), reverse("symptoms:history")):
        assert "Earlier advice still stands: seek medical attention now" in standing_page(
            client, page
        )
    # Days later, nobody having answered it: it still stands.
    time_machine.move_to(milder_at + timedelta(days=3), tick=False)
    assert standing_advice(bob).standing == "URGENT"


def test_the_advice_stands_after_the_patient_moves_time_zone(client, bob, time_machine):
    at = datetime(2026, 12, 5, 23, 30, tzinfo=LONDON)
    time_machine.move_to(at, tick=False)
    submit_entry(bob, at, red_flags=CONFUSION)
    bob.timezone = "Asia/Tokyo"  # already the next afternoon there
    bob.save()
    time_machine.move_to(at + timedelta(minutes=40), tick=False)
    client.force_login(bob.user)
    post_entry(client, "36.9", "9b1f0c2e-0000-4000-8000-000000000002")
    assert "Earlier advice still stands" in standing_page(client, reverse("symptoms:today"))


def test_a_caregivers_milder_entry_keeps_it_standing_in_the_third_person(
    client, bob, carol, time_machine
):
    now = datetime(2026, 12, 5, 12, 0, tzinfo=LONDON)
    time_machine.move_to(now, tick=True)  # the form saves "now": after the first entry
    submit_entry(bob, now - timedelta(hours=2), red_flags=CONFUSION)
    client.force_login(carol.user)
    post_entry(client, "37.2", "9b1f0c2e-0000-4000-8000-000000000003")
    later = bob.entries.order_by("-recorded_at").first()
    page = standing_page(client, reverse("symptoms:result", args=[later.pk]))
    assert "Earlier advice still stands: seek medical attention now" in page
    assert "advised Bob" in page
    assert "Ticked for Bob: Slurred speech or new confusion." in page
    assert "Ask the team to call Bob" in page


def fever(bob, at):
    submit_entry(bob, at, temp="38.4")
    return Concern.objects.get(patient=bob, status="open")


@pytest.mark.parametrize(
    ("answer", "stands"),
    [
        (FollowUp.Answer.CARE_TEAM, "NONE"),
        (FollowUp.Answer.GP, "NONE"),
        (FollowUp.Answer.URGENT_CARE, "NONE"),
        (FollowUp.Answer.ED, "NONE"),
        (FollowUp.Answer.NOT_YET, "CONTACT"),  # "not yet" leaves it standing
    ],
)
def test_the_patient_saying_they_reached_someone_ends_the_advice_not_the_concern(
    bob, alice, answer, stands
):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    concern = fever(bob, at)
    follow_up_answer(bob, answer=answer, user=bob.user, now=at + timedelta(hours=1))
    concern.refresh_from_db()
    assert concern.standing == stands
    assert concern.status == "open"  # still the team's to deal with


def test_after_reaching_someone_the_page_says_whom_and_when_and_still_where_to_call(client, bob):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    fever(bob, at)
    follow_up_answer(bob, answer=FollowUp.Answer.GP, user=bob.user, now=at + timedelta(hours=1))
    client.force_login(bob.user)
    page = standing_page(client, reverse("symptoms:today"))
    assert "You told us you reached the GP (Saturday 11:00)" in page
    assert "If you get worse, call 999 now." in page
    assert "Earlier advice still stands" not in page


@pytest.mark.parametrize("later", [CONFUSION, ("might_die",)])
def test_a_rise_or_a_new_urgent_after_reaching_someone_makes_it_stand_again(bob, later):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    if later == ("might_die",):
        submit_entry(bob, at, red_flags=CONFUSION)  # URGENT already
    else:
        fever(bob, at)
    follow_up_answer(bob, answer=FollowUp.Answer.GP, user=bob.user, now=at + timedelta(hours=1))
    assert standing_advice(bob).standing == "NONE"
    submit_entry(bob, at + timedelta(hours=2), red_flags=later)
    concern = standing_advice(bob)
    assert (concern.standing, concern.reached) == ("URGENT", "")


def test_a_milder_entry_after_reaching_someone_does_not_bring_it_back(bob):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    fever(bob, at)
    follow_up_answer(bob, answer=FollowUp.Answer.ED, user=bob.user, now=at + timedelta(hours=1))
    submit_entry(bob, at + timedelta(hours=2), temp="38.3")  # CONTACT again: no rise
    assert standing_advice(bob).standing == "NONE"


def test_the_team_resolving_it_ends_the_advice(client, bob, alice):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    fever(bob, at)
    concern_resolve(patient=bob, by=alice, action="phoned_patient", now=at + timedelta(hours=1))
    assert standing_advice(bob) is None
    client.force_login(bob.user)
    assert "Earlier advice still stands" not in standing_page(client, reverse("symptoms:today"))


def test_resolving_the_urgent_alert_leaves_the_contact_advice_standing(bob, alice):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    submit_entry(bob, at, temp="38.4", red_flags=CONFUSION)
    urgent = Alert.objects.filter(patient=bob, level="URGENT").values_list("pk", flat=True)
    concern_resolve(patient=bob, by=alice, action="sent_to_ed", note="A&E", ids=list(urgent))
    assert standing_advice(bob).standing == "CONTACT"


def test_reaching_someone_or_acknowledging_with_no_open_concern_changes_nothing(bob, alice):
    assert follow_up_answer(bob, answer=FollowUp.Answer.GP, user=bob.user) is None
    assert not concern_acknowledge(patient=bob, by=alice)
    assert not Concern.objects.exists()


def test_the_patient_sees_that_the_team_saw_it(client, bob, alice):
    at = datetime(2026, 12, 5, 9, 0, tzinfo=LONDON)
    fever(bob, at)
    client.force_login(bob.user)
    page = standing_page(client, reverse("symptoms:today"))
    assert "may not have seen it yet" in page
    concern_acknowledge(patient=bob, by=alice, now=at.replace(hour=9, minute=12))
    page = standing_page(client, reverse("symptoms:today"))
    assert "Your team saw this on Saturday 09:12." in page


def test_asking_for_a_call_back_shows_on_the_row_and_tells_the_owner_once(client, bob, alice, erin):
    at = datetime(2026, 12, 5, 9, 0, tzinfo=LONDON)
    fever(bob, at)
    client.force_login(bob.user)
    page = standing_page(client, reverse("symptoms:today"))
    assert "Ask the team to call me" in page
    response = client.post(reverse("symptoms:callback"), {"next": "symptoms:today"})
    assert response.status_code == 302
    client.post(reverse("symptoms:callback"), {"next": "symptoms:today"})  # twice: once
    told = Notification.objects.filter(kind="callback", channel="email")
    assert list(told.values_list("recipient__username", flat=True)) == ["alice"]
    assert "You asked the team to call back" in standing_page(client, reverse("symptoms:today"))
    client.force_login(alice)
    queue = client.get(reverse("team:triage")).content.decode()
    assert "Asked for a call back at" in queue


def test_a_call_back_with_no_open_concern_changes_nothing(bob):
    assert concern_callback(patient=bob, by=bob.user) is None


def test_rereading_an_old_entrys_advice_after_a_rule_is_loosened_shows_what_was_recorded(
    client, bob
):
    at = datetime(2026, 12, 5, 9, 0, tzinfo=LONDON)
    entry = submit_entry(bob, at, temp="38.1")
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    rule.params = {"threshold_c": "38.5"}
    rule.patient_message = "Loosened words."
    rule.version += 1
    rule.save()
    client.force_login(bob.user)
    page = standing_page(client, reverse("symptoms:result", args=[entry.pk]))
    assert "Contact your care team today" in page
    assert "Loosened words." not in page
    assert "Kesimpta affects your immune system" in page or "fever" in page.lower()


OTHER_PAGES = ["patients:injections", "patients:settings", "patients:help"]


@pytest.mark.parametrize("name", OTHER_PAGES)
def test_every_other_page_carries_a_short_strip_while_advice_stands(client, bob, carol, name):
    at = datetime(2026, 12, 5, 23, 50, tzinfo=LONDON)
    submit_entry(bob, at, red_flags=CONFUSION)
    client.force_login(bob.user)
    page = standing_page(client, reverse(name))
    assert "Earlier advice still stands: seek medical attention now" in page
    assert 'href="tel:999"' in page
    client.force_login(carol.user)
    page = standing_page(client, reverse(name))
    assert "The advice for Bob still stands: seek medical attention now" in page


def test_the_strip_says_contact_today_and_goes_when_the_advice_ends(client, bob, alice):
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    fever(bob, at)
    client.force_login(bob.user)
    page = standing_page(client, reverse("patients:injections"))
    assert "Earlier advice still stands: contact the care team today" in page
    follow_up_answer(bob, answer=FollowUp.Answer.GP, user=bob.user, now=at + timedelta(hours=1))
    assert "still stands" not in standing_page(client, reverse("patients:injections"))


def test_the_strip_is_not_on_the_full_card_pages_or_for_staff(client, bob, alice):
    submit_entry(bob, datetime(2026, 12, 5, 10, 0, tzinfo=LONDON), red_flags=CONFUSION)
    client.force_login(bob.user)
    page = standing_page(client, reverse("symptoms:today"))
    assert "standing-strip" not in page  # the full card is there instead
    assert "Earlier advice still stands" in page
    client.force_login(alice)
    page = standing_page(client, reverse("team:triage"))
    assert "Bob" in page and "standing-strip" not in page


def test_the_standing_card_reads_what_the_orm_reads(bob, dave, alice):
    """standing_advice runs its query compiled once per process (diary_core.prepared): the
    concern and what the card shows from its related rows (the advice's alert, its rule
    and entry, who acknowledged it) are what QuerySet.first() gives, JSON included. Bob's
    earlier concern, closed, and Dave's open one are not his standing advice."""
    at = datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    fever(bob, at - timedelta(hours=3))
    concern_resolve(patient=bob, by=alice, action="phoned_patient", now=at - timedelta(hours=2))
    fever(dave, at - timedelta(hours=1))
    submit_entry(bob, at, temp="38.6", symptoms={"chills": 2}, red_flags=CONFUSION)
    concern_acknowledge(patient=bob, by=alice, now=at + timedelta(minutes=12))
    got = standing_advice(bob)
    want = (
        Concern.objects.filter(patient=bob, status=Concern.Status.OPEN)
        .select_related("advice_lead__rule", "advice_lead__entry", "acknowledged_by")
        .first()
    )
    assert got.pk == want.pk and got.patient_id == bob.pk
    assert Concern.objects.exclude(pk=got.pk).count() == 2  # bob's closed one, dave's open one
    assert [c.pk for c in prompts._STANDING.objects(patient_id=bob.pk)] == [got.pk]  # only it
    for one, other in (
        (got, want),
        (got.advice_lead, want.advice_lead),
        (got.advice_lead.rule, want.advice_lead.rule),
        (got.advice_lead.entry, want.advice_lead.entry),
        (got.acknowledged_by, want.acknowledged_by),
    ):
        assert_same_row(one, other)
    assert isinstance(got.advice_lead.snapshot, dict)  # a JSON column, read as the ORM reads it
    assert got.acknowledged_by.username == alice.username
    assert (got.standing, got.advice_level) == ("URGENT", "URGENT")
