"""A patient's immunoglobulins as the charts' plain values (team/lab_charts.py): the results in
force, the lower limits and review levels from the published rules, and the doses.

The team's patient page, the printable summary and the PDF read these, so the three draw the
same lines. The limits are read as the rules read them (alerts/rules/labs.py): the
laboratory's LLN when the result has one, else the clinic's (LAB-IG-LOW); IgA has no clinic
default and no review level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from alerts.care.labs import as_rule_value
from alerts.rules import RuleSet
from alerts.rules import labs as lab_rules
from alerts.rules.labs import LLN_PARAM, REVIEW_PARAM, REVIEW_RULE
from alerts.ruleset.loading import rule_configs
from patients.lab_models import LabResult
from patients.lab_tests import BY_NAME
from patients.models import Patient
from team.lab_charts import IgChart, LabPoint, ig_chart_svg, value_words

CHARTED = ("IgG", "IgM", "IgA")


@dataclass(frozen=True)
class ShownChart:
    """A chart for a page: its values, its SVG and the rows of its table of values."""

    chart: IgChart
    svg: str
    rows: list[dict]


def ig_charts(patient: Patient, *, rules: RuleSet | None = None) -> list[IgChart]:
    """One chart per immunoglobulin with at least one result in force, IgG, IgM, IgA."""
    loinc = {BY_NAME[name].loinc: name for name in CHARTED}
    results = list(
        LabResult.objects.in_force()
        .filter(patient=patient, test__in=loinc)
        .order_by("collected_on", "recorded_at", "pk")
    )
    if not results:
        return []
    rules = rules or rule_configs()
    zone = patient.zone
    doses = tuple(
        sorted(
            timezone.localtime(at, zone).date()
            for at in patient.injections.values_list("given_at", flat=True)
        )
    )
    charts = []
    for name in CHARTED:
        mine = [r for r in results if loinc[r.test] == name]
        if not mine:
            continue
        test = BY_NAME[name]
        points = []
        for result in mine:
            value = result.value_in_test_unit
            lln, _source = lln_of(result, name, rules)
            points.append(
                LabPoint(
                    collected=result.collected_on,
                    value=value,
                    reported=result.shown,
                    low=lln is not None and value < lln,
                    lln=lln,
                )
            )
        lln, source = lln_of(mine[-1], name, rules)
        review = percent = None
        if lln is not None and name in REVIEW_PARAM:
            # The rule's own arithmetic (alerts/rules/labs.py): the line is where it fires.
            percent = Decimal(str(rules.param(REVIEW_RULE, REVIEW_PARAM[name])))
            review = lab_rules.review_level(as_rule_value(mine[-1]), rules)
        charts.append(
            IgChart(
                test=name,
                unit=test.unit,
                points=tuple(points),
                lln=lln,
                lln_source=source,
                review=review,
                review_percent=percent,
                doses=doses,
            )
        )
    return charts


def lln_of(result: LabResult, name: str, rules: RuleSet) -> tuple[Decimal | None, str]:
    """The LLN a result is compared with, in the test's unit, and whose it is: the rule's
    own choice (alerts/rules/labs.py: the laboratory's, else the clinic's); IgA, which no
    rule reads, has only the laboratory's."""
    value = as_rule_value(result)
    if name in LLN_PARAM:
        return lab_rules.lln_of(value, rules)
    own = value.lab_lln
    return (own, "lab") if own is not None else (None, "")


def shown_charts(charts: list[IgChart]) -> list[ShownChart]:
    """The charts with their SVG and table rows, for a template (team/includes/lab_charts.html)."""
    return [
        ShownChart(
            chart=chart,
            svg=ig_chart_svg(chart),
            rows=[
                {
                    "day": point.collected,
                    "value": value_words(point, chart.unit),
                    "low": point.low,
                }
                for point in reversed(chart.points)
            ],
        )
        for chart in charts
    ]
