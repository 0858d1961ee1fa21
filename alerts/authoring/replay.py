"""Run a scenario through the real models, evaluator and sweeps, then roll it all back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from alerts.authoring.scenario import Catalogue, Scenario, ScenarioEvent
from alerts.care import pre_dose, sweeps
from alerts.care.concerns import concern_acknowledge, concern_reached, concern_resolve
from alerts.care.labs import LabData, lab_result_record
from alerts.care.models import Alert, Concern, ResolutionAction
from alerts.care.recording import entry_submit, pending_entries_sweep
from patients.lab_tests import BY_NAME as LAB_TESTS
from patients.models import CareTeam, Injection, Patient, User
from symptoms.models import DiaryEntry, Symptom
from symptoms.services import EntryData, Reading


class _Rollback(Exception):
    """Raised to roll the scenario's transaction back once results are collected."""


class RecordingFailed(AssertionError):
    """An entry was saved without its outcome (a bug in the rules or the recording)."""


@dataclass
class ReplayResult:
    name: str
    results: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "results": self.results}


def catalogue() -> Catalogue:
    graded, flags, red = set(), set(), set()
    for code, kind, is_red in Symptom.objects.values_list("code", "kind", "is_red_flag"):
        if is_red:
            red.add(code)
        elif kind == Symptom.Kind.GRADED:
            graded.add(code)
        else:
            flags.add(code)
    return Catalogue(graded=frozenset(graded), flags=frozenset(flags), red_flags=frozenset(red))


def replay(scenario: Scenario) -> ReplayResult:
    """Replay every event in order with the clock at the event's time; leave nothing behind."""
    results: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            patient = _make_patient(scenario)
            symptoms = {s.code: s for s in Symptom.objects.all()}
            for event in scenario.events:
                results.append(_replay_event(patient, event, symptoms))
            raise _Rollback
    except _Rollback:
        pass
    return ReplayResult(name=scenario.name, results=results)


def _make_patient(scenario: Scenario) -> Patient:
    tag = uuid.uuid4().hex[:10]
    team = CareTeam.objects.create(name=f"replay-{tag}", phone="-")
    user = User.objects.create(username=f"replay-{tag}")
    risk = scenario.elevated_risk
    return Patient.objects.create(
        user=user,
        team=team,
        timezone=scenario.timezone,
        enrolled_at=scenario.events[0].at,
        er_immunosuppressant="immunosuppressant" in risk,
        er_low_ig="low_ig" in risk,
        er_recurrent_infection="recurrent_infection" in risk,
        er_cytopenia="cytopenia" in risk,
        hbv_risk=scenario.hbv_risk,
        first_dose_at=scenario.first_dose_at,
    )


def _replay_event(patient: Patient, event: ScenarioEvent, symptoms: dict) -> dict[str, Any]:
    base = {"at": event.at_text, "type": event.type}
    result = _replay(patient, event, symptoms)
    return {**base, **result, **_standing(patient)}


def _nurse(patient: Patient) -> User:
    nurse, _ = User.objects.get_or_create(username=f"{patient.user.username}-nurse")
    return nurse


NOTHING = {"level": "NONE", "rules": [], "suppressed": [], "team_alerts": []}


