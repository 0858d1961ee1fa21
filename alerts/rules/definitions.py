"""Each rule of docs/clinical-rules.md §3 declared once: its level, family, parameters with
their types and bounds, and the properties the engine reads.

The words (titles, patient messages, clinician summaries, rationale) are data: the
AlertRule rows, seeded by alerts/migrations/_seed.py and edited in the admin. The conditions
are the check functions in alerts/rules/checks.py, one per entry rule; the periodic rules
are in alerts/rules/sweep.py. Nothing else lists rules: every "which rules are…" question
is answered by reading these definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from alerts.rules.levels import CONTACT, URGENT, WATCH, Level


class Kind(StrEnum):
    ENTRY = "entry"  # checked on every diary entry (alerts/rules/checks.py)
    # INJ-DUE-INF: on an entry once the others are settled, in the sweep and on the
    # injection form (alerts/rules/engine.py pre_dose_check).
    PRE_DOSE = "pre-dose"
    PERIODIC = "periodic"  # run by the sweep as of an instant (alerts/rules/sweep.py)
    MODIFIER = "modifier"  # RISK-ESC: raises the level of other rules
    # A laboratory result recorded by the team (§6, alerts/rules/labs.py); LAB-DUE is a
    # schedule the team pages read, never a firing.
    LAB = "lab"


class Reaction(StrEnum):
    """Whether a likely injection reaction (INJ-IRR-24) explains a rule's firing away (A.0
    "Precedence and suppression"). Every rule not marked is never suppressed."""

    NEVER = "never"
    ALWAYS = "always"
    # Only when each worsened symptom is a reaction symptom at most INJ-IRR-24's max_grade.
    IF_MILD_REACTION_SYMPTOMS = "if mild reaction symptoms"


# The evaluator is given this many days of history (entries and alerts) before an entry:
# every window a rule or the engine uses must fit in it (these parameters, alerts.models.EngineSettings).
HISTORY_DAYS = 14


# Parameters ---------------------------------------------------------------------------

HISTORY_LIMIT = "the history the rules read"


@dataclass(frozen=True, slots=True)
class Param:
    """One number of a rule an administrator may change, with the range they may set."""

    default: Decimal | int
    low: Decimal | int
    high: Decimal | int
    unit: str
    # Why `high` is where it is, when it is a limit of the engine rather than of sense.
    limit: str = ""
    # Decimal places an administrator may give (a temperature has one; a laboratory
    # limit such as IgM 0.40 g/L has two).
    places: int = 1

    def parse(self, stored: Any) -> Decimal | int:
        """The stored JSON value (Decimals kept as strings) as the evaluator's type."""
        return Decimal(str(stored)) if isinstance(self.default, Decimal) else int(stored)

    def problems(self, name: str, value: Any) -> list[str]:
        """What is wrong with `value` for this parameter, in words for the admin form."""
        if isinstance(self.default, Decimal):
            if isinstance(value, bool):
                return [f'{name} must be a number like "{self.default}"']
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return [f'{name} must be a number like "{self.default}" (got {value!r})']
            if not number.is_finite():
                return [f"{name} must be a number"]
            step = Decimal(1).scaleb(-self.places)
            if number != number.quantize(step):
                words = "one decimal place" if self.places == 1 else f"{self.places} decimal places"
                return [f"{name} must have at most {words} (got {number})"]
        elif isinstance(value, bool) or not isinstance(value, int):
            return [f"{name} must be a whole number (got {value!r})"]
        else:
            number = value
        if number > self.high and self.limit:
            return [f"{name} can be at most {self.high} {self.unit} ({self.limit})"]
        if not self.low <= number <= self.high:
            return [f"{name} must be between {self.low} and {self.high} {self.unit} (got {number})"]
        return []


def celsius(value: str) -> Param:
    # Inside the range the diary accepts a reading at all.
    return Param(Decimal(value), Decimal("30.0"), Decimal("45.0"), "°C")


def grade(value: int) -> Param:
    return Param(value, 1, 4, "grades")


