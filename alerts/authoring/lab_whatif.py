"""What a draft of a laboratory rule (LAB-IG-LOW, LAB-IG-REVIEW, LAB-CYTO-LOW) would change:
the risk flags the clinic's recorded results hold (docs/clinical-rules.md §6), worked out
with the live rules and with the draft's, patient by patient. Nothing is written.

Both sides are alerts.rules.labs.flags_from over each patient's results in force, as the
recording path works them out. Two queries whatever the clinic's size: every result of
the rules' tests (one), the patients who have any (one); grouped in Python.

- HBV risk is never changed by a threshold (a positive marker holds it until a clinician
  clears it), so it is not compared.
- A flag the team ticked by hand stays in force whatever the draft: such a change is listed
  with `ticked` so the reader sees it makes no difference to the patient's thresholds.
- "The result that decides it": the result holding the flag on the side that holds it
  (under the draft for a flag gained, under the live rules for one lost), with the limit
  it is compared with on each side.
- Also listed: the latest IgG / IgM results at the trials' interruption level on one side
  only (LAB-IG-REVIEW's CONTACT for the team when such a result is recorded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from alerts import rules
from alerts.care.labs import FLAG_RULES, RULE_TESTS, as_rule_value
from alerts.rules import labs
from patients.lab_tests import BY_NAME, COUNTS, IMMUNOGLOBULINS
from patients.models import CareTeam, LabResult, Patient

# The flags a threshold can move, the tests that hold each and the box the team ticks.
FLAG_TESTS = {"low_ig": IMMUNOGLOBULINS, "cytopenia": COUNTS}
HAND_FIELD = {"low_ig": "er_low_ig", "cytopenia": "er_cytopenia"}


@dataclass(frozen=True)
class Limit:
    """What a result is compared with under one rule set, in the test's unit (strings, as
    the run's JSON keeps them). None: that rule is switched off."""

    lln: str | None
    review: str | None  # IgG / IgM at or below this: the review level (LAB-IG-REVIEW)


@dataclass(frozen=True)
class Decider:
    """The result that decides a change: its test, value in the test's unit, the date it
    was collected, and whose LLN applies (the lab's own, or the clinic's)."""

    result_id: int
    test: str
    value: str
    unit: str
    collected: date
    lln_from: str  # "lab" | "clinic"
    live: Limit
    draft: Limit


@dataclass(frozen=True)
class FlagChange:
    team: str
    reference: str
    flag: str  # "low_ig" | "cytopenia"
    live: bool  # held by a result with the live rules
    draft: bool  # ... with the draft's
    ticked: bool  # ticked by the team: in force either way
    decided_by: Decider

    def as_json(self) -> dict:
        out = asdict(self)
        out["decided_by"]["collected"] = self.decided_by.collected.isoformat()
        return out


@dataclass(frozen=True)
class ReviewChange:
    """A patient's latest IgG or IgM at the review level on one side only."""

    team: str
    reference: str
    live: bool
    draft: bool
    decided_by: Decider

    def as_json(self) -> dict:
        out = asdict(self)
        out["decided_by"]["collected"] = self.decided_by.collected.isoformat()
        return out


@dataclass
class LabWhatIf:
    patients: int = 0  # patients with results of the rules' tests
    results: int = 0
    flags: list[FlagChange] | None = None
    review: list[ReviewChange] | None = None

    def as_json(self) -> dict:
        return {
            "patients": self.patients,
            "results": self.results,
            "flags": [c.as_json() for c in self.flags or []],
            "review": [c.as_json() for c in self.review or []],
        }


def changes_lab_flags(live_rules: rules.RuleSet, draft_rules: rules.RuleSet) -> bool:
    """Whether the draft moves a rule that decides a flag held by a result."""
    return not FLAG_RULES.isdisjoint(live_rules.differing(draft_rules))


