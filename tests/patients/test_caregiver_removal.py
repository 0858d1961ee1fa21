"""Ending a caregiver's access: the patient removes them, or they stop helping. A
confirmation step first; access goes at once; the history says who and when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.enrolment import caregiver_invite
from patients.models import Caregiver
from symptoms.services import EntryData, entry_record

SETTINGS = reverse("patients:settings")
CAREGIVING = reverse("patients:caregiving")
TODAY = reverse("symptoms:today")


def remove_url(caregiver) -> str:
    return reverse("patients:caregiver_remove", args=[caregiver.pk])


def stop_url(caregiver) -> str:
    return reverse("patients:caregiving_stop", args=[caregiver.pk])


@pytest.mark.django_db
def test_the_patient_removes_a_caregiver_after_confirming(client, bob, carol):
    client.force_login(bob.user)
    assert remove_url(carol) in client.get(SETTINGS).content.decode()
    page = client.get(remove_url(carol)).content.decode()
    assert "Remove Carol?" in page and "straight away" in page
    carol.refresh_from_db()
    assert carol.active  # the GET only asks
    response = client.post(remove_url(carol), follow=True)
    assert "Carol can no longer fill in your diary" in response.content.decode()
    carol.refresh_from_db()
    assert (carol.active, carol.removed_by) == (False, bob.user)
    assert carol.removed_at is not None
    latest = carol.history.latest()
    assert (latest.active, latest.history_user) == (False, bob.user)
    assert latest.history_change_reason == "removed by the patient's side"


@pytest.mark.django_db
def test_a_removed_caregiver_loses_access_at_once(client, bob, carol):
    """Carol is signed in with the diary open; after Bob removes her, her next request fails."""
    client.force_login(carol.user)
    assert client.get(TODAY).status_code == 200
    other = client.__class__()
    other.force_login(bob.user)
    other.post(remove_url(carol))
    for url in (TODAY, reverse("patients:injections"), reverse("symptoms:history")):
        assert client.get(url).status_code == 404
    assert client.post(TODAY, {"action": "fine"}).status_code == 404
    assert not bob.entries.exists()
    # Her home page now says plainly what happened.
    response = client.get(reverse("home"), follow=True)
    assert "your access was ended on" in response.content.decode()


@pytest.mark.django_db
def test_a_caregiver_stops_helping_after_confirming(client, bob, carol):
    client.force_login(carol.user)
    page = client.get(CAREGIVING).content.decode()
    assert "Diaries you fill in" in page and stop_url(carol) in page
    assert "Stop helping Bob?" in client.get(stop_url(carol)).content.decode()
    response = client.post(stop_url(carol), follow=True)
    html = response.content.decode()
    assert "You no longer fill in the diary for Bob" in html
    assert "you stopped helping on" in html
    carol.refresh_from_db()
    assert (carol.active, carol.removed_by) == (False, carol.user)
    assert carol.history.latest().history_change_reason == "stopped helping"
    assert client.get(TODAY).status_code == 404


@pytest.mark.django_db
def test_entries_the_caregiver_made_stay_and_name_them(client, bob, carol):
    entry, _created = entry_record(
        patient=bob, entered_by=carol.user, data=EntryData(feels_fine=True), caregiver=carol
    )
    client.force_login(bob.user)
    client.post(remove_url(carol))
    entry.refresh_from_db()
    assert entry.caregiver == carol


@pytest.mark.django_db
def test_a_second_removal_changes_nothing(client, bob, carol):
    client.force_login(bob.user)
    client.post(remove_url(carol))
    assert client.post(remove_url(carol)).status_code == 404
    assert carol.history.filter(active=False).count() == 1


@pytest.mark.django_db
def test_no_one_else_can_remove_or_stop_a_caregiver(client, bob, carol, dave, alice, charlie):
    """Dave (another patient), the clinicians, and another caregiver of Bob get 404."""
    other_helper = Caregiver.objects.create(
        patient=bob, user=dave.user.__class__.objects.create_user("ed", "ed@example.org", "x")
    )
    for user in (dave.user, alice, charlie, other_helper.user):
        client.force_login(user)
        assert client.post(remove_url(carol)).status_code == 404
        assert client.post(stop_url(carol)).status_code == 404
    client.force_login(carol.user)
    assert client.post(remove_url(other_helper)).status_code == 404  # settings are Bob's
    carol.refresh_from_db()
    other_helper.refresh_from_db()
    assert carol.active and other_helper.active


@pytest.mark.django_db
def test_a_removed_caregiver_can_be_asked_again(client, bob, carol, alice):
    client.force_login(bob.user)
    client.post(remove_url(carol))
    caregiver_invite(bob, {"email": carol.user.email, "first_name": "Carol"}, invited_by=alice)
    carol.refresh_from_db()
    assert (carol.active, carol.accepted_at, carol.removed_at) == (False, None, None)
    client.force_login(carol.user)
    assert "Will you help" in client.get(CAREGIVING).content.decode()
    client.post(CAREGIVING, {"caregiver": carol.pk, "answer": "accept"})
    assert client.get(TODAY).status_code == 200
