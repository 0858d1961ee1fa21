"""The daily WATCH digest: one e-mail per clinician and team at the team's local time.

WATCH items never notify anyone in real time (clinical-rules.md A.0); the digest tells
each clinician how many there were in the last 24 hours and links to the list. Counts and
a link only: no names, readings or symptoms. Quiet hours (21:00-08:00 in the team's zone)
hold a digest back until morning. One Digest row per clinician, team and day makes the
sweep idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts.care.models import Alert
from alerts.delivery.models import Digest
from alerts.ruleset.models import Level
from diary_core.outbox import describe
from patients.languages import speaking_to
from patients.models import CareTeam, CareTeamMembership
from symptoms.reminders import due_at, in_quiet_hours

logger = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)


def watch_count(team: CareTeam, *, until: datetime) -> int:
    return Alert.objects.filter(
        patient__team=team, level=Level.WATCH, fired_at__gt=until - WINDOW, fired_at__lte=until
    ).count()


def digests_sweep(*, now: datetime | None = None) -> int:
    """Send today's digests that are due. Returns how many e-mails were sent."""
    now = now or timezone.now()
    sent = 0
    for team in CareTeam.objects.all():
        local = now.astimezone(team.zone)
        if in_quiet_hours(local.time()) or now < due_at(local.date(), team.digest_time, team.zone):
            continue
        done = set(
            Digest.objects.filter(team=team, local_day=local.date()).values_list(
                "recipient_id", flat=True
            )
        )
        members = (
            CareTeamMembership.objects.filter(team=team, user__is_active=True)
            .exclude(user_id__in=done)
            .select_related("user")
        )
        if not members:
            continue
        count = watch_count(team, until=now)
        for membership in members:
            sent += _send(membership.user, team, local.date(), count, now)
    return sent


def _send(user, team: CareTeam, day, count: int, now: datetime) -> int:
    status, error = (Digest.Status.EMPTY, "") if count == 0 else (Digest.Status.SENT, "")
    try:
        with transaction.atomic():
            # The row first: a second sweep (or a second beat) finds it and sends nothing.
            digest = Digest.objects.create(
                recipient=user,
                team=team,
                local_day=day,
                watch_count=count,
                status=status,
                created_at=now,
            )
    except IntegrityError:
        return 0
    if count == 0:
        return 0
    try:
        _email(user, team, count)
    except Exception as exc:  # noqa: BLE001 — recorded and shown, never raised
        Digest.objects.filter(pk=digest.pk).update(
            status=Digest.Status.FAILED,
            last_error=describe(exc),  # never the address
        )
        logger.warning("WATCH digest %s not sent", digest.pk)
        return 0
    return 1


def _email(user, team: CareTeam, count: int) -> None:
    if not user.email:
        raise ValueError("the clinician has no e-mail address")
    ctx = {
        "name": user.first_name or user.username,
        "team": team.name,
        "count": count,
        "link": settings.DIARY_BASE_URL + reverse("team:watch"),
    }
    with speaking_to(user):  # in the clinician's language (patients/languages.py)
        message = EmailMultiAlternatives(
            subject=render_to_string("emails/digest-subject.txt", ctx).strip(),
            body=render_to_string("emails/digest-body.txt", ctx),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("emails/digest-body.html", ctx), "text/html")
    message.send()
