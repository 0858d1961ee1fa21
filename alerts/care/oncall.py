"""Who is on call for a team at an instant, and the paging chain of an URGENT concern that
nobody acknowledges (issue 35).

The interval is the team's own `CareTeam.urgent_escalation_minutes` (the same number the
reminders use; no second setting to keep in step): when an URGENT concern starts waiting
(opened, raised to URGENT, or a new URGENT firing after someone had acknowledged it), three
PageStep rows are planned, due one, two and three intervals after:

1. page the person on call (a Notification on push and SMS where they can be reached, and
   always the in-app row);
2. page the backup the same way;
3. show the team's out-of-hours route on the queue's row, and tell the team lead (else the
   primary clinicians).

Each step writes one ConcernEvent (the concern's timeline: "Paged Erin Evans (on call) by
push and text message"). Nobody to page at that moment: the step records why and the next
one is due at once. An acknowledgement (or a raise, or resolving) ends the wait: its steps
are closed, and a step the sweep finds due on a concern no longer waiting is closed as
"not needed". A snooze does not hold the pages (it holds the reminders): only an acknowledgement
stops them. Beat runs `pages_sweep` with the escalations every minute (due times live in
PostgreSQL, no Celery ETA); each step is claimed with SELECT … FOR UPDATE SKIP LOCKED and
written once (unique per wait and step). Sends are published after commit: a broker
outage loses nothing (the outbox sweep sends the rows later).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from alerts.care.models import Concern, ConcernEvent, Notification
from alerts.care.rota_models import PageStep, RotaShift, RotaSwap
from alerts.ruleset.models import Level
from diary_core.outbox import Channel
from diary_core.publisher import publish_task_on_commit
from patients.models import CareTeam, CareTeamMembership, User
from reach.choices import channels_for
from reach.models import Topic

SWEEP_BATCH = 500
Step = PageStep.Step
Kind = ConcernEvent.Kind


# Who is on call ------------------------------------------------------------------------


def shift_at(team: CareTeam, at: datetime, shifts: list[RotaShift] | None = None):
    """The weekly pattern's row in force at the instant `at`, read in the team's wall time
    (a night across a clock change is still "20:00 to 08:00" on the team's clocks). Where
    two rows overlap, the one that started last wins. None when no row covers `at`."""
    local = at.astimezone(team.zone)
    day, now = local.weekday(), local.time()
    yesterday = (day - 1) % 7
    if shifts is None:
        shifts = list(
            RotaShift.objects.filter(team=team, weekday__in={day, yesterday}).select_related(
                "on_call", "backup"
            )
        )
    found = []
    for shift in shifts:
        if shift.crosses_midnight:
            if shift.weekday == day and now >= shift.starts:
                found.append((1, shift.starts, shift))
            elif shift.weekday == yesterday and now < shift.ends:
                found.append((0, shift.starts, shift))
        elif shift.weekday == day and shift.starts <= now < shift.ends:
            found.append((1, shift.starts, shift))
    if not found:
        return None
    return max(found, key=lambda item: (item[0], item[1]))[2]


def _member(field: str) -> ExpressionWrapper:
    """For annotating a shift or a swap: whether the person in `field` is still an active
    member of its team (someone who left is not on call)."""
    members = CareTeamMembership.objects.filter(team_id=OuterRef("team_id"), user__is_active=True)
    return ExpressionWrapper(
        Q(**{f"{field}__in": members.values("user_id")}), output_field=BooleanField()
    )


def _active(row, field: str) -> User | None:
    """The person in `field` of a shift or a swap annotated by _member; None if they left."""
    return getattr(row, field) if getattr(row, f"{field}_member") else None


def on_call_many(teams: list[CareTeam], at: datetime) -> dict[int, tuple[User | None, User | None]]:
    """on_call for several teams at once (the queue's header), by team id: two queries
    whatever the number of teams."""
    if not teams:
        return {}
    members = {"on_call_member": _member("on_call_id"), "backup_member": _member("backup_id")}
    shifts: dict[int, list[RotaShift]] = {t.pk: [] for t in teams}
    for shift in (
        RotaShift.objects.filter(team__in=teams)
        .annotate(**members)
        .select_related("on_call", "backup")
    ):
        shifts[shift.team_id].append(shift)
    swaps: dict[int, list[RotaSwap]] = {t.pk: [] for t in teams}
    for swap in (
        RotaSwap.objects.filter(team__in=teams)
        .at(at)
        .annotate(**members)
        .select_related("on_call", "backup")
        .order_by("-created_at", "-pk")
    ):
        swaps[swap.team_id].append(swap)
    found = {}
    for team in teams:
        shift = shift_at(team, at, shifts[team.pk])
        person = _active(shift, "on_call") if shift else None
        backup = _active(shift, "backup") if shift else None
        swap_person = next((w for w in swaps[team.pk] if w.on_call_id), None)
        swap_backup = next((w for w in swaps[team.pk] if w.backup_id), None)
        if swap_person is not None:
            person = _active(swap_person, "on_call")
        if swap_backup is not None:
            backup = _active(swap_backup, "backup")
        if person is not None and backup is not None and person.pk == backup.pk:
            backup = None
        found[team.pk] = (person, backup)
    return found


def on_call(team: CareTeam, at: datetime) -> tuple[User | None, User | None]:
    """(the person on call, their backup) for the team at the instant `at`: the latest
    swap in force wins over the weekly pattern, for whichever of the two it names. Only
    active members of the team are returned (None in their place otherwise)."""
    return on_call_many([team], at)[team.pk]


# Planning and ending a wait's steps ------------------------------------------------------


def page_interval(team: CareTeam) -> timedelta:
    return timedelta(minutes=team.urgent_escalation_minutes)


def plan_paging(concern: Concern, wait: ConcernEvent) -> None:
    """Plan the three steps of an URGENT concern's new wait (in the caller's transaction)."""
    if concern.level != Level.URGENT:
        return
    interval = page_interval(concern.patient.team)
    PageStep.objects.bulk_create(
        [
            PageStep(concern=concern, wait=wait, step=step, due_at=wait.at + interval * step)
            for step in Step.values
        ],
        ignore_conflicts=True,  # planned already (a redelivered task)
    )


def plan_paging_many(events: list[ConcernEvent], teams: dict[int, CareTeam]) -> None:
    """plan_paging for concerns opened together (teams: by concern id)."""
    rows = [
        PageStep(
            concern=e.concern,
            wait=e,
            step=step,
            due_at=e.at + page_interval(teams[e.concern_id]) * step,
        )
        for e in events
        if e.concern.level == Level.URGENT
        for step in Step.values
    ]
    PageStep.objects.bulk_create(rows, ignore_conflicts=True)


def end_paging(concern: Concern, *, outcome: str, now: datetime) -> None:
    """The wait is over (acknowledged, raised, resolved): its steps not yet taken close."""
    PageStep.objects.filter(concern=concern, processed_at__isnull=True).update(
        processed_at=now, outcome=outcome
    )


def out_of_hours_reached() -> Exists:
    """For annotating concerns: whether the current wait reached the last step (the queue
    shows the route while the concern is URGENT and nobody has acknowledged it)."""
    return Exists(
        PageStep.objects.filter(
            concern=OuterRef("pk"),
            step=Step.OUT_OF_HOURS,
            outcome="shown",
            processed_at__gte=OuterRef("waiting_since"),
        )
    )


def out_of_hours_shown(concern_ids: list[int]) -> set[int]:
    """The concerns (of `concern_ids`) whose current wait reached the last step: the queue
    shows the team's out-of-hours route on them until someone acknowledges."""
    if not concern_ids:
        return set()
    return set(
        PageStep.objects.filter(
            concern_id__in=concern_ids,
            step=Step.OUT_OF_HOURS,
            outcome="shown",
            concern__acknowledged_at__isnull=True,
            concern__status=Concern.Status.OPEN,
            concern__level=Level.URGENT,
            processed_at__gte=F("concern__waiting_since"),
        ).values_list("concern_id", flat=True)
    )


# The sweep -------------------------------------------------------------------------------


def _write(concern: Concern, event: ConcernEvent, people: dict[int, list[str]], now) -> None:
    """One Notification per person and channel (the in-app row first, delivered by being
    written); the others are published after commit by id alone, and the outbox sweep
    sends any whose publish was lost."""
    rows = [
        Notification(
            concern=concern,
            event=event,
            kind=event.kind,
            recipient_id=user_id,
            channel=channel,
            due_at=now,
            **(
                {"status": Notification.Status.SENT, "sent_at": now}
                if channel == Notification.Channel.IN_APP
                else {}
            ),
        )
        for user_id, channels in people.items()
        for channel in dict.fromkeys([Notification.Channel.IN_APP, *channels])
    ]
    for row in Notification.objects.bulk_create(rows):
        if row.channel != Notification.Channel.IN_APP:
            publish_task_on_commit("alerts.tasks.send_notification", row.pk)


def _event(concern: Concern, kind: str, now: datetime, **detail) -> ConcernEvent:
    return ConcernEvent.objects.create(
        concern=concern, kind=kind, at=now, level=concern.level, detail=detail
    )


def _page(concern: Concern, step: PageStep, now: datetime) -> bool:
    """Page the person on call (step 1) or the backup (step 2). False: nobody to page
    (recorded, with why)."""
    team = concern.patient.team
    person, backup = on_call(team, now)
    role = "on_call" if step.step == Step.ON_CALL else "backup"
    who = person if step.step == Step.ON_CALL else backup
    if who is None:
        _event(concern, Kind.NOT_PAGED, now, step=step.step, role=role)
        step.outcome = "nobody"
        return False
    # Push and SMS where they reach the person; e-mail when neither does, so that a page
    # is never only a row in an inbox nobody is looking at.
    channels = channels_for(who.pk, Topic.ON_CALL) or [Channel.EMAIL]
    event = _event(
        concern,
        Kind.PAGED,
        now,
        step=step.step,
        role=role,
        to=who.pk,
        name=who.get_full_name() or who.get_username(),
        channels=channels,
    )
    _write(concern, event, {who.pk: channels}, now)
    step.outcome = "paged"
    return True


def _last_step(concern: Concern, step: PageStep, now: datetime) -> None:
    """Show the out-of-hours route on the queue and tell the team lead (else the primary
    clinicians) on the channels of an URGENT concern, which cannot be muted: nobody has
    answered a page about one."""
    team = concern.patient.team
    lead = team.lead_id
    if (
        lead is not None
        and not CareTeamMembership.objects.filter(
            team=team, user_id=lead, user__is_active=True
        ).exists()
    ):
        lead = None
    told = (
        [lead]
        if lead is not None
        else list(
            CareTeamMembership.objects.filter(
                team=team, role=CareTeamMembership.Role.PRIMARY, user__is_active=True
            )
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
    )
    event = _event(
        concern, Kind.OUT_OF_HOURS, now, step=step.step, told=told, lead=lead is not None
    )
    _write(concern, event, {pk: channels_for(pk, Topic.URGENT) for pk in told}, now)
    step.outcome = "shown"


def pages_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Take every due paging step (a bounded batch); returns how many steps were taken
    (paged, nobody to page, or the route shown). Safe to run twice or concurrently."""
    now = now or timezone.now()
    todo = deque(
        PageStep.objects.filter(processed_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "step")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    while todo:
        step_id = todo.popleft()
        with transaction.atomic():
            step = (
                PageStep.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=step_id, processed_at__isnull=True, due_at__lte=now)
                .select_related("concern__patient__team")
                .first()
            )
            if step is None:  # another sweep has it, or it was taken already
                continue
            concern = step.concern
            if (
                not concern.is_open
                or concern.acknowledged_at is not None
                or concern.level != Level.URGENT
            ):
                step.processed_at, step.outcome = now, "not needed"
                step.save(update_fields=["processed_at", "outcome"])
                continue
            # A snooze holds the team's reminders, never the pages: only an acknowledgement
            # (someone has taken it on) stops the chain of an URGENT concern.
            if step.step == Step.OUT_OF_HOURS:
                _last_step(concern, step, now)
                paged = True
            else:
                paged = _page(concern, step, now)
            step.processed_at = now
            step.save(update_fields=["processed_at", "outcome"])
            done += 1
            if not paged:
                # Nobody to page: the next step is due now, in this same sweep.
                following = PageStep.objects.filter(
                    wait_id=step.wait_id, step=step.step + 1, processed_at__isnull=True
                )
                following.filter(due_at__gt=now).update(due_at=now)
                todo.extendleft(following.values_list("pk", flat=True))
    return done
