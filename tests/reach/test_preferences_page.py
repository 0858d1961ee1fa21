"""The preferences part of the Notifications page: a person's topics × channels, locked
ones fixed with the reason, hints where a channel cannot reach them yet, quiet hours for
staff; saving writes Preference rows and nothing of anyone else's."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from accounts.display_zone import SESSION_KEY
from reach import choices
from reach.models import Preference, PushDevice, QuietHours, Topic

# Push and SMS are configured: a device or a verified phone reaches its person.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels_on")]
PAGE = reverse("reach:notifications")
SAVE = reverse("reach:preferences")


def box(html: str, name: str) -> str:
    """The <input> tag of checkbox `name`."""
    start = html.index(f'name="{name}"')
    return html[html.rindex("<input", 0, start) : html.index(">", start) + 1]


def test_a_patient_sees_their_topics_and_a_hint_for_push(client, bob):
    client.force_login(bob.user)
    html = client.get(PAGE).content.decode()
    for topic in (Topic.DAILY_REMINDER, Topic.TEAM_SAW, Topic.CALL_BACK, Topic.MISSED_DOSE):
        assert f'id="topic-{topic}"' in html
    assert 'id="topic-urgent"' not in html and "Quiet hours" not in html
    # The defaults: the daily reminder by e-mail and push; "your team saw this" by push.
    assert "checked" in box(html, "daily_reminder__email")
    assert "checked" not in box(html, "team_saw__email")
    assert "checked" in box(html, "team_saw__push")
    assert "Turn on notifications on this device first" in html


def test_the_hint_goes_once_there_is_a_device(client, bob):
    PushDevice.objects.create(
        user=bob.user, name="phone", endpoint="https://push.example/1", p256dh="k", auth="a"
    )
    client.force_login(bob.user)
    assert "Turn on notifications on this device first" not in client.get(PAGE).content.decode()


def test_staff_see_locked_boxes_ticked_and_fixed_with_the_reason(client, alice):
    client.force_login(alice)
    html = client.get(PAGE).content.decode()
    assert 'id="topic-daily_reminder"' not in html
    for name in ("urgent__email", "urgent__push", "on_call__push", "on_call__sms"):
        assert "checked" in box(html, name) and "disabled" in box(html, name), name
    assert "disabled" not in box(html, "urgent__sms")
    assert "Always on for URGENT" in html
    assert "Always on while you are on call" in html
    assert "Add and confirm a mobile number first" in html
    assert "Not for URGENT concerns or on-call pages" in html


def test_a_caregiver_has_nothing_to_choose(client, carol):
    client.force_login(carol.user)
    html = client.get(PAGE).content.decode()
    assert "There is nothing to choose here" in html
    assert 'name="daily_reminder__email"' not in html


def test_saving_writes_the_choices(client, bob, dave):
    client.force_login(bob.user)
    response = client.post(SAVE, {"daily_reminder__push": "on", "call_back__email": "on"})
    assert response.status_code == 302
    mine = dict(
        Preference.objects.filter(user=bob.user, topic=Topic.DAILY_REMINDER).values_list(
            "channel", "enabled"
        )
    )
    assert mine == {"email": False, "push": True}
    assert choices.channels_for(bob.user.pk, Topic.DAILY_REMINDER) == []  # no device yet
    assert choices.channels_for(bob.user.pk, Topic.CALL_BACK) == ["email"]
    assert not Preference.objects.filter(user=dave.user).exists()
    # The page shows what was saved.
    html = client.get(PAGE).content.decode()
    assert "checked" not in box(html, "daily_reminder__email")
    assert "checked" in box(html, "daily_reminder__push")


def test_saving_again_changes_the_same_rows(client, bob):
    client.force_login(bob.user)
    client.post(SAVE, {})
    client.post(SAVE, {"daily_reminder__email": "on"})
    assert Preference.objects.filter(user=bob.user).count() == 8  # 4 topics × 2 channels
    assert choices.channels_for(bob.user.pk, Topic.DAILY_REMINDER) == ["email"]


def test_a_locked_box_cannot_be_turned_off(client, alice):
    client.force_login(alice)
    client.post(SAVE, {"urgent__email": "", "contact__push": "on"})
    assert (
        not Preference.objects.filter(user=alice, topic=Topic.URGENT)
        .exclude(channel="sms")
        .exists()
    )
    assert choices.channels_for(alice.pk, Topic.URGENT) == ["email"]
    assert choices.channels_for(alice.pk, Topic.CONTACT) == []  # e-mail unticked, no device


def test_quiet_hours_are_saved_in_the_display_zone(client, alice):
    client.force_login(alice)
    session = client.session
    session[SESSION_KEY] = "America/New_York"
    session.save()
    client.post(SAVE, {"quiet_start": "22:00", "quiet_end": "07:00"})
    quiet = QuietHours.objects.get(user=alice)
    assert (quiet.start, quiet.end, quiet.zone) == (time(22), time(7), "America/New_York")
    html = client.get(PAGE).content.decode()
    assert 'value="22:00"' in html and "America/New_York" in html
    client.post(SAVE, {"quiet_start": "", "quiet_end": ""})
    assert not QuietHours.objects.filter(user=alice).exists()


def test_quiet_hours_without_a_zone_in_the_session_use_the_sites(client, alice, settings):
    client.force_login(alice)
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()
    client.post(SAVE, {"quiet_start": "12:00", "quiet_end": "13:00"})
    assert QuietHours.objects.get(user=alice).zone == settings.TIME_ZONE


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("22:00", "", "Give both times"),
        ("", "07:00", "Give both times"),
        ("09:00", "09:00", "The two times must differ"),
        ("25:99", "07:00", "Enter a valid time"),
    ],
)
def test_bad_quiet_hours_are_refused_and_nothing_typed_is_lost(client, alice, start, end, words):
    client.force_login(alice)
    response = client.post(
        SAVE, {"quiet_start": start, "quiet_end": end, "contact__email": "", "overdue__sms": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert words in html
    assert f'value="{start or end}"' in html
    assert "checked" not in box(html, "contact__email")
    assert "checked" in box(html, "overdue__sms")
    assert not QuietHours.objects.filter(user=alice).exists()
    assert not Preference.objects.filter(user=alice).exists()


def test_with_reminders_off_in_settings_the_page_says_so(client, bob):
    bob.reminders_enabled = False
    bob.save()
    client.force_login(bob.user)
    html = client.get(PAGE).content.decode()
    assert "Daily reminders are turned off on your" in html
    assert reverse("patients:settings") in html


def test_a_get_of_the_save_address_changes_nothing(client, bob):
    client.force_login(bob.user)
    assert client.get(SAVE).status_code == 405
    assert not Preference.objects.exists()
