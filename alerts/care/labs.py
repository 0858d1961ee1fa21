"""Recording a laboratory result and what it means (docs/clinical-rules.md §6), in one
transaction: the result, the LAB-* rules' alerts, the patient's concern (for the team
only) and the risk flags the results hold.

Every way a result comes in goes through `lab_result_record`: the team's form, the CSV and
FHIR imports, the scenario replay. A flag's change takes effect for entries saved after
the result is recorded (the entry's evaluation reads Patient.lab_*); nothing earlier is
evaluated again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts import rules
from alerts.care.concerns import Change, concern_apply, lock_patient
from alerts.care.firings import NewFiring, record_firings
from alerts.care.models import Alert
from alerts.rules import labs
from alerts.ruleset.loading import rule_configs, rule_rows
from patients.lab_tests import BY_LOINC, BY_NAME, FLAG_OF, LabTest
from patients.models import LabResult, Patient, User

# A clinician's clearing of hepatitis B risk is kept as the patient's history's change
# reason (simple_history's column holds 100 characters): these words, then their note.
HISTORY_REASON_LENGTH = 100
HBV_CLEARED = "HBV risk cleared: "
HBV_NOTE_LIMIT = HISTORY_REASON_LENGTH - len(HBV_CLEARED)

# The tests whose results the rules read (IgA is recorded and drawn only).
RULE_TESTS = tuple(BY_NAME[name].loinc for name in FLAG_OF)
# The rules whose parameters or switch decide the flags results hold (low_ig, cytopenia).
FLAG_RULES = frozenset({"LAB-IG-LOW", labs.REVIEW_RULE, "LAB-CYTO-LOW"})


@dataclass(frozen=True)
class LabData:
    """One result as typed or imported, checked by the caller (forms, importers)."""

    test: LabTest
    collected_on: date
    value: Decimal | None = None
    unit: str = ""
    positive: bool | None = None
    reference_low: Decimal | None = None
    reference_high: Decimal | None = None
    source: str = LabResult.Source.TEAM
    source_ref: str = ""


@dataclass(frozen=True)
class LabRecorded:
    result: LabResult
    evaluation: labs.LabEvaluation
    change: Change
    flags_before: frozenset[str]
    flags_after: frozenset[str]
    # The same result was recorded by the same person moments before (a double tap):
    # `result` is that one and nothing new was written.
    repeated: bool = False


def as_rule_value(result: LabResult) -> labs.LabResult:
    return labs.LabResult(
        key=result.pk,
        test=BY_LOINC[result.test].name,
        collected=result.collected_on,
        value=result.value,
        unit=result.unit,
        positive=result.positive,
        lln=result.reference_low,
        order=(result.recorded_at, result.pk),
    )


def rule_results(patient: Patient) -> list[labs.LabResult]:
    """The patient's results the rules read (not withdrawn), as the engine's values."""
    rows = LabResult.objects.in_force().filter(patient=patient, test__in=RULE_TESTS)
    return [as_rule_value(r) for r in rows]


def review_told(patient: Patient) -> frozenset:
    """The results whose LAB-IG-REVIEW opened a team alert (de-duplication, §6)."""
    whys = Alert.objects.filter(
        patient=patient, rule__rule_id=labs.REVIEW_RULE, team_alert=True, entry__isnull=True
    ).values_list("why", flat=True)
    return frozenset(why.get("result") for why in whys if isinstance(why, dict))


def lab_result_record(
    *,
    patient: Patient,
    data: LabData,
    by: User | None,
    now: datetime | None = None,
    ruleset: rules.RuleSet | None = None,
    repeat_window: timedelta | None = None,
) -> LabRecorded:
    """Save one result and record what it means (see the module docstring).

    repeat_window: a result the same person recorded for this patient within it, with the
    same test, date and value, is returned (repeated=True) rather than recorded twice — the
    form's answer to a double tap or a resent POST. Checked under the patient's lock."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_patient(patient)
        if repeat_window is not None:
            same = _same_result(patient, data, by=by, since=now - repeat_window)
            if same is not None:
                held = Patient.objects.get(pk=patient.pk).lab_flags
                return LabRecorded(
                    result=same,
                    evaluation=labs.LabEvaluation(
                        fired=(),
                        level=rules.NONE,
                        team_alerts=(),
                        flags=_held(patient),
                        latest=True,
                    ),
                    change=Change(concern=None, transition=""),
                    flags_before=held,
                    flags_after=held,
                    repeated=True,
                )
        # The rules after the lock: a draft approved meanwhile has worked this patient's
        # flags out again (lab_flags_refresh) and this result is read with its limits.
        rows = rule_rows()
        if ruleset is None:
            ruleset = rule_configs(rows)
        patient = Patient.objects.select_related("team").get(pk=patient.pk)
        unit = data.test.unit_named(data.unit) if data.test.quantitative else ""
        result = LabResult.objects.create(
            patient=patient,
            test=data.test.loinc,
            value=data.value if data.test.quantitative else None,
            unit=unit,
            positive=None if data.test.quantitative else bool(data.positive),
            reference_low=data.reference_low if data.test.quantitative else None,
            reference_high=data.reference_high if data.test.quantitative else None,
            collected_on=data.collected_on,
            recorded_at=now,
            recorded_by=by,
            source=data.source,
            source_ref=data.source_ref[:200],
        )
        before = patient.lab_flags
        if data.test.name not in FLAG_OF:
            evaluation = labs.LabEvaluation(
                fired=(), level=rules.NONE, team_alerts=(), flags=_held(patient), latest=True
            )
        else:
            evaluation = labs.evaluate_lab(
                labs.LabInput(
                    result=as_rule_value(result),
                    results=rule_results(patient),
                    flags=_held(patient),
                    review_told=review_told(patient),
                    rules=ruleset,
                )
            )
        team = set(evaluation.team_alerts)
        made = record_firings(
            [
                NewFiring(
                    patient=patient,
                    entry=None,
                    firing=firing,
                    team_alert=firing.rule_id in team,
                    at=now,
                )
                for firing in evaluation.fired
            ],
            rows=rows,
        )
        change = concern_apply(
            patient=patient, alerts=[a for a in made if a.team_alert], now=now, locked=True
        )
        _hold(patient, evaluation.flags, reason=f"laboratory result {result.pk}", by=by)
        return LabRecorded(
            result=result,
            evaluation=evaluation,
            change=change,
            flags_before=before,
            flags_after=patient.lab_flags,
        )