def _replay(patient: Patient, event: ScenarioEvent, symptoms: dict) -> dict[str, Any]:
    if event.type == "injection":
        dose = event.dose or patient.injections.count() + 1
        Injection.objects.create(
            patient=patient, given_at=event.at, dose_number=dose, site=event.site
        )
        return dict(NOTHING)
    if event.type == "tick":
        pending_entries_sweep(now=event.at)
        sweep = sweeps.patient_sweep(patient, now=event.at)
        return {
            "level": sweep.level,
            "rules": sorted({f.rule_id for f in sweep.fired}),
            "suppressed": [],
            "team_alerts": sorted(set(sweep.team_alerts)),
        }
    if event.type == "resolve":
        return {**NOTHING, **_resolve(patient, event)}
    if event.type == "acknowledge":
        concern_acknowledge(patient=patient, by=_nurse(patient), now=event.at)
        return dict(NOTHING)
    if event.type == "reached":
        concern_reached(patient=patient, who=event.who, by=patient.user, now=event.at)
        return dict(NOTHING)
    if event.type == "lab":
        recorded = lab_result_record(
            patient=patient,
            data=LabData(
                test=LAB_TESTS[event.test],
                collected_on=event.at.date(),
                value=event.lab_value,
                unit=event.lab_unit,
                positive=event.lab_positive,
                reference_low=event.lab_lln,
            ),
            by=_nurse(patient),
            now=event.at,
        )
        evaluation = recorded.evaluation
        return {
            "level": evaluation.level,
            "rules": sorted({f.rule_id for f in evaluation.fired}),
            "suppressed": [],
            "team_alerts": list(evaluation.team_alerts),
        }
    if event.type == "injection_form":
        alerts_before = set(patient.alerts.values_list("pk", flat=True))
        check = pre_dose.injection_pre_dose_check(patient, now=event.at)
        opened = patient.alerts.exclude(pk__in=alerts_before).filter(team_alert=True)
        return {
            "level": check.level if check else "NONE",
            "rules": ["INJ-DUE-INF"] if check else [],
            "suppressed": [],
            "team_alerts": sorted({a.rule.rule_id for a in opened.select_related("rule")}),
        }
    entry = _make_entry(patient, event, symptoms)
    outcome = entry.outcomes.first()
    if outcome is None:
        raise RecordingFailed(f"event {event.index}: the entry's outcome was not recorded")
    return {
        "level": outcome.level,
        "rules": list(outcome.rules),
        "suppressed": sorted({s["rule_id"] for s in outcome.suppressed}),
        "team_alerts": list(outcome.team_alerts),
    }


def _standing(patient: Patient) -> dict[str, Any]:
    """What stands for the patient after the event (clinical-rules.md §5), and the risk flags
    in force (§6; the scenario's hand-set flags)."""
    concern = (
        patient.concerns.filter(status=Concern.Status.OPEN).select_related("lead__rule").first()
    )
    patient.refresh_from_db(fields=list(Patient.LAB_FIELDS.values()))
    flags = patient.risk_flags
    if concern is None:
        return {"standing": "NONE", "concern": None, "flags": flags}
    return {
        "standing": concern.standing,
        "concern": {
            "level": concern.level,
            "lead": concern.lead.rule.rule_id if concern.lead else None,
            "acknowledged": concern.acknowledged_at is not None,
            "reached": concern.reached or None,
        },
        "flags": flags,
    }


def _resolve(patient: Patient, event: ScenarioEvent) -> dict[str, Any]:
    """The care team resolves the patient's open alerts (of `event.rules`, or all)."""
    open_alerts = patient.alerts.filter(
        concern__status=Concern.Status.OPEN, fired_at__lte=event.at
    ).exclude(status=Alert.Status.RESOLVED)
    if event.rules:
        open_alerts = open_alerts.filter(rule__rule_id__in=event.rules)
    chosen = list(open_alerts.select_related("rule"))
    if chosen:
        concern_resolve(
            patient=patient,
            by=_nurse(patient),
            action=ResolutionAction.PHONED,
            note="Resolved in a scenario replay.",
            ids=[a.pk for a in chosen],
            now=event.at,
        )
    return {"resolved": sorted({a.rule.rule_id for a in chosen})}


def _make_entry(patient: Patient, event: ScenarioEvent, symptoms: dict) -> DiaryEntry:
    """The event's entry, saved and recorded as the diary does (alerts.care.recording.entry_submit)."""
    caregiver = None
    if event.reported_by == "proxy":
        carer = User.objects.create(username=f"{patient.user.username}-carer-{event.index}")
        caregiver = patient.caregivers.create(user=carer)
    data = EntryData(
        grades={**event.symptoms, **dict.fromkeys(event.red_flags, 1)},
        readings=tuple(
            Reading(value=t.value, unit=t.unit, site=t.site, confirmed=t.confirmed)
            for t in event.temperatures
        ),
        recorded_at=event.at,
        vitals={name: (vital.value, vital.confirmed) for name, vital in event.vitals.items()},
        antipyretic_6h=event.antipyretic_6h,
        planned_vaccine=event.planned_vaccine[:120],
        planned_vaccine_live=event.planned_vaccine_live,
        note=event.note,
        feels_fine=not event.symptoms and not event.red_flags,
    )
    entry, _created = entry_submit(
        patient=patient,
        entered_by=caregiver.user if caregiver else patient.user,
        data=data,
        caregiver=caregiver,
        catalogue=symptoms,
        now=event.at,
    )
    return entry
