"""The team's work on one patient's open alerts, taken together: who owns them, and
acknowledging or resolving them all at once.

A patient in trouble often raises several rules from one entry (fever, chills and a
urinary infection are three rules). The nurse deals with the patient, not with the rules:
each step here locks the patient's row first, so two nurses acting on the same patient at
once are served one after the other, and the second sees what the first did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from alerts.models import LEVEL_RANK, Alert, FollowUp, Level, Notification, level_rank
from alerts.notify import add_working_hours
from diary_site.publisher import publish_task_on_commit
from patients.models import CareTeam, CareTeamMembership, Patient, User
from symptoms.models import TemperatureReading


@dataclass(frozen=True)
class ClaimResult:
    claimed: bool
    owner: object | None  # the User who owns the patient's alerts now


def _open_alerts(patient: Patient, ids: list[int] | None = None):
    alerts = Alert.objects.select_for_update().filter(patient=patient).team_alerts().open()
    if ids is not None:
        alerts = alerts.filter(pk__in=ids)
    return list(alerts.order_by("pk"))


def _lock(patient: Patient) -> None:
    Patient.objects.select_for_update().filter(pk=patient.pk).first()


@transaction.atomic
def patient_claim(*, patient: Patient, by, now: datetime | None = None) -> ClaimResult:
    """ "I'll take this": `by` owns the patient's open alerts and acknowledges them.

    If a colleague owns them already, nothing changes and the result names the owner
    (two nurses pressing at once: the first wins, the second is told who has it).
    """
    now = now or timezone.now()
    _lock(patient)
    alerts = _open_alerts(patient)
    owners = {a.owner_id for a in alerts if a.owner_id}
    if owners - {by.pk}:
        owner = next(a.owner for a in alerts if a.owner_id and a.owner_id != by.pk)
        return ClaimResult(claimed=False, owner=owner)
    for alert in alerts:
        if alert.owner_id != by.pk:
            alert.owner, alert.owned_at, alert.owned_by = by, now, by
            alert._save_by(by)
        alert.acknowledge(by=by, now=now)
    return ClaimResult(claimed=bool(alerts), owner=by if alerts else None)


@transaction.atomic
def patient_assign(*, patient: Patient, to, by, now: datetime | None = None) -> int:
    """Pass the patient's open alerts to a colleague on the patient's team; they are told
    in the app and by e-mail. Returns how many alerts changed hands."""
    now = now or timezone.now()
    if not team_colleagues(patient.team).filter(pk=to.pk).exists():
        raise ValueError("the colleague is not on the patient's team")
    _lock(patient)
    changed = [a for a in _open_alerts(patient) if a.owner_id != to.pk]
    for alert in changed:
        alert.owner, alert.owned_at, alert.owned_by = to, now, by
        alert._save_by(by)
    if changed and to.pk != by.pk:
        lead = max(changed, key=lambda a: (LEVEL_RANK[a.level], -a.pk))
        # A hand-over notice on the lead alert: it links to the patient's alerts.
        Notification.objects.bulk_create(
            [
                Notification(
                    alert=lead,
                    recipient=to,
                    channel=channel,
                    kind=Notification.Kind.HANDOVER,
                    due_at=now,
                )
                for channel in (Notification.Channel.IN_APP, Notification.Channel.EMAIL)
            ],
            ignore_conflicts=True,
        )
        publish_task_on_commit("alerts.tasks.send_due_notifications")
    return len(changed)


@transaction.atomic
def patient_acknowledge(
    *, patient: Patient, by, ids: list[int] | None = None, now: datetime | None = None
) -> int:
    """Acknowledge the patient's open alerts (or those of `ids`). Returns how many."""
    now = now or timezone.now()
    _lock(patient)
    return sum(
        alert.acknowledge(by=by, now=now)
        for alert in _open_alerts(patient, ids)
        if alert.status == Alert.Status.OPEN
    )


