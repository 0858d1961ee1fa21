"""Run a scenario through the real models, evaluator and sweeps, then roll it all back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from alerts import services
from alerts.models import ResolutionAction
from alerts.scenario import Catalogue, Scenario, ScenarioEvent
from patients.models import CareTeam, Injection, Patient, User
from symptoms.models import DiaryEntry, Symptom
from symptoms.services import EntryData, Reading, entry_record


class _Rollback(Exception):
    """Raised to roll the scenario's transaction back once results are collected."""


class PromptTaskMismatch(AssertionError):
    """The prompt shown in the request and the task's result disagree (a bug)."""


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
    if event.type == "injection":
        dose = event.dose or patient.injections.count() + 1
        Injection.objects.create(
            patient=patient, given_at=event.at, dose_number=dose, site=event.site
        )
        return {**base, "level": "NONE", "rules": [], "suppressed": [], "team_alerts": []}
    if event.type == "tick":
        services.pending_entries_sweep(now=event.at)
        sweep = services.patient_sweep(patient, now=event.at)
        return {
            **base,
            "level": sweep.level,
            "rules": sorted({f.rule_id for f in sweep.fired}),
            "suppressed": [],
            "team_alerts": sorted(set(sweep.team_alerts)),
        }
    if event.type == "resolve":
        return {**base, **_resolve(patient, event)}
    if event.type == "injection_form":
        alerts_before = set(patient.alerts.values_list("pk", flat=True))
        check = services.injection_pre_dose_check(patient, now=event.at)
        opened = patient.alerts.exclude(pk__in=alerts_before).filter(team_alert=True)
        return {
            **base,
            "level": check.level if check else "NONE",
            "rules": ["INJ-DUE-INF"] if check else [],
            "suppressed": [],
            "team_alerts": sorted({a.rule.rule_id for a in opened.select_related("rule")}),
        }
    entry = _make_entry(patient, event, symptoms)
    prompt = services.entry_prompt(entry)  # what the patient sees in the request
    evaluation = services.entry_evaluate(entry.pk, now=event.at)  # what the task records
    if evaluation is None:
        raise PromptTaskMismatch(f"event {event.index}: the task could not claim the entry")
    prompt_rules = sorted(r.rule_id for r in prompt.reasons)
    task_rules = sorted({f.rule_id for f in evaluation.fired})
    told = bool(evaluation.team_alerts)
    if (
        prompt.level != evaluation.level
        or prompt_rules != task_rules
        or prompt.team_alerted != told
    ):
        raise PromptTaskMismatch(
            f"event {event.index}: prompt {prompt.level} {prompt_rules} (team alerted: "
            f"{prompt.team_alerted}) != task {evaluation.level} {task_rules} (team alerted: {told})"
        )
    return {
        **base,
        "level": evaluation.level,
        "rules": task_rules,
        "suppressed": sorted({s.rule_id for s in evaluation.suppressed}),
        "team_alerts": sorted(set(evaluation.team_alerts)),
    }


def _resolve(patient: Patient, event: ScenarioEvent) -> dict[str, Any]:
    """The care team resolves the patient's open team alerts (of `event.rules`, or all)."""
    nurse, _ = User.objects.get_or_create(username=f"{patient.user.username}-nurse")
    open_alerts = patient.alerts.open().team_alerts().filter(fired_at__lte=event.at)
    if event.rules:
        open_alerts = open_alerts.filter(rule__rule_id__in=event.rules)
    resolved = set()
    for alert in open_alerts.select_related("rule"):
        alert.resolve(by=nurse, action=ResolutionAction.PHONED, now=event.at)
        resolved.add(alert.rule.rule_id)
    return {
        "level": "NONE",
        "rules": [],
        "suppressed": [],
        "team_alerts": [],
        "resolved": sorted(resolved),
    }


def _make_entry(patient: Patient, event: ScenarioEvent, symptoms: dict) -> DiaryEntry:
    """The event's entry, written as the diary writes one (symptoms.services.entry_record)."""
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
    entry, _created = entry_record(
        patient=patient,
        entered_by=caregiver.user if caregiver else patient.user,
        data=data,
        caregiver=caregiver,
        catalogue=symptoms,
    )
    return entry
