"""The daily WATCH digest: at the team's local time, once, counts and a link only."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from alerts.care import recording
from alerts.delivery.digest import digests_sweep
from alerts.models import Alert, Digest
from tests.alerts.factories import make_entry


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def watch_item(bob):
    """A WATCH alert for Bob (37.6 °C with a cold) on 10 June at 07:00 London time."""
    entry = make_entry(
        bob, utc(2026, 6, 10, 6, 0), temp="37.6", symptoms={"sore_throat": 1}, note="private words"
    )
    recording.entry_evaluate(entry.pk, now=utc(2026, 6, 10, 6, 0))
    assert list(Alert.objects.values_list("level", "rule__rule_id")) == [("WATCH", "T-LOW-1")]
    return entry


@pytest.mark.django_db
def test_digest_at_the_teams_local_time_once_with_counts_only(alice, erin, charlie, watch_item):
    team = alice.care_teams.get()
    team.digest_time = time(8, 30)
    team.save()
    assert digests_sweep(now=utc(2026, 6, 10, 7, 29)) == 0  # 08:29 in London (BST)
    assert digests_sweep(now=utc(2026, 6, 10, 7, 30)) == 2  # alice and erin; not charlie
    assert digests_sweep(now=utc(2026, 6, 10, 7, 35)) == 0  # once a day
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "erin@example.org"]
    message = mail.outbox[0]
    text = message.subject + message.body + message.alternatives[0][0]
    assert "1 item to watch" in message.subject  # T-LOW-1 (a cold with 37.6 is not RESP-URTI)
    assert reverse("team:watch") in message.body
    for private in (
        "37.6",
        "sore",
        "throat",
        "Bob",
        "Baker",
        bob_reference(watch_item),
        "private words",
    ):
        assert private not in text


def bob_reference(entry) -> str:
    return entry.patient.reference


@pytest.mark.django_db
def test_no_email_when_there_is_nothing_to_watch(alice):
    assert digests_sweep(now=utc(2026, 6, 10, 9, 0)) == 0
    assert Digest.objects.get().status == Digest.Status.EMPTY
    assert not mail.outbox


@pytest.mark.django_db
def test_quiet_hours_hold_a_night_digest_until_morning(alice, watch_item):
    team = alice.care_teams.get()
    team.digest_time = time(6, 0)
    team.save()
    assert digests_sweep(now=utc(2026, 6, 10, 5, 30)) == 0  # 06:30 local: quiet until 08:00
    assert digests_sweep(now=utc(2026, 6, 10, 7, 0)) == 1


@pytest.mark.django_db
def test_the_watch_list_shows_only_the_clinicians_teams(client, alice, charlie, bob):
    from django.utils import timezone

    recent = make_entry(bob, timezone.now() - timedelta(hours=1), temp="37.6")
    recording.entry_evaluate(recent.pk)
    client.force_login(alice)
    html = client.get(reverse("team:watch")).content.decode()
    assert "T-LOW-1" in html
    client.force_login(charlie)
    html = client.get(reverse("team:watch")).content.decode()
    assert "T-LOW-1" not in html


@pytest.mark.django_db
def test_old_watch_items_are_not_counted(alice, bob):
    entry = make_entry(bob, utc(2026, 6, 8, 6, 0), temp="37.6")
    recording.entry_evaluate(entry.pk, now=utc(2026, 6, 8, 6, 0))
    assert digests_sweep(now=utc(2026, 6, 10, 9, 0)) == 0
    assert Digest.objects.get().watch_count == 0
    assert Digest.objects.get().created_at - utc(2026, 6, 10, 9, 0) == timedelta(0)


@pytest.mark.django_db
def test_a_refused_digest_records_the_error_type_not_the_address(alice, watch_item):
    """The digest is sent once (no retry); its error is described like the outbox's."""
    refused = smtplib.SMTPRecipientsRefused(
        {alice.email: (550, f"<{alice.email}> unknown".encode())}
    )
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 0
    digest = Digest.objects.get(recipient=alice)
    assert (digest.status, digest.last_error) == ("failed", "SMTPRecipientsRefused (SMTP 550)")
