"""Logging a dose as people do: a double tap logs one, an early or repeated dose asks
first and then tells the team, and a dose can be corrected or removed for a day."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from patients.models import AccountEmail, Injection

INJECTIONS = reverse("patients:injections")


@pytest.fixture(autouse=True)
def _midday():
    """At noon, "an hour ago" is today (the suite also runs just after midnight)."""
    with time_machine.travel(datetime(2026, 6, 10, 11, 0, tzinfo=UTC), tick=True):
        yield


def bob_local(bob, moment) -> str:
    return moment.astimezone(bob.zone).strftime("%Y-%m-%dT%H:%M")


def post_dose(client, bob, given, *, key=None, confirm=False, site="thigh"):
    value = bob_local(bob, given)
    data = {"given_at": value, "site": site, "client_key": str(key or uuid.uuid4())}
    if confirm:
        data["confirm"] = value
    return client.post(INJECTIONS, data)


@pytest.fixture
def on_schedule(bob):
    """Bob's dose 4 was 28 days ago: dose 5 is due today."""
    return bob.injections.create(given_at=timezone.now() - timedelta(days=28), dose_number=4)


@pytest.mark.django_db
def test_it_logs_one_dose_for_two_posts_with_one_client_key(client, bob, on_schedule):
    client.force_login(bob.user)
    key = uuid.uuid4()
    given = timezone.now() - timedelta(minutes=5)
    first = post_dose(client, bob, given, key=key)
    second = post_dose(client, bob, given, key=key)
    assert first.status_code == second.status_code == 302
    assert Injection.objects.filter(patient=bob).count() == 2  # dose 4 and the new dose 5
    assert bob.injections.get(client_key=key).dose_number == 5
    html = client.get(INJECTIONS).content.decode()
    assert "it is logged once" in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_logs_one_dose_when_two_taps_race(bob, on_schedule):
    """The unique constraint, not the look-up, decides when both requests run at once."""
    from patients.injections import injection_record
    from tests.concurrency import race

    key = uuid.uuid4()
    given = timezone.now() - timedelta(minutes=5)

    def tap():
        return injection_record(
            patient=bob, logged_by=bob.user, client_key=key, given_at=given, site="thigh"
        ).created

    results, errors = race(tap)
    assert errors == []
    assert sorted(results) == [False, True]
    assert bob.injections.filter(client_key=key).count() == 1


@pytest.mark.django_db
def test_an_early_dose_asks_first_keeps_what_was_typed_and_saves_nothing(client, bob):
    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=3), dose_number=5)
    given = timezone.now() - timedelta(hours=1)
    response = post_dose(client, bob, given, site="upper_arm")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure?" in html
    due = (timezone.now() - timedelta(days=3)).astimezone(bob.zone).date() + timedelta(days=28)
    assert f"Dose 6 is expected on {due:%A} {due.day} {due:%B %Y}" in html
    assert f'value="{bob_local(bob, given)}"' in html
    assert re.search(r'value="upper_arm"[^>]*checked', html)
    assert bob.injections.count() == 1
    assert not AccountEmail.objects.exists()


@pytest.mark.django_db
def test_a_confirmed_early_dose_is_logged_marked_and_the_team_is_told(
    client, bob, alice, erin, team_a, mailoutbox
):
    from patients.mail import account_emails_send

    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=3), dose_number=5)
    response = post_dose(client, bob, timezone.now() - timedelta(hours=1), confirm=True)
    assert response.status_code == 302
    dose = bob.injections.get(dose_number=6)
    assert dose.off_schedule == Injection.OffSchedule.EARLY
    assert dose.expected_on == dose.given_at.astimezone(bob.zone).date() + timedelta(days=25)
    assert "We have let your care team know" in client.get(INJECTIONS).content.decode()
    # The primary (Alice) is e-mailed, not the backup; the e-mail names no health data.
    notices = AccountEmail.objects.filter(kind=AccountEmail.Kind.DOSE_CHECK)
    assert [n.user for n in notices] == [alice]
    assert account_emails_send() == 1
    (mail,) = mailoutbox
    assert mail.to == [alice.email]
    assert bob.reference in mail.subject
    assert reverse("team:patient", args=[bob.pk]) in mail.body
    assert "Bob" not in mail.subject + mail.body


