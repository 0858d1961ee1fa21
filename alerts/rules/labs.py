"""Laboratory results through the rules of docs/clinical-rules.md §6, as pure functions.

One recorded result in, the LAB-* rules that fired, the team alerts they open, and the risk
flags a result holds afterwards out. No ORM, no clock: alerts/care/labs.py loads the
patient's results and records what comes back; the scenario replay and the what-if call
the same functions.

- A flag set by a result is held by that result (its key), so a page can say "from the
  result of <date>"; a flag the team set by hand is not this module's business (it is
  never cleared by a result: the care layer ORs the two).
- `low_ig` is in force while the latest IgG or the latest IgM is below its lower limit of
  normal (LLN); `cytopenia` while the latest neutrophils or lymphocytes are. "Below" is
  strict. The lab's own LLN wins; without one, the clinic's (LAB-IG-LOW / LAB-CYTO-LOW's
  parameters).
- HBV risk set by a positive marker is never cleared by a result (a clinician confirms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from alerts.rules.config import RuleSet, ruleset
from alerts.rules.levels import NONE, TEAM_LEVELS, level_max
from alerts.rules.values import Firing
from patients.lab_tests import BY_NAME, COUNTS, HBV_MARKERS, IMMUNOGLOBULINS, POSITIVE

LOW_RULE = {"IgG": "LAB-IG-LOW", "IgM": "LAB-IG-LOW"}
LOW_RULE.update(dict.fromkeys(COUNTS, "LAB-CYTO-LOW"))
REVIEW_RULE = "LAB-IG-REVIEW"
HBV_RULE = "LAB-HBV-POS"
# The parameter that holds the clinic's LLN of each test, and the review's percentage.
LLN_PARAM = {
    "IgG": ("LAB-IG-LOW", "igg_lln"),
    "IgM": ("LAB-IG-LOW", "igm_lln"),
    "neutrophils": ("LAB-CYTO-LOW", "neutrophils_lln"),
    "lymphocytes": ("LAB-CYTO-LOW", "lymphocytes_lln"),
}
REVIEW_PARAM = {"IgG": "igg_below_percent", "IgM": "igm_below_percent"}


@dataclass(frozen=True, slots=True)
class LabResult:
    """One result as the rules read it. `value` and `lln` are in the unit reported."""

    key: Any
    test: str
    collected: date
    value: Decimal | None = None
    unit: str = ""
    positive: bool | None = None
    lln: Decimal | None = None
    # Recorded order among results collected the same day (a later record is later).
    order: Any = 0

    @property
    def value_in_test_unit(self) -> Decimal | None:
        if self.value is None:
            return None
        return BY_NAME[self.test].converted(self.value, self.unit)

    @property
    def lab_lln(self) -> Decimal | None:
        """The lab's own LLN in the test's unit (None when the lab gave none)."""
        if self.lln is None:
            return None
        return BY_NAME[self.test].converted(self.lln, self.unit)

    @property
    def sort_key(self) -> tuple:
        return (self.collected, self.order)


@dataclass(frozen=True)
class LabFlags:
    """The result that holds each flag (None: no result holds it)."""

    low_ig: Any = None
    cytopenia: Any = None
    hbv_risk: Any = None

    def names(self) -> frozenset[str]:
        return frozenset(
            name for name in ("low_ig", "cytopenia", "hbv_risk") if getattr(self, name) is not None
        )


@dataclass(frozen=True)
class LabInput:
    result: LabResult  # the result just recorded
    # Every result of the patient for the tests the rules read, the new one included (any
    # order): the latest of each test decides the flags, earlier ones the de-duplication.
    results: Sequence[LabResult]
    flags: LabFlags = LabFlags()  # as they were before this result
    # The results of LAB-IG-REVIEW that opened a team alert (their keys).
    review_told: frozenset = frozenset()
    rules: RuleSet | None = None


@dataclass(frozen=True)
class LabEvaluation:
    fired: tuple[Firing, ...]
    level: str
    team_alerts: tuple[str, ...]
    flags: LabFlags
    latest: bool  # whether the result is the latest of its test (else it only adds history)
    deduplicated: tuple[str, ...] = field(default=())


def lln_of(result: LabResult, rules: RuleSet) -> tuple[Decimal, str]:
    """The LLN a result is compared with, in the test's unit, and where it came from."""
    own = result.lab_lln
    if own is not None:
        return own, "lab"
    rule_id, name = LLN_PARAM[result.test]
    return Decimal(rules.param(rule_id, name)), "clinic"


def review_level(result: LabResult, rules: RuleSet) -> Decimal:
    """At or below this, an IgG or IgM is at the trials' interruption level (§6, [K20])."""
    lln, _ = lln_of(result, rules)
    percent = Decimal(rules.param(REVIEW_RULE, REVIEW_PARAM[result.test]))
    return lln * (Decimal(100) - percent) / Decimal(100)


def is_low(result: LabResult, rules: RuleSet) -> bool:
    value = result.value_in_test_unit
    return value is not None and value < lln_of(result, rules)[0]


def at_review_level(result: LabResult, rules: RuleSet) -> bool:
    value = result.value_in_test_unit
    return (
        result.test in IMMUNOGLOBULINS
        and value is not None
        and value <= review_level(result, rules)
    )


