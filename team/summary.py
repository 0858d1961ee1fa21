"""The pre-visit summary's facts, gathered once: the printable page (team/summary.html) and
the PDF (team.exports.summary_pdf) both draw this one structure, so the two cannot disagree
about a reading, a day, an alert or a warning line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.care.thresholds import temperature_thresholds
from alerts.models import LEVEL_RANK, Alert
from patients.models import Patient
from symptoms.charts import Point, Threshold
from symptoms.history import build_history
from symptoms.readings import from_celsius, local_number
from team.lab_charts import IgChart
from team.lab_series import ig_charts
from team.labs import FlagShown, day_words, flags_shown

# In °C, as every team page; a °F patient's own reading follows in brackets.
UNIT = "C"


def patient_unit_text(value_c, patient: Patient) -> str:
    """A °C value in the patient's own unit when that is not °C ("101.1 °F"), else ""."""
    if value_c is None or patient.temperature_unit == UNIT:
        return ""
    return f"{local_number(from_celsius(value_c, patient.temperature_unit))} °{patient.temperature_unit}"


@dataclass(frozen=True)
class Summary:
    patient: Patient
    days: int
    # symptoms.history.build_history's (rows, entries, injections, heat rows, day list,
    # points), each day row with the patient's own unit as "patient_unit".
    history: dict
    thresholds: list[Threshold]
    # The team alerts of the period: most serious first, then in the order they fired.
    team_alerts: list[Alert]
    generated_at: datetime
    # The immunoglobulins over time (every result on record, not only the period's).
    lab_charts: list[IgChart] = field(default_factory=list)

    # The risk flags in force with their source (team.labs.flags_shown).
    flags: list[FlagShown] = field(default_factory=list)

    @property
    def risk_reasons(self) -> list[str]:
        """The patient's elevated-risk reasons in words, in the form's order, each held by a
        result said so ("Low immunoglobulins (from the result of 1 Dec 2026)")."""
        return [f.words for f in self.flags if f.code != "hbv_risk"]

    @property
    def hbv_words(self) -> str:
        """ "No", "Yes", "Yes (from the result of 1 Dec 2026)"."""
        held = [f for f in self.flags if f.code == "hbv_risk"]
        if not held:
            return _("No")
        return "; ".join(
            _("Yes")
            if f.by_hand
            else _("Yes (from the result of %(day)s)") % {"day": day_words(f.result.collected_on)}
            for f in held
        )

    @property
    def unit(self) -> str:
        return self.history["unit"]

    @property
    def points(self) -> list[Point]:
        """The chart's series: every reading of the period, in the summary's unit."""
        return self.history["points"]

    @property
    def lines(self) -> list[tuple[Decimal, Threshold]]:
        """The rules' warning lines, each with its value in the summary's unit."""
        return [(from_celsius(t.value_c, self.unit), t) for t in self.thresholds]


def summary_build(patient: Patient, *, days: int, now: datetime | None = None) -> Summary:
    """The last `days` days of `patient` for the summary page and the PDF."""
    now = now or timezone.now()
    thresholds = temperature_thresholds(patient)
    history = build_history(patient, days=days, unit=UNIT, thresholds=thresholds, now=now)
    for row in history["rows"]:
        row["patient_unit"] = patient_unit_text(row["max_c"], patient)
    alerts = (
        Alert.objects.filter(patient=patient, fired_at__gte=history["since"], team_alert=True)
        .select_related("rule", "acknowledged_by", "resolved_by")
        .order_by("fired_at")
    )
    team_alerts = sorted(alerts, key=lambda a: (-LEVEL_RANK[a.level], a.fired_at))
    return Summary(
        patient=patient,
        days=days,
        history=history,
        thresholds=thresholds,
        team_alerts=team_alerts,
        generated_at=now,
        flags=flags_shown(patient),
        lab_charts=ig_charts(patient),
    )
