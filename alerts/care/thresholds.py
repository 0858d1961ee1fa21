"""The warning lines a patient's chart draws, and whether a reading asks for a re-measure."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts import rules
from alerts.care.models import EntryOutcome
from alerts.ruleset.loading import rule_configs
from patients.models import Patient
from symptoms.charts import Threshold
from symptoms.models import DiaryEntry

logger = logging.getLogger(__name__)


# The warning lines of a temperature chart: (rule, parameter, words), lowest first.
CHART_THRESHOLDS = (
    ("T-LOW-1", "low_c", _("slightly raised")),
    ("T-FEV-1", "threshold_c", _("fever")),
    ("T-FEV-ER-1", "threshold_c", _("high fever")),
)


def temperature_thresholds(patient: Patient) -> list[Threshold]:
    """The chart's warning lines, read from the rules as the admin last saved them (active
    rules only; the elevated-risk line only for an elevated-risk patient)."""
    configs = rule_configs()
    lines = []
    for rule_id, param, label in CHART_THRESHOLDS:
        if not configs.active[rule_id] or (rule_id == "T-FEV-ER-1" and not patient.elevated_risk):
            continue
        lines.append(Threshold(value_c=configs.params[rule_id][param], label=str(label)))
    return sorted(lines, key=lambda line: line.value_c)


def temperature_outside_normal(values_c: list[Decimal]) -> bool:
    """True when a reading is one a temperature rule could act on: below the highest of
    the temperature rules' "below" lines (T-HYPO-0/1's 36.0 °C) or at or above the lowest
    of their other lines (T-LOW-1's 37.5 °C), as the admin last saved them, active or not.
    An entry past the hourly bound is still saved then (docs/clinical-safety.md item 40)."""
    params = rule_configs().params
    low: list[Decimal] = []
    high: list[Decimal] = []
    for rule_id, definition in rules.DEFAULT_RULES.items():
        if definition.family != "temperature":
            continue
        for name, value in params[rule_id].items():
            if name.endswith("_c"):
                (low if "below" in name else high).append(value)
    return any((low and value < max(low)) or (high and value >= min(high)) for value in values_c)


def remeasure_requested(patient: Patient, *, now: datetime | None = None) -> bool:
    """Return True if the patient's latest entry, in the last 6 hours, asked for a re-measure
    (its recorded outcome)."""
    now = now or timezone.now()
    latest = DiaryEntry.objects.for_patient(patient).filter(recorded_at__lte=now).first()
    if latest is None or now - latest.recorded_at > timedelta(hours=6):
        return False
    outcome = EntryOutcome.objects.filter(entry=latest).order_by("-revision").first()
    return outcome is not None and outcome.remeasure_minutes is not None
