"""The admin's "Messages" page: every message of every kind, how its delivery went, with
filters; for administrators only, and with no address or health data on it."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from alerts.delivery.digest import digests_sweep
from alerts.models import Digest
from patients.mail import account_email_queue
from patients.models import AccountEmail, PatientReminder
from patients.roles import ADMINISTRATOR, ensure_role_groups
from symptoms import reminders
from tests.alerts.factories import make_entry, submit_entry
from tests.conftest import make_user, with_second_factor

pytestmark = pytest.mark.django_db
PAGE = reverse("admin:messages")


@pytest.fixture
def messages(bob, alice):
    """One of each kind: a sent team e-mail, a pending account e-mail, a failed reminder."""
    submit_entry(bob, timezone.now(), temp="38.9", note="my secret note")
    account_email_queue(alice, AccountEmail.Kind.PASSWORD_RESET)
    now = datetime(2030, 6, 10, 9, 0, tzinfo=UTC)  # after the entry: the diary still waits
    reminders.gap_reminders([bob], now=now)
    refused = smtplib.SMTPRecipientsRefused(
        {bob.user.email: (550, f"5.1.1 <{bob.user.email}> unknown".encode())}
    )
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        reminders.reminders_send(now=now)
    assert PatientReminder.objects.get().status == "failed"


def test_it_shows_every_kind_and_a_failed_reminders_error_without_the_address(
    client, dana, bob, messages
):
    client.force_login(dana)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("Notification", "Account email", "Patient reminder"):
        assert kind in page
    assert "SMTPRecipientsRefused (SMTP 550)" in page
    for private in (bob.user.email, "@example.org", "38.9", "38,9", "my secret note", "Baker"):
        assert private not in page


def test_it_lists_the_watch_digests_sent_and_the_days_with_nothing_to_report(
    client, dana, alice, erin, bob
):
    day = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
    entry = make_entry(bob, day, temp="37.6", symptoms={"sore_throat": 1}, note="my secret note")
    recording.entry_evaluate(entry.pk, now=day)
    assert digests_sweep(now=day.replace(hour=8)) == 2  # alice and erin, at 09:00 in London
    assert digests_sweep(now=day.replace(day=12, hour=8)) == 0  # nothing since: not sent
    assert Digest.objects.filter(status="sent").count() == 2
    client.force_login(dana)
    page = client.get(PAGE + "?kind=alerts.digest").content.decode()
    assert page.count("<td>Digest: Daily WATCH digest</td>") == 4
    assert page.count("<td>alice</td>") == 2 and page.count("<td>erin</td>") == 2
    assert page.count(">Sent</td>") == 2 and page.count(">Not needed any more</td>") == 2
    assert page.count(f"<td>{Digest.NOTHING_TO_REPORT}</td>") == 2
    for private in (alice.email, "@example.org", "37.6", "37,6", "my secret note", "Baker"):
        assert private not in page
    cancelled = client.get(PAGE + "?status=cancelled").content.decode()
    assert cancelled.count("<td>Digest: Daily WATCH digest</td>") == 2


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status=failed", ["SMTPRecipientsRefused"], ["Password reset", "In the app"]),
        ("?kind=patients.accountemail", ["Password reset"], ["Patient reminder", "In the app"]),
        ("?kind=alerts.notification&status=sent", ["In the app"], ["Password reset"]),
        ("?status=cancelled", ["No messages."], ["Password reset"]),
    ],
)
def test_it_filters_by_status_and_kind(client, dana, messages, query, shown, hidden):
    client.force_login(dana)
    page = client.get(PAGE + query).content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert f"<td>{text}" not in page and f": {text}</td>" not in page


def test_an_administrator_sees_it_and_it_is_on_the_index(client, messages):
    admin = with_second_factor(make_user("ada", is_staff=True))
    admin.groups.add(ensure_role_groups()[ADMINISTRATOR])
    client.force_login(admin)
    assert client.get(PAGE).status_code == 200
    assert PAGE in client.get(reverse("admin:index")).content.decode()


def test_it_is_for_staff_only(client, alice, bob, messages):
    client.force_login(alice)  # a clinician, not staff
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(bob.user)
    assert client.get(PAGE).status_code == 302
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_staff_without_the_messages_permissions_are_refused(client, messages):
    staff = with_second_factor(make_user("stan", is_staff=True))
    client.force_login(staff)
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("kind", ["nothing.here", "patients", "alerts.digest'--", ""])
def test_an_unknown_kind_shows_every_kind_instead_of_failing(client, dana, messages, kind):
    client.force_login(dana)
    response = client.get(PAGE, {"kind": kind, "status": "no-such-status"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Password reset" in page and "Patient reminder" in page
