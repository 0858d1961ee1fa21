"""The care-team loop: who is told, when, on which channel, and what stops it.

Everything that is due lives in PostgreSQL: Notification rows (pending until sent) and
EscalationStep rows (due_at). Beat sweeps pick both up every minute; no Celery ETA.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts.models import LEVEL_RANK, Alert, EscalationStep, Level, Notification
from alerts.transports import TRANSPORTS, TransportError
from diary_site.publisher import publish_task_on_commit
from patients.models import CareTeam, CareTeamMembership, Patient

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_ESCALATION_STEPS = 20
CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)
SWEEP_BATCH = 500


def add_working_hours(start: datetime, hours: float, team: CareTeam) -> datetime:
    """Return the instant `hours` of the team's working time after `start` (Mon–Fri)."""
    tz = ZoneInfo(team.timezone)
    at = start.astimezone(tz)
    remaining = timedelta(hours=hours)
    for _ in range(366):
        day_start = at.replace(
            hour=team.working_day_start.hour,
            minute=team.working_day_start.minute,
            second=0,
            microsecond=0,
        )
        day_end = at.replace(
            hour=team.working_day_end.hour,
            minute=team.working_day_end.minute,
            second=0,
            microsecond=0,
        )
        if at.weekday() < 5 and at < day_end:
            begin = max(at, day_start)
            if begin + remaining <= day_end:
                return begin + remaining
            remaining -= day_end - begin
        at = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return at


def next_escalation_due(alert: Alert, after: datetime, team: CareTeam | None = None) -> datetime:
    team = team or alert.patient.team
    if alert.level == Level.URGENT:
        return after + timedelta(minutes=team.urgent_escalation_minutes)
    return add_working_hours(after, team.contact_escalation_working_hours, team)