def _same_result(patient: Patient, data: LabData, *, by: User | None, since: datetime):
    quantitative = data.test.quantitative
    return (
        LabResult.objects.in_force()
        .filter(
            patient=patient,
            test=data.test.loinc,
            collected_on=data.collected_on,
            value=data.value if quantitative else None,
            unit=data.test.unit_named(data.unit) if quantitative else "",
            positive=None if quantitative else bool(data.positive),
            reference_low=data.reference_low if quantitative else None,
            reference_high=data.reference_high if quantitative else None,
            recorded_by=by,
            recorded_at__gte=since,
        )
        .order_by("-pk")
        .first()
    )


def _held(patient: Patient) -> labs.LabFlags:
    return labs.LabFlags(
        low_ig=patient.lab_low_ig_id,
        cytopenia=patient.lab_cytopenia_id,
        hbv_risk=patient.lab_hbv_risk_id,
    )


def _hold(patient: Patient, flags: labs.LabFlags, *, reason: str, by: User | None = None) -> None:
    """Write the flags the results hold on the patient (a history row when they change)."""
    new = {
        "lab_low_ig_id": flags.low_ig,
        "lab_cytopenia_id": flags.cytopenia,
        "lab_hbv_risk_id": flags.hbv_risk,
    }
    if all(getattr(patient, name) == value for name, value in new.items()):
        return
    for name, value in new.items():
        setattr(patient, name, value)
    patient._change_reason = reason
    if by is not None:
        patient._history_user = by
    patient.save(update_fields=["lab_low_ig", "lab_cytopenia", "lab_hbv_risk"])


def lab_flags_refresh(*, ruleset: rules.RuleSet, by: User | None, reason: str) -> int:
    """Work out again the flags every patient's results hold, with `ruleset`: called in the
    transaction that publishes a change to one of FLAG_RULES, so a new limit holds from
    then on (for entries saved after it; earlier entries are never evaluated again). HBV
    risk is kept as it is; a flag ticked by hand is not touched. Returns how many patients'
    flags changed. The patients are locked (in one statement, in id order) before their
    results are read."""
    holders = (
        Patient.objects.filter(
            Q(lab_results__test__in=RULE_TESTS, lab_results__withdrawn_at__isnull=True)
            | Q(lab_low_ig__isnull=False)
            | Q(lab_cytopenia__isnull=False)
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    patients = list(Patient.objects.select_for_update().filter(pk__in=list(holders)).order_by("pk"))
    results: dict[int, list[labs.LabResult]] = defaultdict(list)
    for row in LabResult.objects.in_force().filter(
        test__in=RULE_TESTS, patient__in=[p.pk for p in patients]
    ):
        results[row.patient_id].append(as_rule_value(row))
    changed = 0
    for patient in patients:
        flags = labs.flags_from(results[patient.pk], patient.lab_hbv_risk_id, ruleset)
        if (patient.lab_low_ig_id, patient.lab_cytopenia_id) != (flags.low_ig, flags.cytopenia):
            _hold(patient, flags, reason=reason, by=by)
            changed += 1
    return changed


def lab_result_withdraw(*, result: LabResult, by: User | None, now: datetime | None = None) -> bool:
    """Withdraw a result entered in error: it stays in the history, the rules stop reading
    it and the flags are worked out again from the rest. Alerts it raised stay (the team
    resolves them). False when it was withdrawn already."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_patient(result.patient)
        updated = LabResult.objects.filter(pk=result.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=by
        )
        if not updated:
            return False
        patient = Patient.objects.get(pk=result.patient_id)
        ruleset = rule_configs()
        remaining = rule_results(patient)
        hbv = patient.lab_hbv_risk_id
        if hbv == result.pk:
            # Another positive marker still on record keeps the flag.
            positives = [r for r in remaining if r.test in labs.HBV_MARKERS and r.positive]
            hbv = max(positives, key=lambda r: r.sort_key).key if positives else None
        _hold(
            patient,
            labs.flags_from(remaining, hbv, ruleset),
            reason=f"laboratory result {result.pk} withdrawn",
            by=by,
        )
    return True


def hbv_risk_clear(*, patient: Patient, by: User, note: str, now: datetime | None = None) -> bool:
    """A clinician confirms the hepatitis B risk a positive marker set no longer applies
    (§6: never cleared by a single result). A flag ticked by hand stays ticked. False when
    no result held it."""
    with transaction.atomic():
        lock_patient(patient)
        patient = Patient.objects.get(pk=patient.pk)
        if patient.lab_hbv_risk_id is None:
            return False
        patient.lab_hbv_risk_id = None
        patient._change_reason = f"{HBV_CLEARED}{note}"[:HISTORY_REASON_LENGTH]
        patient._history_user = by
        patient.save(update_fields=["lab_hbv_risk"])
    return True
