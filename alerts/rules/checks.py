"""The condition of each entry rule, one function per rule, in the table's order.

A check is given the facts of one entry (EntryContext) and its rule's current parameters;
it returns the "why" (the readings, symptoms and thresholds it used) when the condition
holds, else None. Checks do not look at each other's results: where the specification
makes two rules exclusive (the two bands of a vital sign, HZ-PRODROME without a rash),
each check says so in its own condition. Which rule suppresses, escalates or counts as an
infection is not here: it is a property of the rule (alerts/rules/definitions.py), read by
alerts/rules/engine.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from alerts.rules import codes
from alerts.rules.config import RuleSet
from alerts.rules.definitions import DEFAULT_RULES, Kind
from alerts.rules.vaccines import live_vaccines_named, vaccine_plan_is_live
from alerts.rules.values import Entry, EvaluationInput, PriorAlert, Temperature, zone

Why = dict[str, Any]
Params = Mapping[str, Any]
Check = Callable[["EntryContext", Params], Why | None]

CHECKS: dict[str, Check] = {}


def check(rule_id: str) -> Callable[[Check], Check]:
    """Register the function as the condition of the entry rule `rule_id`."""

    def register(function: Check) -> Check:
        definition = DEFAULT_RULES[rule_id]
        assert definition.kind is Kind.ENTRY, f"{rule_id} is not an entry rule"
        assert rule_id not in CHECKS, f"{rule_id} has two checks"
        CHECKS[rule_id] = function
        return function

    return register


# What a check read besides its own parameters and the entry's facts (EntryContext.reads).
PRIOR_ALERTS = "prior alerts"


class EntryContext:
    """Derived facts about one entry, computed once and shared by the checks.

    A check reads another rule's parameters through param() and the earlier alerts through
    prior_alerts, never through `inp` or `rules`: with `reads` set to a list, those two log
    (the check running, what it read: a rule id or PRIOR_ALERTS), which is how the engine
    knows that a check's result under one rule set holds under another
    (engine.evaluate_pair; it sets `running` before each check).
    """

    def __init__(self, inp: EvaluationInput, rules: RuleSet) -> None:
        self.inp = inp
        self.rules = rules
        self.reads: list[tuple[str, str]] | None = None
        self.running = ""
        self.profile = inp.profile
        self.entry = entry = inp.entry
        self.tz = zone(inp.profile.timezone)
        self.day = entry.at.astimezone(self.tz).date()
        self.readings = entry.temperatures
        self.tmax = max((t.value_c for t in entry.temperatures), default=None)
        self.flags = entry.red_flags
        self.infection = grades_of(entry, codes.INFECTION)
        self.previous = inp.history[-1] if inp.history else None
        earlier = [i.at for i in inp.injections if i.at <= entry.at]
        self.last_injection = max(earlier) if earlier else None
        self._hours_since_injection = (
            (entry.at - self.last_injection).total_seconds() / 3600 if earlier else None
        )
        self._daily: dict[date, list[Entry]] | None = None
        # Rules whose episode is a named thing (INJ-DUE-INF: the dose), not a run of days.
        self.episode_keys: dict[str, str] = {}

    def param(self, rule_id: str, name: str) -> Any:
        """Another rule's parameter, where the specification ties two rules together."""
        if self.reads is not None:
            self.reads.append((self.running, rule_id))
        return self.rules.param(rule_id, name)

    @property
    def prior_alerts(self) -> tuple[PriorAlert, ...]:
        """The patient's earlier alerts (those the rule set being evaluated recorded)."""
        if self.reads is not None:
            self.reads.append((self.running, PRIOR_ALERTS))
        return self.inp.prior_alerts

    def under(self, inp: EvaluationInput, rules: RuleSet) -> EntryContext:
        """The same entry's facts for another rule set and its earlier alerts (`inp` must
        differ from this context's only in those two)."""
        # A shallow copy (copy.copy goes through __reduce_ex__, several times slower; the
        # what-if does this once per entry).
        other = object.__new__(EntryContext)
        other.__dict__.update(self.__dict__)
        other.inp, other.rules, other.reads, other.episode_keys = inp, rules, None, {}
        return other

    def grade(self, code: str) -> int:
        return self.entry.symptoms.get(code, 0)

    def hours_since_injection(self, at: datetime | None = None) -> float | None:
        if at is None or at == self.entry.at:
            return self._hours_since_injection
        earlier = [i.at for i in self.inp.injections if i.at <= at]
        return (at - max(earlier)).total_seconds() / 3600 if earlier else None

    def rounded_hours_since_injection(self) -> float | None:
        since = self.hours_since_injection()
        return None if since is None else round(since, 2)

    def within_hours_of_injection(self, hours: int, at: datetime | None = None) -> bool:
        since = self.hours_since_injection(at)
        return since is not None and 0 <= since <= hours

    def fever(self, threshold: Decimal) -> bool:
        """Any reading of this entry at or above `threshold` (°C)."""
        return self.tmax is not None and self.tmax >= threshold

    def at_or_above(self, threshold: Decimal) -> list[Why]:
        return [reading_why(t) for t in self.readings if t.value_c >= threshold]

    def entries_by_day(self) -> dict[date, list[Entry]]:
        """Entries (history and this one) by local day."""
        if self._daily is None:
            days: dict[date, list[Entry]] = {}
            for entry in (*self.inp.history, self.entry):
                days.setdefault(entry.at.astimezone(self.tz).date(), []).append(entry)
            self._daily = days
        return self._daily

    def consecutive_days(self, qualifies: Callable[[list[Entry]], bool]) -> list[date]:
        """The run of consecutive local days ending today on which `qualifies` holds,
        latest first."""
        days = self.entries_by_day()
        chain: list[date] = []
        day = self.day
        while day in days and qualifies(days[day]):
            chain.append(day)
            day -= timedelta(days=1)
        return chain