@pytest.mark.django_db
def test_the_team_sees_the_mark_on_the_dose(client, bob, alice):
    bob.injections.create(given_at=timezone.now() - timedelta(days=3), dose_number=5)
    client.force_login(bob.user)
    post_dose(client, bob, timezone.now() - timedelta(hours=1), confirm=True)
    client.force_login(alice)
    html = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "Logged before the expected date" in html
    assert "patient confirmed" in html


@pytest.mark.django_db
def test_a_second_dose_the_same_day_asks_first(client, bob):
    client.force_login(bob.user)
    first = timezone.now() - timedelta(hours=2)
    bob.injections.create(given_at=first, dose_number=5)
    response = post_dose(client, bob, timezone.now() - timedelta(minutes=30))
    html = response.content.decode()
    assert "A dose is already logged on" in html
    assert bob.injections.count() == 1
    post_dose(client, bob, timezone.now() - timedelta(minutes=30), confirm=True)
    assert bob.injections.get(dose_number=6).off_schedule == Injection.OffSchedule.REPEAT


@pytest.mark.django_db
def test_a_confirm_for_another_time_asks_again(client, bob):
    """Changing the date after the question, then pressing "Yes", asks about the new date."""
    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=3), dose_number=5)
    given = timezone.now() - timedelta(hours=1)
    response = client.post(
        INJECTIONS,
        {
            "given_at": bob_local(bob, given),
            "site": "thigh",
            "client_key": str(uuid.uuid4()),
            "confirm": bob_local(bob, given - timedelta(days=1)),
        },
    )
    assert "Are you sure?" in response.content.decode()
    assert bob.injections.count() == 1


@pytest.mark.django_db
def test_a_dose_on_its_date_is_saved_without_a_question(client, bob, on_schedule):
    client.force_login(bob.user)
    response = post_dose(client, bob, timezone.now() - timedelta(minutes=5))
    assert response.status_code == 302
    dose = bob.injections.get(dose_number=5)
    assert dose.off_schedule == "" and dose.expected_on is None
    assert not AccountEmail.objects.exists()


@pytest.mark.django_db
def test_a_caregiver_logs_for_the_patient(client, bob, carol, on_schedule):
    carol.accepted_at = timezone.now()
    carol.save()
    client.force_login(carol.user)
    post_dose(client, bob, timezone.now() - timedelta(minutes=5))
    assert bob.injections.get(dose_number=5).logged_by == carol.user


# Corrections ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_correction_moves_the_schedule_and_keeps_history(client, bob):
    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=30), dose_number=4)
    post_dose(client, bob, timezone.now() - timedelta(minutes=5))  # dose 5, two days late
    dose = bob.injections.get(dose_number=5)
    assert bob.next_dose_due().due == bob.today() + timedelta(days=28)
    yesterday = dose.given_at - timedelta(days=1)
    response = client.post(
        reverse("patients:injection_change", args=[dose.pk]),
        {"given_at": bob_local(bob, yesterday), "site": "abdomen"},
    )
    assert response.status_code == 302
    dose.refresh_from_db()
    assert (dose.site, dose.given_at) == ("abdomen", yesterday.replace(second=0, microsecond=0))
    assert bob.next_dose_due().due == bob.today() + timedelta(days=27)
    changes = list(dose.history.order_by("history_date"))
    assert [h.history_type for h in changes] == ["+", "~"]
    assert changes[-1].history_user == bob.user
    assert changes[0].site == "thigh"