@transaction.atomic
def patient_resolve(
    *,
    patient: Patient,
    by,
    action: str,
    note: str = "",
    ids: list[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Resolve the patient's open alerts (or those of `ids`) with one action and note.

    An URGENT alert needs a note (what was done); the form says so first, and this
    refuses, so no other path can close one silently.
    """
    now = now or timezone.now()
    _lock(patient)
    alerts = _open_alerts(patient, ids)
    if not note.strip() and any(a.level == Level.URGENT for a in alerts):
        raise ValueError("an URGENT alert needs a note")
    return sum(alert.resolve(by=by, action=action, note=note, now=now) for alert in alerts)


def team_colleagues(team: CareTeam):
    """The active clinicians of a team, to pass a patient to."""
    return User.objects.filter(
        pk__in=CareTeamMembership.objects.filter(team=team).values("user_id"), is_active=True
    ).order_by("first_name", "last_name", "username")


# Response targets: how soon someone should have acknowledged an alert of each level.


def response_due(alert: Alert, team: CareTeam) -> datetime | None:
    """When `alert` should have been acknowledged by (None for levels without a target)."""
    if alert.level == Level.URGENT:
        return alert.fired_at + timedelta(minutes=settings.RESPONSE_TARGET_URGENT_MINUTES)
    if alert.level == Level.CONTACT:
        return add_working_hours(
            alert.fired_at, settings.RESPONSE_TARGET_CONTACT_WORKING_HOURS, team
        )
    return None


def response_overdue(alert: Alert, team: CareTeam, now: datetime) -> timedelta | None:
    """How long past its target an alert still waiting for someone is (None if not)."""
    if alert.status != Alert.Status.OPEN:
        return None
    due = response_due(alert, team)
    return now - due if due is not None and now > due else None


# The queue: one row per patient with open alerts.


@dataclass
class PatientRow:
    """One patient in the queue: their open alerts, highest level first."""

    patient: Patient
    alerts: list[Alert]
    follow_ups: dict = field(default_factory=dict)
    # The patient's latest temperature, newer than the alerts' own readings when a later
    # entry was de-duplicated (no new alert): the nurse sees where the patient is now.
    latest_reading: TemperatureReading | None = None

    @property
    def newer_reading(self) -> TemperatureReading | None:
        reading = self.latest_reading
        if reading is None or reading.entry.recorded_at <= max(a.fired_at for a in self.alerts):
            return None
        return reading

    @property
    def lead(self) -> Alert:
        return self.alerts[0]

    @property
    def level(self) -> str:
        return self.lead.level

    @property
    def since(self) -> datetime:
        return min(a.fired_at for a in self.alerts)

    @property
    def waiting(self) -> list[Alert]:
        """Alerts nobody has acknowledged yet."""
        return [a for a in self.alerts if a.status == Alert.Status.OPEN]

    @property
    def owners(self) -> list:
        return list({a.owner_id: a.owner for a in self.alerts if a.owner_id}.values())

    @property
    def acknowledged(self) -> Alert | None:
        """The latest acknowledgement, for "acknowledged by erin at 09:12"."""
        done = [a for a in self.alerts if a.acknowledged_at]
        return max(done, key=lambda a: a.acknowledged_at) if done else None

    @property
    def snoozed(self) -> Alert | None:
        done = [a for a in self.alerts if a.snoozed_until and a.snoozed_at]
        return max(done, key=lambda a: a.snoozed_until) if done else None

    def overdue(self, now: datetime) -> timedelta | None:
        """How long the longest-waiting alert is past its response target."""
        late = [
            d for a in self.alerts if (d := response_overdue(a, self.patient.team, now)) is not None
        ]
        return max(late) if late else None

    @property
    def told(self) -> str:
        """What the patient was told on screen: the highest alert's message."""
        return self.lead.patient_words

    @property
    def follow_up(self):
        """The patient's latest answer to "did you reach someone?" on these alerts' entries."""
        answers = [
            self.follow_ups[a.entry_id] for a in self.alerts if a.entry_id in self.follow_ups
        ]
        return max(answers, key=lambda f: f.answered_at) if answers else None


def patient_queue(alerts, *, start: int, size: int) -> tuple[list[PatientRow], bool]:
    """Rows `start` to `start + size` of the queue over the open team alerts `alerts`:
    the highest level first, then the longest waiting. Four queries for any page and
    any clinic size. Returns the rows and whether there is a next page."""
    ranked = list(
        alerts.values("patient_id")
        .annotate(rank=Max(level_rank()), since=Min("fired_at"))
        .order_by("-rank", "since", "patient_id")
        .values_list("patient_id", flat=True)[start : start + size + 1]
    )
    has_next, page = len(ranked) > size, ranked[:size]
    rows = {pk: PatientRow(patient=None, alerts=[]) for pk in page}
    found = (
        alerts.filter(patient_id__in=page)
        .select_related(
            "rule", "patient__user", "patient__team", "owner", "acknowledged_by", "snoozed_by"
        )
        .order_by(level_rank().desc(), "fired_at", "pk")
    )
    for alert in found:
        row = rows[alert.patient_id]
        row.patient = alert.patient
        row.alerts.append(alert)
    entry_ids = [a.entry_id for row in rows.values() for a in row.alerts if a.entry_id]
    follow_ups = {f.entry_id: f for f in FollowUp.objects.filter(entry_id__in=entry_ids)}
    latest = (
        TemperatureReading.objects.filter(entry__patient_id__in=page)
        .select_related("entry")
        .order_by("entry__patient_id", "-entry__recorded_at", "-value_c")
        .distinct("entry__patient_id")
    )
    for reading in latest:
        rows[reading.entry.patient_id].latest_reading = reading
    for row in rows.values():
        row.follow_ups = follow_ups
    return [rows[pk] for pk in page if rows[pk].alerts], has_next


def queue_counts(alerts) -> dict:
    """Patients by their highest level, and alerts in all, in one query."""
    return alerts.aggregate(
        patients=Count("patient_id", distinct=True),
        urgent=Count("patient_id", distinct=True, filter=Q(level=Level.URGENT)),
        alerts=Count("pk"),
    )