def grades_of(entry: Entry, codes_: Iterable[str]) -> dict[str, int]:
    """The entry's grades of `codes_` that are present (grade 1 or more)."""
    symptoms = entry.symptoms
    return {code: symptoms[code] for code in codes_ if symptoms.get(code, 0) >= 1}


def reading_why(t: Temperature) -> Why:
    return {
        "value": str(t.value),
        "unit": t.unit,
        "value_c": str(t.value_c),
        "at": t.at.isoformat(),
        "confirmed": t.confirmed,
    }


def as_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# Temperature --------------------------------------------------------------------------


@check("T-LOW-1")
def slightly_raised(ctx: EntryContext, params: Params) -> Why | None:
    matched = [
        reading_why(t) for t in ctx.readings if params["low_c"] <= t.value_c < params["high_c"]
    ]
    if not matched:
        return None
    return {
        "readings": matched,
        "thresholds": {"low_c": str(params["low_c"]), "below_c": str(params["high_c"])},
    }


@check("T-LOW-2D")
def raised_two_days(ctx: EntryContext, params: Params) -> Why | None:
    return daily_maximum_run(
        ctx, params["threshold_c"], params["days"], params["exclude_after_injection_hours"]
    )


@check("T-FEV-1")
def fever(ctx: EntryContext, params: Params) -> Why | None:
    matched = ctx.at_or_above(params["threshold_c"])
    if not matched:
        return None
    return {"readings": matched, "thresholds": {"threshold_c": str(params["threshold_c"])}}


@check("T-FEV-ER-1")
def high_fever_elevated_risk(ctx: EntryContext, params: Params) -> Why | None:
    matched = ctx.at_or_above(params["threshold_c"])
    if not ctx.profile.er or not matched:
        return None
    return {
        "readings": matched,
        "elevated_risk": sorted(ctx.profile.elevated_risk),
        "thresholds": {"threshold_c": str(params["threshold_c"])},
    }


