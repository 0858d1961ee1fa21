"""Patient-facing periodic work (beat): reminders. Tasks take no health data."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def send_patient_reminders() -> None:
    """Create today's due daily reminders, then send what is pending (beat, every 5 min)."""
    from patients.reminders import daily_reminders_sweep, reminders_send

    created = daily_reminders_sweep()
    sent = reminders_send()
    if created or sent:
        logger.info("reminders: %s created, %s sent", created, sent)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def send_account_email(email_id: int) -> None:
    """Send one account e-mail (invitation, reset, notice) now; safe to run twice."""
    from patients.mail import account_emails_send

    account_emails_send(only=email_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=58)
def send_due_account_emails() -> None:
    """Send account e-mails still due: a lost publish, or a retry after a failure (beat)."""
    from patients.mail import account_emails_send

    sent = account_emails_send()
    if sent:
        logger.info("sent %s account e-mails", sent)