def latest_of(results: Sequence[LabResult]) -> dict[str, LabResult]:
    latest: dict[str, LabResult] = {}
    for result in results:
        held = latest.get(result.test)
        if held is None or result.sort_key > held.sort_key:
            latest[result.test] = result
    return latest


def _holder(results: Sequence[LabResult], tests: Sequence[str], sets) -> Any:
    """The result holding a flag: the most recent of the latest results of `tests` for
    which `sets(result)` is true (None when none is)."""
    latest = latest_of([r for r in results if r.test in tests])
    holding = [r for r in latest.values() if sets(r)]
    return max(holding, key=lambda r: r.sort_key).key if holding else None


def flags_from(results: Sequence[LabResult], hbv_held: Any, rules: RuleSet) -> LabFlags:
    """The flags the results hold (`hbv_held`: the result holding HBV risk before, kept).
    A rule switched off in the admin sets nothing."""
    low_on, review_on = rules.active["LAB-IG-LOW"], rules.active[REVIEW_RULE]
    low_ig = _holder(
        results,
        IMMUNOGLOBULINS,
        lambda r: (low_on and is_low(r, rules)) or (review_on and at_review_level(r, rules)),
    )
    cyto_on = rules.active["LAB-CYTO-LOW"]
    cytopenia = _holder(results, COUNTS, lambda r: cyto_on and is_low(r, rules))
    return LabFlags(low_ig=low_ig, cytopenia=cytopenia, hbv_risk=hbv_held)


def _why(result: LabResult, rules: RuleSet, **more: Any) -> dict[str, Any]:
    test = BY_NAME[result.test]
    why: dict[str, Any] = {
        "test": result.test,
        "loinc": test.loinc,
        "collected": result.collected.isoformat(),
        "result": result.key,
    }
    if test.quantitative:
        lln, source = lln_of(result, rules)
        why.update(
            value=f"{result.value_in_test_unit.normalize():f}",
            unit=test.unit,
            reported=f"{result.value} {result.unit}",
            lln=f"{lln.normalize():f}",
            lln_from=source,
        )
    else:
        why["value"] = POSITIVE if result.positive else "negative"
    why.update(more)
    return why


def _last_review_told(result: LabResult, inp: LabInput, rules: RuleSet) -> Decimal | None:
    """The value (test unit) of the last earlier result of this test whose LAB-IG-REVIEW
    opened a team alert, unless a result at or above the LLN came after it (the flag
    cleared: a new fall is a new alert)."""
    earlier = sorted(
        (r for r in inp.results if r.test == result.test and r.sort_key < result.sort_key),
        key=lambda r: r.sort_key,
        reverse=True,
    )
    for prior in earlier:
        if prior.key in inp.review_told:
            return prior.value_in_test_unit
        if not is_low(prior, rules):
            return None
    return None


def evaluate_lab(inp: LabInput) -> LabEvaluation:
    """The LAB-* rules on one recorded result (see the module's docstring)."""
    rules = ruleset(inp.rules)
    result = inp.result
    latest = latest_of([r for r in inp.results if r.test == result.test] + [result])
    is_latest = latest[result.test].key == result.key
    fired: list[Firing] = []
    team: list[str] = []
    deduplicated: list[str] = []
    hbv_held = inp.flags.hbv_risk

    def fire(rule_id: str, why: dict, *, tell: bool) -> None:
        if not rules.active[rule_id]:
            return
        level = rules.levels[rule_id]
        fired.append(Firing(rule_id, level, f"lab:{result.key}", why))
        if level in TEAM_LEVELS:
            (team if tell else deduplicated).append(rule_id)

    if result.test in HBV_MARKERS:
        # Any positive marker sets HBV risk, the latest or not (a past infection is the
        # risk); a repeat while a result holds it opens nothing (§6).
        if result.positive:
            fire(HBV_RULE, _why(result, rules), tell=hbv_held is None)
            if rules.active[HBV_RULE] and hbv_held is None:
                hbv_held = result.key
    elif is_latest and result.test in LOW_RULE and is_low(result, rules):
        fire(LOW_RULE[result.test], _why(result, rules), tell=True)
        if at_review_level(result, rules):
            told = _last_review_told(result, inp, rules)
            value = result.value_in_test_unit
            level = review_level(result, rules)
            why = _why(
                result,
                rules,
                review_at_or_below=f"{level.quantize(Decimal('0.001')).normalize():f}",
                below_percent=rules.param(REVIEW_RULE, REVIEW_PARAM[result.test]),
                last_told=None if told is None else f"{told.normalize():f}",
            )
            fire(REVIEW_RULE, why, tell=told is None or value < told)
    results = [*inp.results]
    if all(r.key != result.key for r in results):
        results.append(result)
    flags = flags_from(results, hbv_held, rules)
    fired.sort(key=lambda f: f.rule_id)
    return LabEvaluation(
        fired=tuple(fired),
        level=level_max(f.level for f in fired) if fired else NONE,
        team_alerts=tuple(sorted(team)),
        flags=flags,
        latest=is_latest,
        deduplicated=tuple(sorted(deduplicated)),
    )