@check("T-FEV-ER-2")
def sustained_fever_elevated_risk(ctx: EntryContext, params: Params) -> Why | None:
    """Two readings ≥ threshold at least the gap apart within the window, none lower in
    between; the later one in this entry (earlier pairs fired before)."""
    if not ctx.profile.er:
        return None
    threshold = params["threshold_c"]
    gap = timedelta(minutes=params["min_gap_minutes"])
    window = timedelta(hours=params["window_hours"])
    series = sorted(
        [t for earlier in ctx.inp.history for t in earlier.temperatures] + list(ctx.readings),
        key=lambda t: t.at,
    )
    current = set(map(id, ctx.readings))
    for j, later in enumerate(series):
        if id(later) not in current or later.value_c < threshold:
            continue
        # Walk back while readings stay at or above the threshold.
        for i in range(j - 1, -1, -1):
            earlier = series[i]
            if earlier.value_c < threshold or later.at - earlier.at > window:
                break
            if later.at - earlier.at >= gap:
                return {
                    "readings": [reading_why(earlier), reading_why(later)],
                    "minutes_apart": round((later.at - earlier.at).total_seconds() / 60),
                    "thresholds": {
                        "threshold_c": str(threshold),
                        "min_gap_minutes": params["min_gap_minutes"],
                        "window_hours": params["window_hours"],
                    },
                }
    return None


@check("T-FEV-3D")
def fever_three_days(ctx: EntryContext, params: Params) -> Why | None:
    return daily_maximum_run(ctx, params["threshold_c"], params["days"])


def daily_maximum_run(
    ctx: EntryContext, threshold: Decimal, days: int, exclude_after_injection_hours: int = 0
) -> Why | None:
    """Daily maximum ≥ threshold on `days` consecutive local days ending today; readings
    within the hours after an injection are not counted."""

    def counted(t: Temperature) -> bool:
        hours = exclude_after_injection_hours
        return not (hours and ctx.within_hours_of_injection(hours, t.at))

    if not any(counted(t) and t.value_c >= threshold for t in ctx.readings):
        # This entry must carry a qualifying reading; otherwise the run fired already.
        return None
    maxima: dict[date, Decimal] = {}

    def qualifies(entries: list[Entry]) -> bool:
        values = [t.value_c for e in entries for t in e.temperatures if counted(t)]
        if not values:
            return False
        day = entries[0].at.astimezone(ctx.tz).date()
        maxima[day] = max(values)
        return maxima[day] >= threshold

    chain = ctx.consecutive_days(qualifies)
    if len(chain) < days:
        return None
    return {
        "daily_max_c": {d.isoformat(): str(maxima[d]) for d in reversed(chain)},
        "thresholds": {"threshold_c": str(threshold), "days": days},
    }


def feels_unwell(ctx: EntryContext) -> bool:
    return ctx.grade("unwell") >= 1 or bool(ctx.infection)


@check("T-HYPO-0")
def low_reading(ctx: EntryContext, params: Params) -> Why | None:
    cold = [reading_why(t) for t in ctx.readings if t.value_c < params["below_c"]]
    if not cold or feels_unwell(ctx):
        return None
    return {"readings": cold, "thresholds": {"below_c": str(params["below_c"])}}


@check("T-HYPO-1")
def low_while_unwell(ctx: EntryContext, params: Params) -> Why | None:
    cold = [reading_why(t) for t in ctx.readings if t.value_c < params["below_c"]]
    if not cold or not feels_unwell(ctx):
        return None
    return {
        "readings": cold,
        "thresholds": {"below_c": str(params["below_c"])},
        "symptoms": {**grades_of(ctx.entry, ["unwell"]), **ctx.infection},
    }


@check("T-HYPO-2")
def confirmed_very_low(ctx: EntryContext, params: Params) -> Why | None:
    """≤ the limit, confirmed: a re-measure tick, or a second such reading in the window."""
    limit = params["at_or_below_c"]
    window = timedelta(minutes=params["confirm_window_minutes"])
    very = [t for t in ctx.readings if t.value_c <= limit]
    if not very:
        return None
    earlier = [t for e in ctx.inp.history for t in e.temperatures if t.value_c <= limit]
    for t in very:
        matches = [
            x for x in earlier + very if x is not t and timedelta(0) <= t.at - x.at <= window
        ]
        if t.confirmed or matches:
            return {
                "readings": [reading_why(x) for x in [*matches, t]],
                "thresholds": {"at_or_below_c": str(limit)},
            }
    return None


# Systemic infection and sepsis --------------------------------------------------------


@check("INF-FLU")
def aches_with_raised_temperature(ctx: EntryContext, params: Params) -> Why | None:
    aches = grades_of(ctx.entry, ["chills", "myalgia"])
    if not aches or min(aches.values()) < params["min_grade"]:
        return None
    matched = ctx.at_or_above(params["threshold_c"])
    if not matched:
        return None
    return {
        "readings": matched,
        "symptoms": aches,
        "thresholds": {"threshold_c": str(params["threshold_c"])},
    }