def days(value: int, *, low: int = 1) -> Param:
    return Param(value, low, HISTORY_DAYS, "days", limit=HISTORY_LIMIT)


def hours(value: int, *, low: int = 1) -> Param:
    return Param(value, low, HISTORY_DAYS * 24, "hours", limit=HISTORY_LIMIT)


def minutes(value: int) -> Param:
    return Param(value, 1, 24 * 60, "minutes")


def per_minute(value: int) -> Param:
    return Param(value, 1, 300, "per minute")


def percent(value: int) -> Param:
    return Param(value, 50, 100, "%")


def mmhg(value: int) -> Param:
    return Param(value, 40, 300, "mmHg")


def grams_per_litre(value: str) -> Param:
    # A lower limit of normal for an immunoglobulin, in g/L (§6).
    return Param(Decimal(value), Decimal("0.01"), Decimal("30.00"), "g/L", places=2)


def per_nanolitre(value: str) -> Param:
    # A lower limit of normal for a blood count, in 10^9/L (§6).
    return Param(Decimal(value), Decimal("0.01"), Decimal("20.00"), "10^9/L", places=2)


def below_percent(value: int) -> Param:
    # How far below its lower limit of normal a result is (§6 LAB-IG-REVIEW).
    return Param(value, 1, 90, "% below the lower limit")


def months(value: int, *, high: int = 24) -> Param:
    return Param(value, 1, high, "months")


def news2_score(value: int, high: int) -> Param:
    return Param(value, 1, high, "points")


# Definitions --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDefinition:
    rule_id: str
    family: str
    # The specification's level; the AlertRule row holds the current one.
    level: Level
    params: Mapping[str, Param] = field(default_factory=dict)
    kind: Kind = Kind.ENTRY
    # Its CONTACT/URGENT firing is "an infection rule" for INJ-DUE-INF.
    infection: bool = False
    # A persistent unchanged symptom: re-notified only when it worsens, clears and comes
    # back, or after EngineWindows.persistent.
    persistent: bool = False
    # Each firing is itself the trigger to tell the team again (never de-duplicated).
    renotify_every_firing: bool = False
    # Raised to CONTACT by RISK-ESC for an elevated-risk patient.
    risk_escalated: bool = False
    explained_by_reaction: Reaction = Reaction.NEVER
    # The specification's re-measure request; the AlertRule row holds the current one.
    remeasure_minutes: int | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: param.default for name, param in self.params.items()}

    def param_problems(self, params: Mapping[str, Any]) -> list[str]:
        """What is wrong with a stored set of parameters (names, types, bounds)."""
        expected, given = set(self.params), set(params)
        problems = []
        if given - expected:
            problems.append(f"unknown parameter(s): {', '.join(sorted(given - expected))}")
        if expected - given:
            problems.append(f"missing parameter(s): {', '.join(sorted(expected - given))}")
        for name in sorted(expected & given):
            problems.extend(self.params[name].problems(name, params[name]))
        return problems


def rule(rule_id: str, family: str, level: Level, **fields: Any) -> RuleDefinition:
    return RuleDefinition(rule_id, family, level, **fields)


