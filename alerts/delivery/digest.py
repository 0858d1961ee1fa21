"""The daily WATCH digest: one e-mail per clinician and team at the team's local time.

WATCH items never notify anyone in real time (clinical-rules.md A.0); the digest tells
each clinician how many there were in the last 24 hours and links to the list. Counts and
a link only: no names, readings or symptoms. Quiet hours (21:00-08:00 in the team's zone)
hold a digest back until morning. One Digest row per clinician, team and day makes the
sweep idempotent; the rows are sent by the one outbox loop (diary_core/outbox.py, its
retry policy included), so this module says only when a digest is due and what it says.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.languages import speaking_to
from alerts.care.models import Alert
from alerts.delivery.models import Digest
from alerts.ruleset.models import Level
from diary_core import mailer
from diary_core.outbox import Cancel, Defer, DeliveryError, Outcome, deliver_due
from patients.models import QUIET_END, CareTeam, CareTeamMembership, in_quiet_hours
from symptoms.reminders import due_at

WINDOW = timedelta(hours=24)


def watch_count(team: CareTeam, *, until: datetime) -> int:
    return Alert.objects.filter(
        patient__team=team, level=Level.WATCH, fired_at__gt=until - WINDOW, fired_at__lte=until
    ).count()


def digests_sweep(*, now: datetime | None = None) -> int:
    """Write today's digests that are due, then send every due digest through the outbox
    (today's, and earlier ones waiting for a retry). Returns how many e-mails were sent."""
    now = now or timezone.now()
    for team in CareTeam.objects.all():
        _digests_create(team, now)
    return deliver_due(_LOAD, _digest_deliver, now=now)[Outcome.SENT]


def _digests_create(team: CareTeam, now: datetime) -> None:
    """One row per active member of the team for today, once its digest time has come
    (never in quiet hours). With nothing to report the row is cancelled at once: nothing
    is sent, and the day's later sweeps find it there."""
    local = now.astimezone(team.zone)
    if in_quiet_hours(local.time()) or now < due_at(local.date(), team.digest_time, team.zone):
        return
    done = Digest.objects.filter(team=team, local_day=local.date()).values_list(
        "recipient_id", flat=True
    )
    members = CareTeamMembership.objects.filter(team=team, user__is_active=True).exclude(
        user_id__in=done
    )
    recipients = list(members.values_list("user_id", flat=True))
    if not recipients:
        return
    count = watch_count(team, until=now)
    status, why = (
        (Digest.Status.PENDING, "")
        if count
        else (Digest.Status.CANCELLED, Digest.NOTHING_TO_REPORT)
    )
    Digest.objects.bulk_create(
        [
            Digest(
                recipient_id=user_id,
                team=team,
                local_day=local.date(),
                watch_count=count,
                status=status,
                last_error=why,
                created_at=now,
                due_at=now,
            )
            for user_id in recipients
        ],
        ignore_conflicts=True,  # once a day: a second sweep (or beat) finds it there
    )


_LOAD = Digest.objects.select_related("recipient", "team")


def _digest_deliver(digest: Digest, now: datetime) -> Cancel | Defer | None:
    """The outbox's send_one for a digest: a retry that falls in quiet hours waits for the
    morning; one to an account closed since is not needed; else e-mailed."""
    team = digest.team
    local = now.astimezone(team.zone)
    if in_quiet_hours(local.time()):
        morning = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
        return Defer(due_at(morning, QUIET_END, team.zone))
    if not digest.recipient.is_active:
        return Cancel("no longer due")
    _email(digest.recipient, team, digest.watch_count)
    return None


def _email(user, team: CareTeam, count: int) -> None:
    if not user.email:
        raise DeliveryError("the clinician has no e-mail address", permanent=True)
    ctx = {
        "name": user.first_name or user.username,
        "team": team.name,
        "count": count,
        "link": settings.DIARY_BASE_URL + reverse("team:watch"),
    }
    with speaking_to(user):  # in the clinician's language (accounts/languages.py)
        message = EmailMultiAlternatives(
            subject=render_to_string("emails/digest-subject.txt", ctx).strip(),
            body=render_to_string("emails/digest-body.txt", ctx),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("emails/digest-body.html", ctx), "text/html")
    mailer.send(message)