def red_flags(ctx: EntryContext, flags: frozenset[str]) -> Why | None:
    present = ctx.flags & flags
    return {"red_flags": sorted(present)} if present else None


@check("SEP-RF")
def sepsis_signs(ctx: EntryContext, params: Params) -> Why | None:
    return red_flags(ctx, codes.SEPSIS_FLAGS)


# Vital signs: each moderate band stands aside when its high band's condition holds. -----


def heart_rate_very_fast_confirmed(ctx: EntryContext) -> bool:
    rate = ctx.entry.vitals["heart_rate"]
    return rate.confirmed and rate.value >= ctx.param("VIT-HR-H", "threshold")


@check("VIT-HR-H")
def heart_rate_very_fast(ctx: EntryContext, params: Params) -> Why | None:
    if "heart_rate" not in ctx.entry.vitals or not heart_rate_very_fast_confirmed(ctx):
        return None
    return {"heart_rate": ctx.entry.vitals["heart_rate"].value, "confirmed": True}


@check("VIT-HR-M")
def heart_rate_fast_with_infection(ctx: EntryContext, params: Params) -> Why | None:
    """91–130 with fever or an infection symptom; or ≥131 not yet re-checked (re-check asked)."""
    if "heart_rate" not in ctx.entry.vitals or heart_rate_very_fast_confirmed(ctx):
        return None
    rate = ctx.entry.vitals["heart_rate"]
    very_fast = rate.value >= ctx.param("VIT-HR-H", "threshold")
    moderate = params["low"] <= rate.value <= params["high"]
    if not (very_fast or (moderate and (ctx.fever(params["threshold_c"]) or ctx.infection))):
        return None
    return {
        "heart_rate": rate.value,
        "confirmed": rate.confirmed,
        "temperature_c": as_text(ctx.tmax),
        "symptoms": ctx.infection,
    }


@check("VIT-RR-H")
def breathing_very_fast(ctx: EntryContext, params: Params) -> Why | None:
    if "resp_rate" not in ctx.entry.vitals:
        return None
    rate = ctx.entry.vitals["resp_rate"].value
    return {"resp_rate": rate} if rate >= params["threshold"] else None


@check("VIT-RR-M")
def breathing_fast_with_infection(ctx: EntryContext, params: Params) -> Why | None:
    if "resp_rate" not in ctx.entry.vitals:
        return None
    rate = ctx.entry.vitals["resp_rate"].value
    if rate >= ctx.param("VIT-RR-H", "threshold") or not params["low"] <= rate <= params["high"]:
        return None
    return {"resp_rate": rate, "symptoms": ctx.infection} if ctx.infection else None


def oxygen_low_confirmed(ctx: EntryContext) -> bool:
    spo2 = ctx.entry.vitals["spo2"]
    return spo2.confirmed and spo2.value <= ctx.param("VIT-SPO2-H", "at_or_below")


@check("VIT-SPO2-H")
def oxygen_low(ctx: EntryContext, params: Params) -> Why | None:
    if "spo2" not in ctx.entry.vitals or not oxygen_low_confirmed(ctx):
        return None
    return {"spo2": ctx.entry.vitals["spo2"].value, "confirmed": True}


@check("VIT-SPO2-M")
def oxygen_lower_than_normal(ctx: EntryContext, params: Params) -> Why | None:
    """93–94 on re-check, or ≤94 not yet re-checked."""
    if "spo2" not in ctx.entry.vitals or oxygen_low_confirmed(ctx):
        return None
    spo2 = ctx.entry.vitals["spo2"]
    if spo2.confirmed:
        holds = params["low"] <= spo2.value <= params["high"]
    else:
        holds = spo2.value <= params["unconfirmed_at_or_below"]
    return {"spo2": spo2.value, "confirmed": spo2.confirmed} if holds else None


@check("VIT-SBP-H")
def blood_pressure_very_low(ctx: EntryContext, params: Params) -> Why | None:
    if "systolic_bp" not in ctx.entry.vitals:
        return None
    pressure = ctx.entry.vitals["systolic_bp"].value
    return {"systolic_bp": pressure} if pressure <= params["at_or_below"] else None