def lab_whatif(
    *,
    live_rules: rules.RuleSet,
    draft_rules: rules.RuleSet,
    teams: Iterable[CareTeam] | None = None,
) -> LabWhatIf:
    """The flags (and review-level results) that differ between the two rule sets."""
    rows = LabResult.objects.in_force().filter(test__in=RULE_TESTS)
    if teams is not None:
        rows = rows.filter(patient__team__in=list(teams))
    results: dict[int, list[labs.LabResult]] = defaultdict(list)
    count = 0
    for row in rows.only(
        "pk",
        "patient_id",
        "test",
        "value",
        "unit",
        "positive",
        "reference_low",
        "collected_on",
        "recorded_at",
    ):
        results[row.patient_id].append(as_rule_value(row))
        count += 1
    people = Patient.objects.filter(pk__in=list(results)).values_list(
        "pk", "reference", "team__name", "er_low_ig", "er_cytopenia", "lab_hbv_risk_id"
    )
    out = LabWhatIf(patients=len(results), results=count, flags=[], review=[])
    for pk, reference, team, er_low_ig, er_cytopenia, hbv_held in people:
        mine = results[pk]
        live = labs.flags_from(mine, hbv_held, live_rules)
        draft = labs.flags_from(mine, hbv_held, draft_rules)
        ticked = {"low_ig": er_low_ig, "cytopenia": er_cytopenia}
        by_key = {r.key: r for r in mine}
        for flag in FLAG_TESTS:
            held_live, held_draft = getattr(live, flag), getattr(draft, flag)
            if (held_live is None) == (held_draft is None):
                continue
            decider = by_key[held_draft if held_draft is not None else held_live]
            out.flags.append(
                FlagChange(
                    team=team or "",
                    reference=reference,
                    flag=flag,
                    live=held_live is not None,
                    draft=held_draft is not None,
                    ticked=bool(ticked[flag]),
                    decided_by=_decider(decider, live_rules, draft_rules),
                )
            )
        latest = labs.latest_of([r for r in mine if r.test in IMMUNOGLOBULINS])
        for test in sorted(latest):
            result = latest[test]
            at_live = live_rules.active[labs.REVIEW_RULE] and labs.at_review_level(
                result, live_rules
            )
            at_draft = draft_rules.active[labs.REVIEW_RULE] and labs.at_review_level(
                result, draft_rules
            )
            if at_live != at_draft:
                out.review.append(
                    ReviewChange(
                        team=team or "",
                        reference=reference,
                        live=at_live,
                        draft=at_draft,
                        decided_by=_decider(result, live_rules, draft_rules),
                    )
                )
    out.flags.sort(key=lambda c: (c.team, c.reference, c.flag))
    out.review.sort(key=lambda c: (c.team, c.reference, c.decided_by.test))
    return out


def _number(value: Decimal) -> str:
    """A value as written, without trailing zeros ("5.8")."""
    return f"{value.normalize():f}"


def _limit_number(value: Decimal) -> str:
    """A limit with the two places the clinic's limits take ("6.00", "0.40"), more when it
    has them (a review level: 5.65 × 0.85 = 4.8025)."""
    two = value.quantize(Decimal("0.01"))
    return f"{two:f}" if two == value else _number(value)


def _limit(result: labs.LabResult, ruleset: rules.RuleSet) -> Limit:
    lln = None
    rule_id = labs.LOW_RULE[result.test]
    if ruleset.active[rule_id]:
        lln = _limit_number(labs.lln_of(result, ruleset)[0])
    review = None
    if result.test in IMMUNOGLOBULINS and ruleset.active[labs.REVIEW_RULE]:
        review = _limit_number(labs.review_level(result, ruleset))
    return Limit(lln=lln, review=review)


def _decider(result: labs.LabResult, live: rules.RuleSet, draft: rules.RuleSet) -> Decider:
    return Decider(
        result_id=result.key,
        test=result.test,
        value=_number(result.value_in_test_unit),
        unit=BY_NAME[result.test].unit,
        collected=result.collected,
        lln_from=labs.lln_of(result, live)[1],
        live=_limit(result, live),
        draft=_limit(result, draft),
    )
