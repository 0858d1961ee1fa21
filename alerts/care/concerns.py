"""The patient's concern (docs/clinical-rules.md §5): what new firings do to it, and what the
team and the patient do with it.

Every function here locks the patient's row first, so a patient and a caregiver saving at
the same moment, two nurses taking the same patient, or a sweep and a request are served
one after the other, and the second sees what the first did. Each change writes one
ConcernEvent; the changes that tell someone (opened, raised, a new URGENT, passed on, a call
back asked for) write one message per person in the same transaction (alerts/care/notify.py
sends them after commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from alerts import rules
from alerts.care.models import Alert, Concern, ConcernEvent, EscalationStep, FollowUp, Notification
from alerts.care.notify import add_working_hours, concern_notify, notify_many, recipients
from alerts.care.oncall import end_paging, plan_paging, plan_paging_many
from alerts.rules.concern import (
    Member,
    Transition,
    joins,
    lead,
    level_of,
    reported_codes,
    transition,
)
from alerts.ruleset.models import Level
from diary_core.prepared import PreparedObjects
from patients.models import CareTeam, CareTeamMembership, Patient, PatientReminder, User
from symptoms.reminders import patient_told

Kind = ConcernEvent.Kind
# What each answer to "Did you reach someone?" says (FollowUp.Answer -> Concern.Reached).
REACHED_BY_ANSWER = {
    FollowUp.Answer.CARE_TEAM: Concern.Reached.TEAM,
    FollowUp.Answer.GP: Concern.Reached.GP,
    FollowUp.Answer.URGENT_CARE: Concern.Reached.NHS_111,
    FollowUp.Answer.ED: Concern.Reached.ED,
}


# The lock's read, compiled to SQL once per process (diary_core.prepared): it starts every
# Save, and Django compiling it took several times as long as PostgreSQL answering it.
_LOCK = PreparedObjects.keyed(
    "pk",
    lambda pk: (
        Patient.objects.select_for_update(of=("self",))
        .select_related("team", "user")
        .filter(pk=pk)
        .order_by()  # one row: the patients' list order would sort by the user's name
    ),
)


def lock_patient(patient: Patient) -> Patient | None:
    """Serve one change of this patient's record at a time (until the transaction ends).
    Returns the row as locked, with its team and user: what a writer that held the lock
    before changed (risk flags, pause, team) is in it. Only inside a transaction (else
    TransactionManagementError, as Django's own select_for_update)."""
    return _LOCK.first(pk=patient.pk)


def open_concern(patient: Patient, *, lock: bool = False) -> Concern | None:
    concerns = Concern.objects.filter(patient=patient, status=Concern.Status.OPEN)
    if lock:
        concerns = concerns.select_for_update()
    return concerns.first()


# Response targets: how soon someone should acknowledge a concern of each level.


def response_due(level: str, since: datetime, team: CareTeam) -> datetime | None:
    """When a concern of `level` waiting since `since` should be acknowledged by."""
    if level == Level.URGENT:
        return since + timedelta(minutes=settings.RESPONSE_TARGET_URGENT_MINUTES)
    if level == Level.CONTACT:
        return add_working_hours(since, settings.RESPONSE_TARGET_CONTACT_WORKING_HOURS, team)
    return None


# New firings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What recording one entry's (or sweep's) alerts did to the patient's concern."""

    concern: Concern | None
    transition: str  # alerts.rules.concern.Transition


def _member(alert: Alert) -> Member:
    return Member(
        key=alert.pk,
        rule_id=alert.rule.rule_id,
        level=alert.level,
        source=alert.entry_id if alert.entry_id else f"at {alert.fired_at.isoformat()}",
        at=alert.fired_at,
        reported=reported_codes(alert.why or {}),
        resolved=alert.status == Alert.Status.RESOLVED,
    )


def members_of(concern: Concern) -> list[Member]:
    """The concern's unresolved alerts as the lead and the levels read them (one query)."""
    alerts = Alert.objects.filter(concern=concern).exclude(status=Alert.Status.RESOLVED)
    return [_member(a) for a in alerts.select_related("rule")]


def _refresh(concern: Concern, members: list[Member]) -> None:
    """Level, lead and the patient's advice from the unresolved alerts (not saved)."""
    concern.level = level_of(members) if members else concern.level
    team_lead = lead(members)
    concern.lead_id = team_lead.key if team_lead else None
    concern.advice_level = level_of(members, patient=True)
    advice = lead(members, patient=True)
    concern.advice_lead_id = advice.key if advice else None


def concern_apply(
    *, patient: Patient, alerts: list[Alert], now: datetime, entry=None, locked: bool = False
) -> Change:
    """Join the newly recorded `alerts` (one entry's or one sweep's) to the patient's
    concern, opening it if none is open; tell the owner (or the team's route) once when it
    opens, rises or gets a new URGENT (§5). The caller holds the transaction; locked=True:
    it holds the patient's row already."""
    joining = [a for a in alerts if joins(a.rule.rule_id, a.level, a.why or {})]
    if not joining:
        return Change(concern=None, transition=Transition.NOTHING)
    if not locked:
        lock_patient(patient)
    concern = open_concern(patient, lock=True)
    kind = transition(concern.level if concern else None, [a.level for a in joining])
    level = rules.level_max(a.level for a in joining)
    if concern is None:
        concern = Concern.objects.create(
            patient=patient,
            level=level,
            opened_at=now,
            level_since=now,
        )
    Alert.objects.filter(pk__in=[a.pk for a in joining]).update(concern=concern)
    for alert in joining:
        alert.concern = concern
    advice_before = concern.advice_level or rules.NONE
    _refresh(concern, members_of(concern))
    if kind == Transition.JOINED and rules.RANK[concern.advice_level] > rules.RANK[advice_before]:
        # A concern the team opened from a laboratory result (team-only, §6) now gives the
        # patient advice: the patient's level rose, so the team is told as for a rise and
        # must see it again (docs/clinical-safety.md, "Laboratory results").
        kind = Transition.RAISED
    if kind == Transition.RAISED:
        concern.level_since = now
    waiting = concern.waiting_since is not None and kind != Transition.OPENED
    if kind in Transition.TOLD:
        # The team must see the new level, and the patient's advice stands again.
        concern.acknowledged_at = concern.acknowledged_by = None
        concern.reached, concern.reached_at, concern.reached_by = "", None, None
        if kind == Transition.RAISED or not waiting:
            concern.waiting_since = now
        concern.due_at = response_due(concern.level, concern.waiting_since, patient.team)
    concern.save()
    event = ConcernEvent.objects.create(
        concern=concern,
        kind=kind,
        at=now,
        level=concern.level,
        entry=entry,
        detail={"rules": sorted({a.rule.rule_id for a in joining})},
    )
    if kind in Transition.TOLD:
        if kind == Transition.RAISED:  # a new wait, at the new level's target
            _end_wait(concern, outcome=str(Kind.RAISED), now=now)
        if kind != Transition.URGENT or not waiting:
            _plan_escalation(concern, event)
            plan_paging(concern, event)  # an URGENT wait pages the rota too
        concern_notify(concern, event, recipients(concern), now=now)
    return Change(concern=concern, transition=kind)


def concerns_apply_many(*, alerts: list[Alert], now: datetime) -> int:
    """concern_apply for many patients at once (the periodic sweep's busy tick after
    midnight records hundreds of DIARY-GAP-3 alerts): every patient with no open concern
    gets one opened in a fixed number of statements; a patient with one open goes through
    concern_apply. The caller holds the transaction. Returns how many concerns changed."""
    groups: dict[int, list[Alert]] = {}
    for alert in alerts:
        if joins(alert.rule.rule_id, alert.level, alert.why or {}):
            groups.setdefault(alert.patient_id, []).append(alert)
    if not groups:
        return 0
    ids = sorted(groups)
    list(Patient.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    with_one = set(
        Concern.objects.filter(patient_id__in=ids, status=Concern.Status.OPEN).values_list(
            "patient_id", flat=True
        )
    )
    for patient_id in sorted(with_one):
        concern_apply(
            patient=groups[patient_id][0].patient, alerts=groups[patient_id], now=now, locked=True
        )
    fresh = {pid: group for pid, group in groups.items() if pid not in with_one}
    if fresh:
        _open_many(fresh, now=now)
    return len(groups)


def _open_many(groups: dict[int, list[Alert]], *, now: datetime) -> None:
    """Open one concern per patient of `groups` (none has one open; rows locked)."""
    concerns = []
    for alerts in groups.values():
        members = [_member(a) for a in alerts]
        level = level_of(members)
        team_lead, advice = lead(members), lead(members, patient=True)
        concerns.append(
            Concern(
                patient_id=alerts[0].patient_id,
                level=level,
                lead_id=team_lead.key if team_lead else None,
                advice_level=level_of(members, patient=True),
                advice_lead_id=advice.key if advice else None,
                opened_at=now,
                level_since=now,
                waiting_since=now,
                due_at=response_due(level, now, alerts[0].patient.team),
            )
        )
    concerns = Concern.objects.bulk_create(concerns)
    by_patient = {c.patient_id: c for c in concerns}
    Alert.objects.filter(pk__in=[a.pk for group in groups.values() for a in group]).update(
        concern_id=Case(
            *(When(patient_id=pid, then=Value(c.pk)) for pid, c in by_patient.items()),
            output_field=IntegerField(),
        )
    )
    events = ConcernEvent.objects.bulk_create(
        [
            ConcernEvent(
                concern=by_patient[pid],
                kind=Kind.OPENED,
                at=now,
                level=by_patient[pid].level,
                detail={"rules": sorted({a.rule.rule_id for a in group})},
            )
            for pid, group in groups.items()
        ]
    )
    EscalationStep.objects.bulk_create(
        [
            EscalationStep(concern=e.concern, wait=e, step=1, due_at=e.concern.due_at or now)
            for e in events
        ]
    )
    plan_paging_many(events, {c.pk: groups[c.patient_id][0].patient.team for c in concerns})
    primaries: dict[int, list[int]] = {}
    teams = {c.pk: groups[c.patient_id][0].patient.team_id for c in concerns}
    for team_id, user_id in CareTeamMembership.objects.filter(
        team_id__in=set(teams.values()),
        role=CareTeamMembership.Role.PRIMARY,
        user__is_active=True,
    ).values_list("team_id", "user_id"):
        primaries.setdefault(team_id, []).append(user_id)
    notify_many([(e.concern, e, primaries.get(teams[e.concern_id], [])) for e in events], now=now)


def _plan_escalation(concern: Concern, wait: ConcernEvent) -> None:
    """The first reminder of a new wait: at the response target ("past its target")."""
    EscalationStep.objects.bulk_create(
        [EscalationStep(concern=concern, wait=wait, step=1, due_at=concern.due_at or wait.at)],
        ignore_conflicts=True,  # planned already (a redelivered task)
    )


def _end_wait(concern: Concern, *, outcome: str, now: datetime) -> None:
    """The current wait is over (acknowledged, raised, resolved): its reminders stop."""
    EscalationStep.objects.filter(concern=concern, processed_at__isnull=True).update(
        processed_at=now, outcome=outcome
    )
    end_paging(concern, outcome=outcome, now=now)
    Notification.objects.filter(
        concern=concern,
        status=Notification.Status.PENDING,
        kind__in=(Kind.OVERDUE, Kind.REMINDER, Kind.PAGED, Kind.OUT_OF_HOURS),
    ).update(status=Notification.Status.CANCELLED)


# The team -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimResult:
    claimed: bool
    owner: object | None  # the User who has the patient now


def _event(concern: Concern, kind: str, *, by, now: datetime, **detail) -> ConcernEvent:
    return ConcernEvent.objects.create(
        concern=concern, kind=kind, at=now, by=by, level=concern.level, detail=detail
    )


def _acknowledge(concern: Concern, *, by, now: datetime) -> bool:
    """Mark it (and its open alerts) acknowledged; False if it was already. Not saved."""
    if concern.acknowledged_at is not None:
        return False
    concern.acknowledged_at, concern.acknowledged_by = now, by
    concern.waiting_since = concern.due_at = None
    for alert in Alert.objects.filter(concern=concern, status=Alert.Status.OPEN):
        alert.acknowledge(by=by, now=now)
    _end_wait(concern, outcome=str(Kind.ACKNOWLEDGED), now=now)
    # "Your team has seen what you sent", on the patient's channels, in this transaction.
    patient_told(concern.patient, PatientReminder.Kind.TEAM_SAW, now=now)
    return True


@transaction.atomic
def concern_take(*, patient: Patient, by, now: datetime | None = None) -> ClaimResult:
    """ "I'll take this": `by` owns the patient's open concern and acknowledges it.

    If a colleague has it already, nothing changes and the result names them (two nurses
    pressing at once: the first wins, the second is told who has it).
    """
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return ClaimResult(claimed=False, owner=None)
    if concern.owner_id and concern.owner_id != by.pk:
        return ClaimResult(claimed=False, owner=concern.owner)
    taken = concern.owner_id != by.pk
    if taken:
        concern.owner, concern.owned_at, concern.owned_by = by, now, by
    acknowledged = _acknowledge(concern, by=by, now=now)
    concern.save()
    if taken or acknowledged:
        _event(concern, Kind.TAKEN if taken else Kind.ACKNOWLEDGED, by=by, now=now)
    return ClaimResult(claimed=True, owner=by)


@transaction.atomic
def concern_acknowledge(*, patient: Patient, by, now: datetime | None = None) -> bool:
    """Someone is on it: reminders stop, the patient sees "your team saw this". False when
    there is nothing to acknowledge (no open concern, or acknowledged already)."""
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None or not _acknowledge(concern, by=by, now=now):
        return False
    concern.save()
    _event(concern, Kind.ACKNOWLEDGED, by=by, now=now)
    return True


def team_colleagues(team: CareTeam):
    """The active clinicians of a team, to pass a patient to."""
    return User.objects.filter(
        pk__in=CareTeamMembership.objects.filter(team=team).values("user_id"), is_active=True
    ).order_by("first_name", "last_name", "username")


@transaction.atomic
def concern_pass(*, patient: Patient, to, by, now: datetime | None = None) -> bool:
    """Pass the patient's open concern to a colleague on the patient's team, who is told in
    the app and by e-mail; the one who had it stops receiving its messages. False when
    there is nothing to pass (no open concern, or it is theirs already)."""
    now = now or timezone.now()
    if not team_colleagues(patient.team).filter(pk=to.pk).exists():
        raise ValueError("the colleague is not on the patient's team")
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None or concern.owner_id == to.pk:
        return False
    before = concern.owner_id
    concern.owner, concern.owned_at, concern.owned_by = to, now, by
    concern.save()
    event = _event(concern, Kind.PASSED, by=by, now=now, to=to.pk, previous=before)
    # Whoever had it is not written to about it any more.
    Notification.objects.filter(concern=concern, status=Notification.Status.PENDING).exclude(
        recipient=to
    ).update(status=Notification.Status.CANCELLED)
    if to.pk != by.pk:
        concern_notify(concern, event, [to.pk], now=now)
    return True


@transaction.atomic
def concern_resolve(
    *,
    patient: Patient,
    by,
    action: str,
    note: str = "",
    ids: list[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Resolve the open concern's alerts (or those of `ids`) with one action and note; the
    concern's level follows those left, and it closes when none are left. Returns how many
    alerts were resolved.

    An URGENT alert needs a note (what was done); the form says so first, and this
    refuses, so no other path can close one silently.
    """
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return 0
    chosen = Alert.objects.filter(concern=concern).exclude(status=Alert.Status.RESOLVED)
    if ids is not None:
        chosen = chosen.filter(pk__in=ids)
    chosen = list(chosen.select_related("rule").order_by("pk"))
    if not note.strip() and any(a.level == Level.URGENT for a in chosen):
        raise ValueError("an URGENT alert needs a note")
    done = sum(a.resolve(by=by, action=action, note=note, now=now) for a in chosen)
    if not done:
        return 0
    members = members_of(concern)
    detail = {"alerts": [a.pk for a in chosen], "action": action, "note": note}
    if not members:
        concern.status = Concern.Status.RESOLVED
        concern.resolved_at, concern.resolved_by = now, by
        concern.resolution_action, concern.resolution_note = action, note
        concern.waiting_since = concern.due_at = None
        concern.save()
        _end_wait(concern, outcome=str(Kind.RESOLVED), now=now)
        Notification.objects.filter(concern=concern, status=Notification.Status.PENDING).update(
            status=Notification.Status.CANCELLED
        )
        _event(concern, Kind.RESOLVED, by=by, now=now, **detail)
        return done
    _refresh(concern, members)
    if concern.waiting_since is not None:
        concern.due_at = response_due(concern.level, concern.waiting_since, patient.team)
    concern.save()
    _event(concern, Kind.RESOLVED_SOME, by=by, now=now, **detail)
    return done


@transaction.atomic
def concern_snooze(*, patient: Patient, by, until: datetime, now: datetime | None = None) -> bool:
    """Hold back the reminders to the team until `until` (a rise or a new URGENT is a new
    wait, never held back). False when there is no open concern."""
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return False
    concern.snoozed_until, concern.snoozed_by = until, by
    concern.save()
    _event(concern, Kind.SNOOZED, by=by, now=now, until=until.isoformat())
    return True


@transaction.atomic
def concern_called_back(*, patient: Patient, by, now: datetime | None = None) -> bool:
    """The team phoned the patient who asked for a call back. False when none waits."""
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None or not concern.callback_waiting:
        return False
    concern.callback_done_at, concern.callback_done_by = now, by
    concern.save()
    _event(concern, Kind.CALLED_BACK, by=by, now=now)
    patient_told(patient, PatientReminder.Kind.CALL_BACK, now=now)
    return True


# The patient (or caregiver) -----------------------------------------------------------


@transaction.atomic
def concern_reached(
    *, patient: Patient, who: str, by, now: datetime | None = None
) -> Concern | None:
    """The patient or caregiver says they reached someone (§5): the advice no longer stands
    (the page says whom and when) until a rise or a new URGENT firing; the concern stays
    open for the team. With no open concern, nothing changes (None)."""
    now = now or timezone.now()
    if who not in Concern.Reached.values:
        raise ValueError(f"unknown answer {who!r}")
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return None
    concern.reached, concern.reached_at, concern.reached_by = who, now, by
    concern.save()
    _event(concern, Kind.REACHED, by=by, now=now, who=who)
    return concern


@transaction.atomic
def concern_not_yet(*, patient: Patient, by, now: datetime | None = None) -> Concern | None:
    """ "Not yet": the advice still stands; recorded for the team, and on the entry that
    raised it, so "not yet" a day after it opens DIARY-FOLLOWUP (alerts/care/followup.py)."""
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return None
    _event(concern, Kind.NOT_YET, by=by, now=now)
    entry_id = (
        Alert.objects.filter(concern=concern, entry__isnull=False)
        .order_by("-fired_at", "-pk")
        .values_list("entry_id", flat=True)
        .first()
    )
    if entry_id is not None:
        FollowUp.objects.update_or_create(
            entry_id=entry_id,
            defaults={"answer": FollowUp.Answer.NOT_YET, "answered_at": now, "answered_by": by},
        )
    return concern


@transaction.atomic
def concern_callback(*, patient: Patient, by, now: datetime | None = None) -> Concern | None:
    """ "Ask the team to call me": shown on the queue's row; the owner (else the team's
    route) is told once. Asking again while a request waits changes nothing. None when
    there is no open concern."""
    now = now or timezone.now()
    lock_patient(patient)
    concern = open_concern(patient, lock=True)
    if concern is None:
        return None
    if concern.callback_waiting:
        return concern
    concern.callback_requested_at, concern.callback_requested_by = now, by
    concern.callback_done_at = concern.callback_done_by = None
    concern.save()
    event = _event(concern, Kind.CALLBACK, by=by, now=now)
    concern_notify(concern, event, recipients(concern), now=now)
    return concern