@check("VIT-SBP-M")
def blood_pressure_low_with_infection(ctx: EntryContext, params: Params) -> Why | None:
    if "systolic_bp" not in ctx.entry.vitals:
        return None
    pressure = ctx.entry.vitals["systolic_bp"].value
    if (
        pressure <= ctx.param("VIT-SBP-H", "at_or_below")
        or not params["low"] <= pressure <= params["high"]
    ):
        return None
    return {"systolic_bp": pressure, "symptoms": ctx.infection} if ctx.infection else None


@check("VIT-NEWS2")
def early_warning_score(ctx: EntryContext, params: Params) -> Why | None:
    scores = news2_scores(ctx)
    if scores is None:
        return None
    total = sum(scores.values())
    if total < params["aggregate"] and max(scores.values()) < params["single"]:
        return None
    return {
        "score": total,
        "parameters": scores,
        "thresholds": {"aggregate": params["aggregate"], "single": params["single"]},
    }


NEWS2_VITALS = ("resp_rate", "spo2", "systolic_bp", "heart_rate")


def news2_scores(ctx: EntryContext) -> dict[str, int] | None:
    """NEWS2 (scale 1, air) from home readings; None unless every home parameter is present."""
    vitals = ctx.entry.vitals
    if ctx.tmax is None or not all(name in vitals for name in NEWS2_VITALS):
        return None
    rr, spo2, sbp, hr = (vitals[name].value for name in NEWS2_VITALS)
    # A table: the NEWS2 chart's bands, one parameter per line.
    return {
        "resp_rate": 3 if rr <= 8 else 1 if rr <= 11 else 0 if rr <= 20 else 2 if rr <= 24 else 3,
        "spo2": 3 if spo2 <= 91 else 2 if spo2 <= 93 else 1 if spo2 <= 95 else 0,
        "air_or_oxygen": 0,
        "systolic_bp": 3
        if sbp <= 90
        else 2
        if sbp <= 100
        else 1
        if sbp <= 110
        else 0
        if sbp <= 219
        else 3,
        "heart_rate": 3
        if hr <= 40
        else 1
        if hr <= 50
        else 0
        if hr <= 90
        else 1
        if hr <= 110
        else 2
        if hr <= 130
        else 3,
        "consciousness": 3 if ctx.flags & codes.NEWS2_CONFUSION_FLAGS else 0,
        # The most abnormal of the entry's readings: 34.9 °C beside 36.5 °C scores 3.
        "temperature": max(news2_temperature(t.value_c) for t in ctx.readings),
    }


def news2_temperature(celsius: Decimal) -> int:
    if celsius <= Decimal("35.0"):
        return 3
    if celsius <= Decimal("36.0") or Decimal("38.0") < celsius <= Decimal("39.0"):
        return 1
    return 2 if celsius > Decimal("39.0") else 0


# Respiratory --------------------------------------------------------------------------


@check("RESP-URTI")
def cold_like(ctx: EntryContext, params: Params) -> Why | None:
    found = grades_of(ctx.entry, codes.UPPER_RESPIRATORY)
    if not found or max(found.values()) > params["max_grade"] or ctx.fever(params["below_c"]):
        return None
    return {
        "symptoms": found,
        "temperature_c": as_text(ctx.tmax),
        "thresholds": {"max_grade": params["max_grade"], "below_c": str(params["below_c"])},
    }


@check("RESP-COUGH-3D")
def cough_three_days(ctx: EntryContext, params: Params) -> Why | None:
    return symptom_run(ctx, "cough", params["min_grade"], params["days"])


def symptom_run(ctx: EntryContext, code: str, min_grade: int, days: int) -> Why | None:
    """Daily maximum grade of `code` ≥ min_grade on `days` consecutive days ending today."""
    if ctx.grade(code) < min_grade:
        return None
    maxima: dict[date, int] = {}

    def qualifies(entries: list[Entry]) -> bool:
        day = entries[0].at.astimezone(ctx.tz).date()
        maxima[day] = max(e.symptoms.get(code, 0) for e in entries)
        return maxima[day] >= min_grade

    chain = ctx.consecutive_days(qualifies)
    if len(chain) < days:
        return None
    # "symptoms" lets de-duplication see whether a persistent symptom worsened.
    return {
        "daily_max_grade": {d.isoformat(): maxima[d] for d in reversed(chain)},
        "symptom": code,
        "symptoms": {code: ctx.grade(code)},
        "thresholds": {"min_grade": min_grade, "days": days},
    }