ALWAYS = Reaction.ALWAYS
# The table of §3, in its order (the patient reads the reasons of a level in this order).
RULES = (
    # Temperature
    rule("T-LOW-1", "temperature", WATCH, params={"low_c": celsius("37.5"), "high_c": celsius("38.0")},
         infection=True, risk_escalated=True, explained_by_reaction=ALWAYS, remeasure_minutes=60),
    rule("T-LOW-2D", "temperature", CONTACT, params={"threshold_c": celsius("37.5"), "days": days(2),
         "exclude_after_injection_hours": hours(24, low=0)}, infection=True),
    rule("T-FEV-1", "temperature", CONTACT, params={"threshold_c": celsius("38.0")}, infection=True,
         remeasure_minutes=60),
    rule("T-FEV-ER-1", "temperature", URGENT, params={"threshold_c": celsius("38.3")}, infection=True),
    rule("T-FEV-ER-2", "temperature", URGENT, params={"threshold_c": celsius("38.0"),
         "min_gap_minutes": minutes(60), "window_hours": hours(24)}, infection=True),
    rule("T-FEV-3D", "temperature", CONTACT, params={"threshold_c": celsius("38.0"), "days": days(3)},
         infection=True),
    rule("T-HYPO-0", "temperature", WATCH, params={"below_c": celsius("36.0")}, remeasure_minutes=60),
    rule("T-HYPO-1", "temperature", CONTACT, params={"below_c": celsius("36.0")}, infection=True,
         remeasure_minutes=60),
    rule("T-HYPO-2", "temperature", URGENT, params={"at_or_below_c": celsius("35.0"),
         "confirm_window_minutes": minutes(60)}, infection=True),
    # Systemic infection and sepsis
    rule("INF-FLU", "infection", CONTACT, params={"threshold_c": celsius("37.5"), "min_grade": grade(1)},
         infection=True, explained_by_reaction=ALWAYS),
    rule("SEP-RF", "sepsis", URGENT, infection=True),
    # Vital signs
    rule("VIT-HR-H", "vitals", URGENT, params={"threshold": per_minute(131)}),
    rule("VIT-HR-M", "vitals", CONTACT, params={"low": per_minute(91), "high": per_minute(130),
         "threshold_c": celsius("37.5")}, infection=True),
    rule("VIT-RR-H", "vitals", URGENT, params={"threshold": per_minute(25)}),
    rule("VIT-RR-M", "vitals", CONTACT, params={"low": per_minute(21), "high": per_minute(24)},
         infection=True),
    rule("VIT-SPO2-H", "vitals", URGENT, params={"at_or_below": percent(92)}),
    rule("VIT-SPO2-M", "vitals", CONTACT, params={"low": percent(93), "high": percent(94),
         "unconfirmed_at_or_below": percent(94)}, remeasure_minutes=60),
    rule("VIT-SBP-H", "vitals", URGENT, params={"at_or_below": mmhg(90)}),
    rule("VIT-SBP-M", "vitals", CONTACT, params={"low": mmhg(91), "high": mmhg(100)}, infection=True),
    rule("VIT-NEWS2", "vitals", URGENT, params={"aggregate": news2_score(5, 20),
         "single": news2_score(3, 3)}, infection=True),
    # Respiratory
    rule("RESP-URTI", "respiratory", WATCH, params={"max_grade": grade(2), "below_c": celsius("37.5")},
         infection=True, risk_escalated=True),
    rule("RESP-COUGH-3D", "respiratory", CONTACT, params={"min_grade": grade(1), "days": days(3)},
         infection=True, persistent=True),
    rule("RESP-LRTI", "respiratory", CONTACT, params={"fever_c": celsius("38.0")}, infection=True),
    rule("RESP-SEV", "respiratory", URGENT, infection=True),
    # Urinary
    rule("GU-UTI", "urinary", CONTACT, params={"min_grade": grade(1)}, infection=True, persistent=True),
    rule("GU-UPPER", "urinary", CONTACT, params={"fever_c": celsius("38.0")}, infection=True),
    # Herpes and shingles
    rule("HSV-ORAL", "herpes", WATCH, params={"below_c": celsius("37.5")}, infection=True,
         risk_escalated=True),
    rule("HZ-PRODROME", "herpes", WATCH, params={"min_grade": grade(1)}, infection=True,
         risk_escalated=True),
    rule("HZ-RASH", "herpes", CONTACT, infection=True, persistent=True),
    rule("HZ-EYE", "herpes", URGENT, infection=True),
    # Hepatitis B
    rule("HBV-LIVER", "liver", CONTACT, params={"fatigue_rise": grade(2)}, persistent=True),
    rule("HBV-SEV", "liver", URGENT),
    # Neurological
    rule("NEURO-NEW", "neuro", CONTACT, params={"min_grade": grade(1)}, persistent=True),
    rule("NEURO-PROG", "neuro", CONTACT, params={"episode_days": days(14)}, renotify_every_firing=True),
    rule("NEURO-ACUTE", "neuro", URGENT),
    rule("NEURO-FEVER", "neuro", CONTACT, params={"threshold_c": celsius("37.5"), "min_grade": grade(1)},
         infection=True),
    # Injection-related
    rule("INJ-IRR-24", "injection", WATCH, params={"window_hours": hours(24), "max_grade": grade(2),
         "low_c": celsius("37.5"), "high_c": celsius("38.0")}),
    rule("INJ-FEV", "injection", CONTACT, params={"window_hours": hours(24),
         "threshold_c": celsius("38.0")}, infection=True),
    rule("INJ-PERSIST-48", "injection", CONTACT, params={"after_hours": hours(48), "until_days": days(7),
         "min_grade": grade(2), "threshold_c": celsius("37.5")}, infection=True),
    rule("INJ-ANAPH", "injection", URGENT),
    rule("INJ-SITE", "injection", WATCH, params={"min_grade": grade(1)}),
    rule("INJ-SITE-INF", "injection", CONTACT, params={"fever_c": celsius("38.0"),
         "window_hours": hours(24)}, infection=True, persistent=True),
    rule("INJ-DUE-INF", "injection", CONTACT, params={"due_within_hours": hours(48),
         "lookback_days": days(7)}, kind=Kind.PRE_DOSE),
    rule("INJ-MISSED", "injection", WATCH, params={"grace_days": days(1, low=0)}, kind=Kind.PERIODIC),
    rule("VAC-LIVE", "vaccine", CONTACT, persistent=True),
    # Symptom grades
    rule("PRO-SEV", "pro", CONTACT, params={"min_grade": grade(3)}, persistent=True),
    rule("PRO-WORSEN-2", "pro", CONTACT, params={"rise": grade(2)},
         explained_by_reaction=Reaction.IF_MILD_REACTION_SYMPTOMS),
    # Risk modifier
    rule("RISK-ESC", "risk", CONTACT, kind=Kind.MODIFIER),
    # Missed diary (periodic)
    rule("DIARY-GAP-2", "diary", WATCH, params={"days": Param(2, 1, 60, "days")}, kind=Kind.PERIODIC),
    rule("DIARY-GAP-3", "diary", CONTACT, params={"days": Param(3, 1, 60, "days")}, kind=Kind.PERIODIC),
    rule("DIARY-FOLLOWUP", "diary", CONTACT, params={"hours": hours(24)}, kind=Kind.PERIODIC),
    # Laboratory results (§6): the clinic's lower limits apply where the lab gave none.
    rule("LAB-IG-LOW", "lab", WATCH, params={"igg_lln": grams_per_litre("5.65"),
         "igm_lln": grams_per_litre("0.40")}, kind=Kind.LAB),
    rule("LAB-IG-REVIEW", "lab", CONTACT, params={"igg_below_percent": below_percent(20),
         "igm_below_percent": below_percent(10)}, kind=Kind.LAB),
    rule("LAB-CYTO-LOW", "lab", WATCH, params={"neutrophils_lln": per_nanolitre("1.5"),
         "lymphocytes_lln": per_nanolitre("1.0")}, kind=Kind.LAB),
    rule("LAB-HBV-POS", "lab", CONTACT, kind=Kind.LAB),
    rule("LAB-DUE", "lab", WATCH, params={"interval_months": months(6),
         "baseline_months": months(3), "ahead_days": Param(14, 1, 90, "days")}, kind=Kind.LAB),
)  # fmt: skip

DEFAULT_RULES: dict[str, RuleDefinition] = {definition.rule_id: definition for definition in RULES}


def is_infection_rule(rule_id: str) -> bool:
    definition = DEFAULT_RULES.get(rule_id)
    return definition is not None and definition.infection


def params_to_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as stored in the database: Decimals as strings, ints as ints."""
    return {name: str(v) if isinstance(v, Decimal) else v for name, v in params.items()}
