"""Account e-mail: invitations and resets go through the outbox with retries, are limited,
never reach the logs in production, and are written as plain text (no HTML escaping)."""

from __future__ import annotations

import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diary_core import outbox
from patients.mail import account_email_queue, account_emails_send
from patients.models import AccountEmail, User

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")


def ask_reset(client, email, ip="192.0.2.10"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_an_invited_patient_who_never_chose_a_password_can_reset_it(client, team_a):
    user = User.objects.create_user("nina", "nina@example.org", None, first_name="Nina")
    assert not user.has_usable_password()
    response = ask_reset(client, "NINA@example.org")
    assert response["Location"] == reverse("password_reset_done")
    assert account_emails_send() == 1
    assert re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[0].body)


def test_an_unknown_address_looks_the_same_and_sends_nothing(client, bob):
    known, unknown = ask_reset(client, bob.user.email), ask_reset(client, "who@example.org")
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert account_emails_send() == 1


def test_one_address_gets_at_most_three_reset_emails_an_hour(client, bob):
    """15 POSTs once sent 15 e-mails to one patient."""
    for n in range(15):
        response = ask_reset(client, bob.user.email, ip=f"192.0.2.{n}")
        assert response["Location"] == reverse("password_reset_done")  # the same page
    assert AccountEmail.objects.filter(user=bob.user).count() == 3


def test_one_client_gets_at_most_twenty_reset_requests_an_hour(client, bob):
    addresses = [f"person{n}@example.org" for n in range(25)]
    for address in addresses:
        User.objects.create_user(address.split("@")[0], address, None)
        ask_reset(client, address)
    assert AccountEmail.objects.count() == 20


def test_the_limits_fail_open_when_the_cache_is_down(client, bob, settings):
    """A cache outage must never stop a patient resetting their password."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert ask_reset(client, bob.user.email)["Location"] == reverse("password_reset_done")
    assert AccountEmail.objects.filter(user=bob.user).count() == 1


def test_the_task_carries_only_an_id_and_the_link_is_made_when_sending(
    bob, django_capture_on_commit_callbacks
):
    published = []
    with mock.patch(
        "diary_core.publisher.publish_task", lambda name, *args: published.append((name, args))
    ):
        with django_capture_on_commit_callbacks(execute=True):
            email = account_email_queue(bob.user, AccountEmail.Kind.PASSWORD_RESET)
    # An id only: no address, no link, no token.
    assert published == [("patients.tasks.send_account_email", (email.pk,))]
    assert account_emails_send() == 1
    assert "/accounts/reset/" in mail.outbox[0].body  # the link, made at sending time


def test_a_failed_send_is_retried_under_the_outbox_policy_then_given_up(bob):
    email = account_email_queue(bob.user, AccountEmail.Kind.PASSWORD_RESET)
    now = timezone.now()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPException,
    ):
        assert account_emails_send(now=now) == 0
        email.refresh_from_db()
        assert (email.status, email.attempts, email.due_at) == (
            "pending",
            1,
            now + outbox.retry_delay(1),
        )
        assert account_emails_send(now=now) == 0  # not due yet: not tried again
        later = now
        for attempt in range(1, outbox.MAX_ATTEMPTS):
            later += outbox.retry_delay(attempt)
            account_emails_send(now=later)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        "failed",
        outbox.MAX_ATTEMPTS,
        "SMTPException",
    )
    assert mail.outbox == []


def test_a_lost_publish_is_sent_by_the_sweep(bob):
    """Redis was down when the invitation was written: beat's sweep sends it a minute later."""
    from patients.tasks import send_due_account_emails

    account_email_queue(bob.user, AccountEmail.Kind.INVITE_PATIENT)
    send_due_account_emails()
    assert len(mail.outbox) == 1
    send_due_account_emails()
    assert len(mail.outbox) == 1  # once


def test_plain_text_mail_is_not_html_escaped(team_a):
    user = User.objects.create_user(
        "oneill", "oneill@example.org", None, first_name="Seán O'Neill & Co"
    )
    account_email_queue(user, AccountEmail.Kind.INVITE_PATIENT)
    account_emails_send()
    body = mail.outbox[0].body
    assert "Seán O'Neill & Co" in body and "&#x27;" not in body and "&amp;" not in body