@check("RESP-LRTI")
def chest_infection(ctx: EntryContext, params: Params) -> Why | None:
    if ctx.grade("cough") < 1:
        return None
    signs = grades_of(ctx.entry, ["phlegm_coloured", "chest_pain_breathing", "breathless"])
    if not signs and not ctx.fever(params["fever_c"]):
        return None
    return {
        "symptoms": {**grades_of(ctx.entry, ["cough"]), **signs},
        "readings": ctx.at_or_above(params["fever_c"]),
        "thresholds": {"fever_c": str(params["fever_c"])},
    }


@check("RESP-SEV")
def severe_breathing(ctx: EntryContext, params: Params) -> Why | None:
    return red_flags(ctx, codes.RESP_SEVERE_FLAGS)


# Urinary ------------------------------------------------------------------------------


def urinary_symptoms(ctx: EntryContext) -> dict[str, int]:
    """GU-UTI's symptoms at its grade, which GU-UPPER needs too."""
    found = grades_of(ctx.entry, codes.URINARY)
    if found and max(found.values()) >= ctx.param("GU-UTI", "min_grade"):
        return found
    return {}


@check("GU-UTI")
def urine_infection(ctx: EntryContext, params: Params) -> Why | None:
    found = urinary_symptoms(ctx)
    return {"symptoms": found} if found else None


@check("GU-UPPER")
def kidney_infection(ctx: EntryContext, params: Params) -> Why | None:
    found = urinary_symptoms(ctx)
    upper = grades_of(ctx.entry, ["flank_pain", "chills", "vomiting"])
    shivering = ctx.flags & {"extreme_shivering"}
    if not found or not (upper or shivering or ctx.fever(params["fever_c"])):
        return None
    return {
        "symptoms": {**found, **upper},
        "red_flags": sorted(shivering),
        "readings": ctx.at_or_above(params["fever_c"]),
        "thresholds": {"fever_c": str(params["fever_c"])},
    }


# Herpes and shingles ------------------------------------------------------------------


@check("HSV-ORAL")
def cold_sore(ctx: EntryContext, params: Params) -> Why | None:
    if not ctx.grade("cold_sore") or ctx.fever(params["below_c"]):
        return None
    return {"symptoms": {"cold_sore": 1}, "temperature_c": as_text(ctx.tmax)}


@check("HZ-PRODROME")
def early_shingles(ctx: EntryContext, params: Params) -> Why | None:
    rash = grades_of(ctx.entry, ["one_sided_rash", "rash_near_eye"])
    if ctx.grade("one_sided_pain") < params["min_grade"] or rash:
        return None
    return {"symptoms": grades_of(ctx.entry, ["one_sided_pain"])}


@check("HZ-RASH")
def shingles(ctx: EntryContext, params: Params) -> Why | None:
    if not ctx.grade("one_sided_rash"):
        return None
    return {"symptoms": grades_of(ctx.entry, ["one_sided_rash", "one_sided_pain"])}


@check("HZ-EYE")
def shingles_near_eye(ctx: EntryContext, params: Params) -> Why | None:
    if not ctx.grade("rash_near_eye"):
        return None
    return {"symptoms": grades_of(ctx.entry, ["rash_near_eye", "vision_change"])}


# Hepatitis B --------------------------------------------------------------------------


@check("HBV-LIVER")
def liver_problem(ctx: EntryContext, params: Params) -> Why | None:
    """Jaundice (any patient), or in an HBV-risk patient fatigue up by the rise with nausea,
    dark urine or loss of appetite."""
    jaundice = ctx.grade("jaundice") >= 1
    before = ctx.previous.symptoms.get("fatigue", 0) if ctx.previous else 0
    fatigue_rise = ctx.grade("fatigue") - before
    liver = grades_of(ctx.entry, ["nausea", "dark_urine", "appetite_loss"])
    risk = ctx.profile.hbv_risk and fatigue_rise >= params["fatigue_rise"] and liver
    if not (jaundice or risk):
        return None
    return {
        "symptoms": {**grades_of(ctx.entry, ["jaundice", "fatigue"]), **liver},
        "fatigue_rise": fatigue_rise,
        "hbv_risk": ctx.profile.hbv_risk,
    }


