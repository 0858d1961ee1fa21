"""Build report data fast: rows written with bulk_create, not through the diary's services.

The clinic report only reads rows, so the tests write the rows it reads directly; the
evaluator's own tests cover how those rows come to be.
"""

from __future__ import annotations

from datetime import datetime

from alerts.models import Alert, AlertRule, Concern, ConcernEvent, Episode
from patients.models import Patient, User
from symptoms.models import DiaryEntry


def rule(rule_id: str, level: str) -> AlertRule:
    row, _created = AlertRule.objects.get_or_create(
        rule_id=rule_id,
        defaults={"title": f"Report test {rule_id}", "level": level, "patient_message": "-"},
    )
    return row


def patients(team, count: int, *, enrolled_at: datetime, prefix: str = "p") -> list[Patient]:
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{team.pk}-{i}", password="!") for i in range(count)]
    )
    return Patient.objects.bulk_create(
        [Patient(user=u, team=team, enrolled_at=enrolled_at) for u in users]
    )


def entries(rows: list[tuple[Patient, datetime]]) -> list[DiaryEntry]:
    """One entry per (patient, instant); the local day is the UTC day (London in winter)."""
    return DiaryEntry.objects.bulk_create(
        [DiaryEntry(patient=p, recorded_at=at, local_day=at.date()) for p, at in rows]
    )


def alert(
    patient: Patient,
    rule_row: AlertRule,
    *,
    fired_at: datetime,
    entry: DiaryEntry | None = None,
    team_alert: bool | None = None,
    acknowledged_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> Alert:
    return alerts([(patient, rule_row, fired_at, entry, team_alert, acknowledged_at, resolved_at)])[
        0
    ]


def alerts(rows) -> list[Alert]:
    """Alerts from (patient, rule, fired_at, entry, team_alert, acknowledged_at, resolved_at)."""
    episodes = Episode.objects.bulk_create(
        [
            Episode(
                patient=p,
                key=f"rpt-{r.rule_id}-{i}-{fired:%Y%m%d%H%M%S}",
                opened_at=fired,
                last_alert_at=fired,
                highest_level=r.level,
            )
            for i, (p, r, fired, *_rest) in enumerate(rows)
        ]
    )
    made = []
    for episode, (p, r, fired, entry, team, acked, resolved) in zip(episodes, rows, strict=True):
        team = r.level in ("CONTACT", "URGENT") if team is None else team
        made.append(
            Alert(
                patient=p,
                entry=entry,
                rule=r,
                rule_version=1,
                level=r.level,
                team_alert=team,
                episode=episode,
                episode_key=episode.key,
                fired_at=fired,
                acknowledged_at=acked,
                resolved_at=resolved,
                status="resolved" if resolved else "acknowledged" if acked else "open",
            )
        )
    return Alert.objects.bulk_create(made)


def concern_of(alert_row: Alert) -> Concern:
    """The alert's concern (made for it, resolved, when it has none)."""
    if alert_row.concern_id is None:
        concern = Concern.objects.create(
            patient=alert_row.patient,
            status="resolved",
            level=alert_row.level,
            opened_at=alert_row.fired_at,
            level_since=alert_row.fired_at,
        )
        Alert.objects.filter(pk=alert_row.pk).update(concern=concern)
        alert_row.concern = concern
    return alert_row.concern


def escalation(alert_row: Alert, *, step: int, processed_at: datetime, outcome: str):
    """A reminder the escalation sweep sent (outcome "renotified") about the alert's concern,
    or a step it skipped."""
    if outcome != "renotified":
        return None
    return ConcernEvent.objects.create(
        concern=concern_of(alert_row),
        kind="overdue" if step == 1 else "reminder",
        at=processed_at,
        level=alert_row.level,
        detail={"step": step},
    )
