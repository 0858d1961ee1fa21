"""The data step of 0020_concerns: frozen literal data and historical models only.

(A module whose name starts with "_" is not a migration: Django's loader skips it.)
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

TEAM_LEVELS = ("CONTACT", "URGENT")
RANK = {"NONE": 0, "WATCH": 1, "CONTACT": 2, "URGENT": 3}
# The rule table's order (clinical-rules.md §3 A.1) as it was when this was written.
TABLE = (
    "T-LOW-1 T-LOW-2D T-FEV-1 T-FEV-ER-1 T-FEV-ER-2 T-FEV-3D T-HYPO-0 T-HYPO-1 T-HYPO-2 INF-FLU "
    "SEP-RF VIT-HR-H VIT-HR-M VIT-RR-H VIT-RR-M VIT-SPO2-H VIT-SPO2-M VIT-SBP-H VIT-SBP-M "
    "VIT-NEWS2 RESP-URTI RESP-COUGH-3D RESP-LRTI RESP-SEV GU-UTI GU-UPPER HSV-ORAL HZ-PRODROME "
    "HZ-RASH HZ-EYE HBV-LIVER HBV-SEV NEURO-NEW NEURO-PROG NEURO-ACUTE NEURO-FEVER INJ-IRR-24 "
    "INJ-FEV INJ-PERSIST-48 INJ-ANAPH INJ-SITE INJ-SITE-INF INJ-DUE-INF INJ-MISSED VAC-LIVE "
    "PRO-SEV PRO-WORSEN-2 RISK-ESC DIARY-GAP-2 DIARY-GAP-3 DIARY-FOLLOWUP"
).split()
ORDER = {rule_id: i for i, rule_id in enumerate(TABLE)}
PROMPT_KEYS = {
    "NONE": "thank_you",
    "WATCH": "keep_monitoring",
    "CONTACT": "contact_today",
    "URGENT": "seek_now",
}
# The response targets' defaults (settings), without the team's working hours.
TARGET = {"URGENT": timedelta(minutes=15), "CONTACT": timedelta(hours=4)}
OLD_KINDS = {"handover": "passed"}


def _reported(why: dict) -> bool:
    symptoms = why.get("symptoms")
    if isinstance(symptoms, dict):
        for grade in symptoms.values():
            if isinstance(grade, dict):
                grade = grade.get("to", 0)
            if grade:
                return True
    return any(isinstance(why.get(key), list) and why.get(key) for key in ("red_flags", "with"))


def _lead(alerts: list):
    candidates = [a for a in alerts if a.rule.rule_id != "RISK-ESC"]
    if not candidates:
        return None
    top = max(RANK[a.level] for a in candidates)
    at_top = [a for a in candidates if RANK[a.level] == top]
    first = min(at_top, key=lambda a: (a.fired_at, a.pk))
    source = [
        a
        for a in at_top
        if (a.entry_id, a.entry_id or a.fired_at)
        == (first.entry_id, first.entry_id or first.fired_at)
    ]
    return min(
        source, key=lambda a: (not _reported(a.why or {}), ORDER.get(a.rule.rule_id, len(ORDER)))
    )


def _concerns(apps) -> None:
    Alert = apps.get_model("alerts", "Alert")
    Concern = apps.get_model("alerts", "Concern")
    ConcernEvent = apps.get_model("alerts", "ConcernEvent")
    EscalationStep = apps.get_model("alerts", "EscalationStep")
    EscalationStep.objects.all().delete()  # per alert; replanned per concern below
    by_patient = defaultdict(list)
    for alert in (
        Alert.objects.filter(level__in=TEAM_LEVELS)
        .select_related("rule")
        .order_by("patient_id", "fired_at", "pk")
    ):
        if not (alert.why or {}).get("quieted"):
            by_patient[alert.patient_id].append(alert)
    for patient_id, alerts in by_patient.items():
        groups: list[list] = []
        for alert in alerts:
            current = groups[-1] if groups else None
            if current and any(
                a.resolved_at is None or a.resolved_at > alert.fired_at for a in current
            ):
                current.append(alert)
            else:
                groups.append([alert])
        for members in groups:
            _concern(Concern, ConcernEvent, EscalationStep, Alert, patient_id, members)


def _concern(Concern, ConcernEvent, EscalationStep, Alert, patient_id, members) -> None:
    unresolved = [a for a in members if a.status != "resolved"]
    is_open = bool(unresolved)
    current = unresolved if is_open else members
    level = max((a.level for a in current), key=RANK.__getitem__)
    lead = _lead(current)
    acknowledged = [a for a in current if a.acknowledged_at]
    all_acknowledged = len(acknowledged) == len(current)
    last_ack = max(acknowledged, key=lambda a: a.acknowledged_at) if all_acknowledged else None
    owned = [a for a in members if a.owner_id and a.owned_at]
    owner = max(owned, key=lambda a: a.owned_at) if owned else None
    waiting = [a for a in current if not a.acknowledged_at]
    waiting_since = min(a.fired_at for a in waiting) if is_open and waiting else None
    at_level = [a for a in current if a.level == level]
    concern = Concern.objects.create(
        patient_id=patient_id,
        status="open" if is_open else "resolved",
        level=level,
        lead=lead,
        advice_level=level,
        advice_lead=lead,
        opened_at=members[0].fired_at,
        level_since=min(a.fired_at for a in at_level),
        waiting_since=waiting_since,
        due_at=waiting_since + TARGET[level] if waiting_since else None,
        acknowledged_at=last_ack.acknowledged_at if last_ack else None,
        acknowledged_by_id=last_ack.acknowledged_by_id if last_ack else None,
        owner_id=owner.owner_id if owner else None,
        owned_at=owner.owned_at if owner else None,
        owned_by_id=owner.owned_by_id if owner else None,
    )
    if not is_open:
        last = max(members, key=lambda a: a.resolved_at)
        Concern.objects.filter(pk=concern.pk).update(
            resolved_at=last.resolved_at,
            resolved_by_id=last.resolved_by_id,
            resolution_action=last.resolution_action,
            resolution_note=last.resolution_note,
        )
    Alert.objects.filter(pk__in=[a.pk for a in members]).update(concern=concern)
    opened = ConcernEvent.objects.create(
        concern=concern,
        kind="opened",
        at=members[0].fired_at,
        level=members[0].level,
        entry_id=members[0].entry_id,
        detail={"rules": sorted({a.rule.rule_id for a in members}), "migrated": True},
    )
    if last_ack is not None:
        ConcernEvent.objects.create(
            concern=concern,
            kind="acknowledged",
            at=last_ack.acknowledged_at,
            by_id=last_ack.acknowledged_by_id,
            level=level,
            detail={"migrated": True},
        )
    if not is_open:
        last = max(members, key=lambda a: a.resolved_at)
        ConcernEvent.objects.create(
            concern=concern,
            kind="resolved",
            at=last.resolved_at,
            by_id=last.resolved_by_id,
            level=level,
            detail={"action": last.resolution_action, "migrated": True},
        )
    elif waiting_since is not None:
        EscalationStep.objects.create(
            concern=concern, wait=opened, step=1, due_at=waiting_since + TARGET[level]
        )


def _notifications(apps) -> None:
    Notification = apps.get_model("alerts", "Notification")
    for notification in Notification.objects.select_related("alert"):
        concern_id = notification.alert.concern_id
        if concern_id is None:  # a message about an alert that is in no concern
            notification.delete()
            continue
        kind = OLD_KINDS.get(notification.kind) or ("reminder" if notification.step else "opened")
        Notification.objects.filter(pk=notification.pk).update(concern_id=concern_id, kind=kind)


def _outcomes(apps) -> None:
    Alert = apps.get_model("alerts", "Alert")
    DiaryEntry = apps.get_model("symptoms", "DiaryEntry")
    EntryOutcome = apps.get_model("alerts", "EntryOutcome")
    fired = defaultdict(list)
    for alert in Alert.objects.filter(entry__isnull=False).select_related("rule"):
        fired[alert.entry_id].append(alert)
    rows = []
    for entry in DiaryEntry.objects.filter(evaluation_state="evaluated").only(
        "pk", "recorded_at", "evaluated_at"
    ):
        alerts = sorted(
            fired.get(entry.pk, []),
            key=lambda a: (-RANK[a.level], ORDER.get(a.rule.rule_id, len(ORDER))),
        )
        level = max((a.level for a in alerts), key=RANK.__getitem__, default="NONE")
        rows.append(
            EntryOutcome(
                entry_id=entry.pk,
                revision=0,
                recorded_at=entry.evaluated_at or entry.recorded_at,
                level=level,
                prompt_key=PROMPT_KEYS[level],
                rules=sorted({a.rule.rule_id for a in alerts}),
                team_alerts=sorted({a.rule.rule_id for a in alerts if a.team_alert}),
                reasons=[_reason(a) for a in alerts],
                concern_id=next((a.concern_id for a in alerts if a.concern_id), None),
            )
        )
    EntryOutcome.objects.bulk_create(rows, batch_size=1000)


def _reason(alert) -> dict:
    snapshot = alert.snapshot or {}
    words = {
        "en-gb": {
            "title": snapshot.get("title", ""),
            "message": snapshot.get("patient_message", ""),
        }
    }
    for code, said in (snapshot.get("words") or {}).items():
        words[code] = {"title": said.get("title", ""), "message": said.get("patient_message", "")}
    return {
        "rule_id": alert.rule.rule_id,
        "level": alert.level,
        "version": alert.rule_version,
        "reported": [],
        "words": words,
    }


def forwards(apps, schema_editor) -> None:
    _concerns(apps)
    _notifications(apps)
    _outcomes(apps)


def backwards(apps, schema_editor) -> None:
    """Going back drops the concerns; the alerts' owners and snoozes are not restored."""
    apps.get_model("alerts", "Notification").objects.all().delete()
    apps.get_model("alerts", "EscalationStep").objects.all().delete()
    apps.get_model("alerts", "EntryOutcome").objects.all().delete()
    apps.get_model("alerts", "Alert").objects.update(concern=None)
    apps.get_model("alerts", "ConcernEvent").objects.all().delete()
    apps.get_model("alerts", "Concern").objects.all().delete()
