"""The diary's periodic work (beat): reminders. Tasks take no health data."""

from __future__ import annotations

import logging

from celery import shared_task

from symptoms.reminders import daily_reminders_sweep, missed_dose_reminders, reminders_send

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=280)
def send_patient_reminders() -> None:
    """Create today's due daily and missed-injection reminders, then send what is pending
    (beat, every 5 min)."""
    created = daily_reminders_sweep() + missed_dose_reminders()
    sent = reminders_send()
    if created or sent:
        logger.info("reminders: %s created, %s sent", created, sent)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def send_due_patient_messages() -> None:
    """Send what is due to patients now (published after a team's action wrote a message
    for one: "your team has seen this" does not wait for beat's next round)."""
    reminders_send()
