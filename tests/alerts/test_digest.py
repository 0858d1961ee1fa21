"""The daily WATCH digest: at the team's local time, once, counts and a link only; sent
through the outbox (diary_core/outbox.py), so a failure is retried under its one policy."""

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
from diary_core.outbox import retry_delay
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
    """The day's row says nothing was sent, and why."""
    assert digests_sweep(now=utc(2026, 6, 10, 9, 0)) == 0
    digest = Digest.objects.get()
    assert (digest.status, digest.last_error, digest.attempts) == (
        "cancelled",
        Digest.NOTHING_TO_REPORT,
        0,
    )
    assert not mail.outbox


@pytest.mark.django_db
def test_a_day_with_nothing_to_report_stays_unsent_that_day(alice, bob):
    """A WATCH item after the day's empty digest waits for tomorrow's: one digest a day."""
    assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 0  # 09:00 in London: nothing yet
    entry = make_entry(bob, utc(2026, 6, 10, 9, 0), temp="37.6")
    recording.entry_evaluate(entry.pk, now=utc(2026, 6, 10, 9, 0))
    assert digests_sweep(now=utc(2026, 6, 10, 10, 0)) == 0  # tomorrow's digest tells it
    assert Digest.objects.get().status == "cancelled"
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
    """The address refused (SMTP 5xx): trying again cannot help, so it fails at once; its
    error is the outbox's description, never the address."""
    refused = smtplib.SMTPRecipientsRefused(
        {alice.email: (550, f"<{alice.email}> unknown".encode())}
    )
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 0
    digest = Digest.objects.get(recipient=alice)
    assert (digest.status, digest.last_error, digest.attempts) == (
        "failed",
        "SMTPRecipientsRefused (SMTP 550)",
        1,
    )
    assert digests_sweep(now=utc(2026, 6, 10, 9, 0)) == 0  # not tried again
    assert not mail.outbox


@pytest.mark.django_db
def test_a_transient_failure_is_retried_under_the_policy_then_sent(alice, watch_item):
    first = utc(2026, 6, 10, 8, 0)  # 09:00 in London
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ):
        assert digests_sweep(now=first) == 0
    digest = Digest.objects.get(recipient=alice)
    assert (digest.status, digest.attempts, digest.last_error) == (
        "pending",
        1,
        "SMTPServerDisconnected",
    )
    assert digest.due_at == first + retry_delay(1)
    assert digests_sweep(now=first + retry_delay(1) - timedelta(seconds=1)) == 0  # not yet
    assert not mail.outbox
    assert digests_sweep(now=first + retry_delay(1)) == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts, digest.last_error) == ("sent", 2, "")
    assert digest.sent_at == first + retry_delay(1)
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "1 item to watch" in mail.outbox[0].subject  # the count of when it was written


@pytest.mark.django_db
def test_a_clinician_without_an_address_fails_at_once(alice, erin, watch_item):
    erin.email = ""
    erin.save()
    assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 1  # alice's
    digest = Digest.objects.get(recipient=erin)
    assert (digest.status, digest.attempts, digest.last_error) == (
        "failed",
        1,
        "the clinician has no e-mail address",
    )
    assert digests_sweep(now=utc(2026, 6, 10, 9, 0)) == 0
    assert [m.to for m in mail.outbox] == [[alice.email]]


@pytest.mark.django_db
def test_two_sweeps_the_same_day_send_once(alice, watch_item):
    assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 1
    assert digests_sweep(now=utc(2026, 6, 10, 8, 0)) == 0
    assert digests_sweep(now=utc(2026, 6, 10, 15, 0)) == 0
    assert len(mail.outbox) == 1
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts, digest.kind) == ("sent", 1, "watch")


@pytest.mark.django_db
def test_a_retry_that_falls_in_quiet_hours_waits_for_the_morning(alice, watch_item):
    team = alice.care_teams.get()
    team.digest_time = time(20, 58)
    team.save()
    first = utc(2026, 6, 10, 19, 58)  # 20:58 in London
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected(),
    ):
        assert digests_sweep(now=first) == 0
    assert digests_sweep(now=utc(2026, 6, 10, 20, 5)) == 0  # 21:05: quiet hours
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts) == ("pending", 1)  # the wait is not an attempt
    assert digest.due_at == utc(2026, 6, 11, 7, 0)  # 08:00 in London
    assert digests_sweep(now=utc(2026, 6, 11, 7, 0)) == 1
    assert Digest.objects.get(local_day=digest.local_day).status == "sent"