@check("HBV-SEV")
def liver_severe(ctx: EntryContext, params: Params) -> Why | None:
    if ctx.grade("jaundice") < 1:
        return None
    severe = set(ctx.flags & codes.HBV_SEVERE_FLAGS)
    if ctx.grade("confusion_memory") >= 1:
        severe.add("confusion_memory")
    return {"symptoms": {"jaundice": 1}, "with": sorted(severe)} if severe else None


# Neurological -------------------------------------------------------------------------


def neuro_symptoms(ctx: EntryContext) -> dict[str, int]:
    """NEURO-NEW's symptoms at its grade, which NEURO-PROG follows."""
    min_grade = ctx.param("NEURO-NEW", "min_grade")
    return {c: g for c, g in ctx.entry.symptoms.items() if c in codes.NEURO and g >= min_grade}


@check("NEURO-NEW")
def new_nerve_symptoms(ctx: EntryContext, params: Params) -> Why | None:
    found = neuro_symptoms(ctx)
    return {"symptoms": found} if found else None


@check("NEURO-PROG")
def nerve_symptoms_changing(ctx: EntryContext, params: Params) -> Why | None:
    """Within an open neuro episode, a neuro grade rose or a new one appeared."""
    found = neuro_symptoms(ctx)
    if not found or ctx.previous is None:
        return None
    window = timedelta(days=params["episode_days"])
    open_episode = any(
        a.rule_id in ("NEURO-NEW", "NEURO-PROG") and timedelta(0) <= ctx.entry.at - a.at <= window
        for a in ctx.prior_alerts
    )
    if not open_episode:
        return None
    before = ctx.previous.symptoms
    changed = {
        code: {"from": before.get(code, 0), "to": grade}
        for code, grade in found.items()
        if grade > before.get(code, 0)
    }
    return {"symptoms": changed, "flag": "progressive neurological change"} if changed else None


@check("NEURO-ACUTE")
def sudden_nerve_symptoms(ctx: EntryContext, params: Params) -> Why | None:
    return red_flags(ctx, codes.NEURO_ACUTE_FLAGS)


@check("NEURO-FEVER")
def ms_worse_with_infection(ctx: EntryContext, params: Params) -> Why | None:
    if ctx.grade("ms_worse") < params["min_grade"]:
        return None
    if not (ctx.fever(params["threshold_c"]) or ctx.infection):
        return None
    return {
        "symptoms": {"ms_worse": ctx.grade("ms_worse"), **ctx.infection},
        "readings": ctx.at_or_above(params["threshold_c"]),
        "thresholds": {"threshold_c": str(params["threshold_c"])},
    }


# Injection-related --------------------------------------------------------------------


@check("INJ-IRR-24")
def likely_injection_reaction(ctx: EntryContext, params: Params) -> Why | None:
    """Within the window: reaction symptoms at most max_grade and/or a slightly raised
    reading; no fever, no localising infection symptom, no sepsis sign."""
    since = ctx.hours_since_injection()
    if since is None or since > params["window_hours"]:
        return None
    reaction = grades_of(ctx.entry, codes.REACTION)
    raised = [t for t in ctx.readings if params["low_c"] <= t.value_c < params["high_c"]]
    mild = all(grade <= params["max_grade"] for grade in reaction.values())
    localising = bool(grades_of(ctx.entry, codes.LOCALISING))
    if not (reaction or raised) or not mild or ctx.fever(params["high_c"]) or localising:
        return None
    if ctx.flags & codes.SEPSIS_FLAGS:
        return None
    return {
        "symptoms": reaction,
        "readings": [reading_why(t) for t in raised],
        "hours_since_injection": round(since, 2),
    }


@check("INJ-FEV")
def fever_after_injection(ctx: EntryContext, params: Params) -> Why | None:
    since = ctx.hours_since_injection()
    if since is None or since > params["window_hours"] or not ctx.fever(params["threshold_c"]):
        return None
    return {
        "readings": ctx.at_or_above(params["threshold_c"]),
        "hours_since_injection": round(since, 2),
    }