@pytest.mark.django_db
def test_a_correction_onto_a_day_with_a_dose_asks_first(client, bob):
    client.force_login(bob.user)
    bob.injections.create(given_at=timezone.now() - timedelta(days=10), dose_number=5)
    post_dose(client, bob, timezone.now() - timedelta(minutes=5), confirm=True)
    dose = bob.injections.get(dose_number=6)
    url = reverse("patients:injection_change", args=[dose.pk])
    same_day_as_dose_5 = timezone.now() - timedelta(days=10) + timedelta(minutes=5)
    response = client.post(url, {"given_at": bob_local(bob, same_day_as_dose_5), "site": "thigh"})
    assert "A dose is already logged on" in response.content.decode()
    dose.refresh_from_db()
    assert dose.off_schedule == Injection.OffSchedule.EARLY  # unchanged until confirmed


@pytest.mark.django_db
def test_removing_a_dose_is_audited_and_the_schedule_follows(client, bob, alice, on_schedule):
    client.force_login(bob.user)
    post_dose(client, bob, timezone.now() - timedelta(minutes=5))
    dose = bob.injections.get(dose_number=5)
    url = reverse("patients:injection_remove", args=[dose.pk])
    assert "Remove this dose?" in client.get(url).content.decode()
    assert bob.injections.filter(pk=dose.pk).exists()  # the GET only asks
    response = client.post(url, follow=True)
    assert "The dose is removed" in response.content.decode()
    assert not bob.injections.filter(pk=dose.pk).exists()
    assert bob.next_dose_due().number == 5
    (removal,) = bob.removed_injections()
    assert (removal.id, removal.history_user, removal.dose_number) == (dose.pk, bob.user, 5)
    assert removal.history_change_reason == "removed by the patient's side"
    client.force_login(alice)
    html = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "removed by bob" in html


@pytest.mark.django_db
def test_a_dose_older_than_a_day_cannot_be_changed_by_the_patient(client, bob):
    client.force_login(bob.user)
    dose = bob.injections.create(given_at=timezone.now() - timedelta(days=2), dose_number=5)
    Injection.objects.filter(pk=dose.pk).update(created_at=timezone.now() - timedelta(days=1))
    for name in ("patients:injection_change", "patients:injection_remove"):
        response = client.post(reverse(name, args=[dose.pk]), {"site": "thigh"}, follow=True)
        assert "please tell your care team" in response.content.decode()
    assert bob.injections.filter(pk=dose.pk, site="").exists()
    assert "Change" not in client.get(INJECTIONS).content.decode().split("Logged injections")[1]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["patients:injection_change", "patients:injection_remove"])
def test_another_patient_and_a_clinician_get_404_and_nothing_changes(
    client, bob, dave, charlie, name
):
    dose = bob.injections.create(given_at=timezone.now() - timedelta(hours=1), dose_number=1)
    for user in (dave.user, charlie):
        client.force_login(user)
        assert client.get(reverse(name, args=[dose.pk])).status_code == 404
        assert client.post(reverse(name, args=[dose.pk])).status_code == 404
    assert Injection.objects.filter(pk=dose.pk, site="").exists()


@pytest.mark.django_db
def test_bad_input_on_a_correction_keeps_what_was_typed(client, bob):
    client.force_login(bob.user)
    dose = bob.injections.create(given_at=timezone.now() - timedelta(hours=1), dose_number=1)
    response = client.post(
        reverse("patients:injection_change", args=[dose.pk]),
        {"given_at": "2099-01-01T10:00", "site": "abdomen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "in the future" in html and 'value="2099-01-01T10:00"' in html


@pytest.mark.django_db
def test_the_submit_path_is_held_to_seven_queries(
    client, bob, on_schedule, django_assert_num_queries
):
    """The session with the user and their patient (patients.sessions), the key, the
    doses, and the insert with its history."""
    client.force_login(bob.user)
    with django_assert_num_queries(7):
        response = post_dose(client, bob, timezone.now() - timedelta(minutes=5))
    assert response.status_code == 302
