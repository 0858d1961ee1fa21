"""Writing the alerts of fired rules: set-based, idempotent through the unique constraints,
and joined to the patient's concern in the same transaction (alerts/care/concerns.py).

Every path that records firings comes through here: an entry (alerts/care/recording.py), the
periodic sweep and the injection form's pre-dose check (alerts/care/sweeps.py, alerts/care/pre_dose.py), and "not yet"
a day after a warning (alerts/care/followup.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from alerts import rules
from alerts.care.concerns import concerns_apply_many
from alerts.care.models import Alert, Episode
from alerts.ruleset.models import LEVEL_RANK, AlertRule, EngineSettings
from patients.models import Patient
from symptoms.models import DiaryEntry


@dataclass(frozen=True)
class NewFiring:
    """A fired rule to record: for an entry, or (entry None) for a periodic rule."""

    patient: Patient
    entry: DiaryEntry | None
    firing: rules.Firing
    team_alert: bool
    at: datetime


def _record_firing(item: NewFiring, *, rows, engine: dict) -> Alert | None:
    """Create the Alert for one fired rule unless it exists (idempotent, one row at a time).

    The fallback of record_firings when a concurrent evaluation wrote one of its rows first.
    """
    firing, at = item.firing, item.at
    rule = rows[firing.rule_id]
    episode, created = Episode.objects.get_or_create(
        patient=item.patient,
        key=firing.episode_key,
        defaults={"opened_at": at, "last_alert_at": at, "highest_level": firing.level},
    )
    lookup = (
        {"entry": item.entry} if item.entry is not None else {"episode_key": firing.episode_key}
    )
    try:
        with transaction.atomic():
            alert, made = Alert.objects.get_or_create(
                patient=item.patient,
                rule=rule,
                **lookup,
                defaults=_alert_fields(item, rule, episode, engine),
            )
    except IntegrityError:
        # A concurrent evaluation recorded it first: that row is the one.
        return None
    if not made:
        return None
    if not created:
        _episode_raise(episode, at=at, level=firing.level)
    return alert


def _alert_fields(item: NewFiring, rule: AlertRule, episode: Episode, engine: dict) -> dict:
    return {
        "episode": episode,
        "episode_key": item.firing.episode_key,
        "rule_version": rule.version,
        "level": item.firing.level,
        "team_alert": item.team_alert,
        # The rule's values and the engine's windows, as they were when it fired.
        "snapshot": {**rule.snapshot(), "engine": engine},
        "why": item.firing.why,
        "fired_at": item.at,
    }


def _episode_raise(episode: Episode, *, at: datetime, level: str) -> None:
    """Move an existing episode's last alert time and highest level up (never down)."""
    if at > episode.last_alert_at:
        Episode.objects.filter(pk=episode.pk, last_alert_at__lt=at).update(last_alert_at=at)
    if LEVEL_RANK[level] > LEVEL_RANK[episode.highest_level]:
        lower = [lv for lv, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[level]]
        Episode.objects.filter(pk=episode.pk, highest_level__in=lower).update(highest_level=level)


def _episodes_for(
    items: list[NewFiring],
) -> tuple[dict[tuple[int, str], Episode], list[tuple[Episode, datetime, str]]]:
    """Find or open the episode of every firing: two reads and one insert, whatever the count.

    Returns the episodes, and how each one that was already open would move up (last alert
    time, highest level): the caller applies that once the firings' alerts are recorded,
    so a repeat of an alert already there never moves its episode.
    """
    wanted: dict[tuple[int, str], tuple[datetime, str, datetime]] = {}
    for item in items:
        key = (item.patient.pk, item.firing.episode_key)
        first, level, last = wanted.get(key, (item.at, item.firing.level, item.at))
        if LEVEL_RANK[item.firing.level] > LEVEL_RANK[level]:
            level = item.firing.level
        wanted[key] = (min(first, item.at), level, max(last, item.at))

    def read() -> dict[tuple[int, str], Episode]:
        found = Episode.objects.filter(
            patient_id__in={pid for pid, _ in wanted}, key__in={key for _, key in wanted}
        )
        return {(e.patient_id, e.key): e for e in found if (e.patient_id, e.key) in wanted}

    episodes = read()
    missing = [k for k in wanted if k not in episodes]
    if missing:
        Episode.objects.bulk_create(
            [
                Episode(
                    patient_id=pid,
                    key=key,
                    opened_at=wanted[pid, key][0],
                    highest_level=wanted[pid, key][1],
                    last_alert_at=wanted[pid, key][2],
                )
                for pid, key in missing
            ],
            ignore_conflicts=True,  # a concurrent evaluation opened it: use that one
        )
        fresh = set(missing)
        episodes = read()
    else:
        fresh = set()
    raises = [
        (e, wanted[key][2], wanted[key][1]) for key, e in episodes.items() if key not in fresh
    ]
    return episodes, raises


def record_firings(
    items: list[NewFiring], *, rows, windows: rules.EngineWindows | None = None
) -> list[Alert]:
    """Record the alerts of fired rules that are not recorded yet; return the new ones.

    Set-based: a fixed number of statements for any number of firings (the sweep's busy
    tick after midnight records thousands). Idempotent through the unique constraints:
    if a concurrent evaluation wrote one of these alerts first, the batch is rolled back
    to its savepoint and each firing is recorded on its own.
    """
    if not items:
        return []
    engine = (windows or EngineSettings.current().windows()).snapshot()
    episodes, raises = _episodes_for(items)
    # No read of the alerts already recorded: the unique constraints are the check. A
    # repeat (task redelivery, re-evaluation after an edit) fails the insert below and
    # takes the row-by-row path, which finds the rows that are there.
    todo: dict[tuple, NewFiring] = {}
    for item in items:
        if item.entry is not None:
            identity = ("entry", item.entry.pk, item.firing.rule_id)
        else:
            identity = ("episode", item.patient.pk, item.firing.rule_id, item.firing.episode_key)
        todo.setdefault(identity, item)
    alerts = [
        Alert(
            patient=item.patient,
            entry=item.entry,
            rule=rows[item.firing.rule_id],
            **_alert_fields(
                item,
                rows[item.firing.rule_id],
                episodes[item.patient.pk, item.firing.episode_key],
                engine,
            ),
        )
        for item in todo.values()
    ]
    try:
        with transaction.atomic():
            made = bulk_create_with_history(alerts, Alert)
            for episode, at, level in raises:  # every alert is new: their episodes move up
                _episode_raise(episode, at=at, level=level)
            return made
    except IntegrityError:
        pass
    made = [_record_firing(item, rows=rows, engine=engine) for item in todo.values()]
    return [alert for alert in made if alert is not None]


def firings_record(
    items: list[NewFiring], *, rows, windows: rules.EngineWindows | None = None, now: datetime
) -> list[Alert]:
    """Record firings and join the new alerts to each patient's concern, in the caller's
    transaction (the path of the sweep, the pre-dose check and "not yet"; an entry's is
    alerts/care/recording.py). Returns the new alerts."""
    made = record_firings(items, rows=rows, windows=windows)
    concerns_apply_many(alerts=made, now=now)
    return made