@check("INJ-PERSIST-48")
def reaction_lasting(ctx: EntryContext, params: Params) -> Why | None:
    """A reaction recorded for the latest injection (INJ-IRR-24 within its window) still
    there after 48 h and up to 7 days."""
    injection = ctx.last_injection
    if injection is None:
        return None
    age = ctx.entry.at - injection
    if not timedelta(hours=params["after_hours"]) < age <= timedelta(days=params["until_days"]):
        return None
    window = timedelta(hours=ctx.param("INJ-IRR-24", "window_hours"))
    reacted = any(
        a.rule_id == "INJ-IRR-24" and timedelta(0) <= a.at - injection <= window
        for a in ctx.prior_alerts
    )
    if not reacted:
        return None
    lasting = {
        c: g for c, g in grades_of(ctx.entry, codes.REACTION).items() if g >= params["min_grade"]
    }
    if not lasting and not ctx.fever(params["threshold_c"]):
        return None
    return {
        "symptoms": lasting,
        "temperature_c": as_text(ctx.tmax),
        "hours_since_injection": round(age.total_seconds() / 3600, 2),
    }


@check("INJ-ANAPH")
def allergic_reaction(ctx: EntryContext, params: Params) -> Why | None:
    why = red_flags(ctx, codes.ANAPHYLAXIS_FLAGS)
    return (
        None
        if why is None
        else {**why, "hours_since_injection": ctx.rounded_hours_since_injection()}
    )


@check("INJ-SITE")
def site_reaction(ctx: EntryContext, params: Params) -> Why | None:
    if ctx.grade("site_reaction") < params["min_grade"]:
        return None
    return {"symptoms": grades_of(ctx.entry, ["site_reaction"])}


@check("INJ-SITE-INF")
def site_infection(ctx: EntryContext, params: Params) -> Why | None:
    """Spreading redness, warmth or pus; or a site reaction with fever beyond the window."""
    late = not ctx.within_hours_of_injection(params["window_hours"])
    late_fever = ctx.grade("site_reaction") and late and ctx.fever(params["fever_c"])
    if not (ctx.grade("site_spreading") or late_fever):
        return None
    return {
        "symptoms": grades_of(ctx.entry, ["site_spreading", "site_reaction"]),
        "readings": ctx.at_or_above(params["fever_c"]),
        "hours_since_injection": ctx.rounded_hours_since_injection(),
    }


@check("VAC-LIVE")
def live_vaccine_planned(ctx: EntryContext, params: Params) -> Why | None:
    plan, ticked = ctx.entry.planned_vaccine, ctx.entry.planned_vaccine_live
    if not vaccine_plan_is_live(plan, ticked):
        return None
    return {"plan": plan, "ticked_live": ticked, "vaccines": live_vaccines_named(plan)}


# Symptom grades -----------------------------------------------------------------------


def graded_symptoms(ctx: EntryContext) -> dict[str, int]:
    return {c: g for c, g in ctx.entry.symptoms.items() if c not in codes.PRESENT_OR_ABSENT}


@check("PRO-SEV")
def severe_symptom(ctx: EntryContext, params: Params) -> Why | None:
    severe = {c: g for c, g in graded_symptoms(ctx).items() if g >= params["min_grade"]}
    return (
        {"symptoms": severe, "thresholds": {"min_grade": params["min_grade"]}} if severe else None
    )


@check("PRO-WORSEN-2")
def symptom_clearly_worse(ctx: EntryContext, params: Params) -> Why | None:
    # "Since the previous entry": the first entry is the baseline, nothing to compare.
    if ctx.previous is None:
        return None
    before = ctx.previous.symptoms
    worse = {
        code: {"from": before.get(code, 0), "to": grade}
        for code, grade in graded_symptoms(ctx).items()
        if grade - before.get(code, 0) >= params["rise"]
    }
    if not worse:
        return None
    return {
        "symptoms": worse,
        "previous_entry": ctx.previous.at.isoformat(),
        "thresholds": {"rise": params["rise"]},
    }


_UNCHECKED = {r for r, d in DEFAULT_RULES.items() if d.kind is Kind.ENTRY} - set(CHECKS)
assert not _UNCHECKED, f"entry rules without a check: {sorted(_UNCHECKED)}"