def _recipients(team: CareTeam, *, include_backup: bool) -> list[int]:
    roles = [CareTeamMembership.Role.PRIMARY]
    if include_backup:
        roles.append(CareTeamMembership.Role.BACKUP)
    return list(
        team.memberships.filter(role__in=roles, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _notifications(alert: Alert, user_ids: list[int], step: int, now: datetime) -> list:
    return [
        Notification(alert=alert, recipient_id=user_id, channel=channel, step=step, due_at=now)
        for user_id in user_ids
        for channel in CHANNELS
    ]


def _write_notifications(alert: Alert, user_ids: list[int], step: int, now: datetime) -> int:
    rows = _notifications(alert, user_ids, step, now)
    # ignore_conflicts: a redelivered task finds the rows already there.
    return len(Notification.objects.bulk_create(rows, ignore_conflicts=True))


def notice_leads(alerts: list[Alert]) -> list[Alert]:
    """One alert per entry (its highest level, then its first rule) carries the entry's
    notices and escalation: one message per recipient per entry, listing its rules, not
    one per rule. Alerts without an entry (the periodic sweep's) lead themselves."""
    leads: dict[object, Alert] = {}
    for alert in alerts:
        key = alert.entry_id if alert.entry_id is not None else ("alert", alert.pk)
        best = leads.get(key)
        if best is None or (LEVEL_RANK[alert.level], -alert.rule_id) > (
            LEVEL_RANK[best.level],
            -best.rule_id,
        ):
            leads[key] = alert
    return list(leads.values())


def _inherit_owners(alerts: list[Alert], now: datetime) -> dict[int, int]:
    """A patient someone has taken keeps that owner for new alerts: {patient_id: owner_id}.

    One read, then one update per owner (never per alert)."""
    owners = dict(
        Alert.objects.team_alerts()
        .open()
        .filter(patient_id__in={a.patient_id for a in alerts}, owner__isnull=False)
        .exclude(pk__in=[a.pk for a in alerts])
        .order_by("owned_at")  # the latest hand-over wins
        .values_list("patient_id", "owner_id")
    )
    by_owner: dict[int, list[int]] = {}
    for alert in alerts:
        if alert.patient_id in owners and alert.owner_id is None:
            alert.owner_id, alert.owned_at = owners[alert.patient_id], now
            by_owner.setdefault(alert.owner_id, []).append(alert.pk)
    for owner_id, ids in by_owner.items():
        Alert.objects.filter(pk__in=ids).update(owner_id=owner_id, owned_at=now)
    return owners


def alerts_open_team_notices(alerts: list[Alert], *, now: datetime | None = None) -> None:
    """Write the first notices (primaries, and the patient's owner if someone has taken
    the patient) and plan the first escalations in the caller's transaction; after
    commit, a worker sends them. One lead alert per entry carries them (notice_leads).

    A fixed number of statements for any number of alerts: the teams (unless loaded),
    their primaries, the owners, the notices and the escalation steps (the sweep's busy
    tick opens hundreds), plus one update per owner whose patient has new alerts.
    """
    if not alerts:
        return
    now = now or timezone.now()
    team_ids = {alert.patient.team_id for alert in alerts}
    # An entry's alerts come with the team loaded; the sweep's patients do not.
    teams = {a.patient.team_id: a.patient.team for a in alerts if Patient.team.is_cached(a.patient)}
    if set(teams) != team_ids:
        teams = CareTeam.objects.in_bulk(team_ids)
    primaries: dict[int, list[int]] = {pk: [] for pk in team_ids}
    for team_id, user_id in CareTeamMembership.objects.filter(
        team_id__in=team_ids, role=CareTeamMembership.Role.PRIMARY, user__is_active=True
    ).values_list("team_id", "user_id"):
        primaries[team_id].append(user_id)
    owners = _inherit_owners(alerts, now)
    leads = notice_leads(alerts)

    def recipients(alert: Alert) -> list[int]:
        people = list(primaries[alert.patient.team_id])
        owner = owners.get(alert.patient_id)
        return people + [owner] if owner and owner not in people else people

    Notification.objects.bulk_create(
        [row for alert in leads for row in _notifications(alert, recipients(alert), 0, now)],
        ignore_conflicts=True,  # a redelivered task finds the rows already there
    )
    EscalationStep.objects.bulk_create(
        [
            EscalationStep(
                alert=alert,
                step=1,
                due_at=next_escalation_due(alert, now, teams[alert.patient.team_id]),
            )
            for alert in leads
        ],
        ignore_conflicts=True,
    )
    # Send them now rather than at the next minute's sweep.
    publish_task_on_commit("alerts.tasks.send_due_notifications")


def notification_send(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one notification if it is still pending. Safe to call twice or concurrently."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1)
    if claimed != 1:
        return "not pending"
    notification = Notification.objects.select_related("alert__patient", "recipient").get(
        pk=notification_id
    )
    if (
        notification.kind == Notification.Kind.ALERT
        and notification.step > 0
        and not notification.alert.waiting()
    ):
        Notification.objects.filter(pk=notification_id).update(status=Notification.Status.CANCELLED)
        return "cancelled"
    try:
        TRANSPORTS[notification.channel].notify(notification)
    except TransportError as exc:
        give_up = exc.permanent or notification.attempts >= MAX_ATTEMPTS
        backoff = timedelta(seconds=min(30 * 2 ** (notification.attempts - 1), 1800))
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if give_up else Notification.Status.PENDING,
            last_error=exc.message[:300],
            due_at=now + backoff,
        )
        logger.warning(
            "notification %s (%s) failed: %s", notification_id, notification.channel, exc.message
        )
        return "failed" if give_up else "retry"
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=now, last_error=""
    )
    return "sent"


def notifications_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Send every due pending notification (bounded batch); in-app ones first."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.due(now)
        .order_by("-channel", "due_at")  # in_app sorts after email: in-app first
        .values_list("pk", flat=True)[:batch]
    )
    return sum(notification_send(pk, now=now) == "sent" for pk in ids)


def escalations_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Re-notify unacknowledged alerts whose escalation step is due, adding the backup."""
    now = now or timezone.now()
    done = 0
    steps = list(
        EscalationStep.objects.filter(processed_at__isnull=True, due_at__lte=now)
        .select_related("alert__patient__team")
        .order_by("due_at")[:batch]
    )
    for step in steps:
        with transaction.atomic():
            alert = step.alert
            if not alert.waiting():  # everyone's alerts on the entry are acknowledged
                outcome = alert.status
            elif alert.snoozed_until and alert.snoozed_until > now:
                EscalationStep.objects.filter(pk=step.pk).update(due_at=alert.snoozed_until)
                continue
            else:
                outcome = "renotified"
            claimed = EscalationStep.objects.filter(pk=step.pk, processed_at__isnull=True).update(
                processed_at=now, outcome=outcome
            )
            if claimed != 1 or outcome != "renotified":
                continue
            team = alert.patient.team
            _write_notifications(alert, _recipients(team, include_backup=True), step.step, now)
            if step.step < MAX_ESCALATION_STEPS:
                EscalationStep.objects.get_or_create(
                    alert=alert,
                    step=step.step + 1,
                    defaults={"due_at": next_escalation_due(alert, now)},
                )
            done += 1
    return done
