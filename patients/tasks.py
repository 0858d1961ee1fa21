"""Account work: invitations, resets and notices (patients/mail.py), clearing lab result
files left unimported, and removing ended sessions. Ids only."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from patients.mail import account_emails_send
from patients.models import LabImport, UserSession

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def send_account_email(email_id: int) -> None:
    """Send one account e-mail (invitation, reset, notice) now; safe to run twice."""
    account_emails_send(only=email_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def send_due_account_emails() -> None:
    """Send account e-mails still due: a lost publish, or a retry after a failure (beat)."""
    sent = account_emails_send()
    if sent:
        logger.info("sent %s account e-mails", sent)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def discard_stale_lab_imports() -> None:
    """Clear files of laboratory results checked but not imported within a day (beat)."""
    discarded = LabImport.objects.discard_stale(timezone.now())
    if discarded:
        logger.info("discarded %s lab import files not imported", discarded)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def clear_ended_sessions() -> None:
    """Remove the sessions that have ended (beat): a signed-out or timed-out session is of
    no use to anyone, and its row names the account it was signed in to."""
    UserSession.get_session_store_class().clear_expired()  # Django's own
