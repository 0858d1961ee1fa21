"""The pure alert evaluator: docs/clinical-rules.md §2–3 as code over plain values.

No ORM, no clock, no I/O. The web request calls `evaluate` to show the prompt at once,
the Celery task calls it to record alerts, `replay_scenario` calls it through the real
models, and `evaluate_sweep` runs the periodic rules as of a given instant.

Every number a rule uses is a parameter in DEFAULT_RULES; the database holds the
current values (AlertRule rows) and passes them back as RuleConfig objects. Where the
specification is ambiguous the safer reading is taken; each is listed in
docs/clinical-safety.md ("Ambiguities") with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from patients import dosing
from symptoms.readings import to_celsius

# Levels ------------------------------------------------------------------------------

class Level(StrEnum):
    """The levels of A.0, lowest first: the one definition (alerts.models.Level adds the words
    people read)."""

    NONE = "NONE"
    WATCH = "WATCH"
    CONTACT = "CONTACT"
    URGENT = "URGENT"


NONE, WATCH, CONTACT, URGENT = Level.NONE, Level.WATCH, Level.CONTACT, Level.URGENT
LEVELS = tuple(Level)
RANK = {level: rank for rank, level in enumerate(LEVELS)}
# A team alert is a CONTACT or URGENT one.
TEAM_LEVELS = frozenset({CONTACT, URGENT})
PROMPT_KEYS = {
    NONE: "thank_you",
    WATCH: "keep_monitoring",
    CONTACT: "contact_today",
    URGENT: "seek_now",
}


def level_max(levels: Iterable[str]) -> str:
    best = NONE
    for level in levels:
        if RANK[level] > RANK[best]:
            best = level
    return best


# Symptom groups (clinical-rules.md §1) ------------------------------------------------

INF = frozenset(
    {
        "chills", "myalgia", "runny_nose", "sore_throat", "sneezing", "cough",
        "phlegm_coloured", "chest_pain_breathing", "breathless", "dysuria",
        "urinary_frequency", "urine_cloudy_bloody", "cold_sore", "one_sided_rash",
        "rash_near_eye", "site_spreading",
    }
)  # fmt: skip
LOC = frozenset(
    {
        "phlegm_coloured", "dysuria", "urinary_frequency", "urine_cloudy_bloody",
        "one_sided_rash", "rash_near_eye", "site_spreading",
    }
)  # fmt: skip
IRR = frozenset({"chills", "myalgia", "headache", "fatigue"})
NEURO = frozenset(
    {
        "weakness_one_side", "clumsiness", "vision_change", "confusion_memory",
        "personality_change", "speech_difficulty",
    }
)  # fmt: skip
URTI = ("runny_nose", "sore_throat", "sneezing", "cough")
UTI = ("dysuria", "urinary_frequency", "urine_cloudy_bloody")
FLAG_CODES = frozenset(
    {
        "phlegm_coloured", "urine_cloudy_bloody", "cold_sore", "one_sided_rash",
        "rash_near_eye", "site_spreading", "jaundice", "dark_urine",
    }
)  # fmt: skip
SEPSIS_FLAGS = frozenset(
    {
        "slurred_speech_confusion", "extreme_shivering", "no_urine", "severe_breathless",
        "might_die", "mottled_skin", "non_blanching_rash",
    }
)  # fmt: skip
RESP_SEVERE_FLAGS = frozenset({"severe_breathless", "mottled_skin", "slurred_speech_confusion"})
ANAPHYLAXIS_FLAGS = frozenset({"face_swelling", "wheeze", "widespread_hives", "fainting"})
NEURO_ACUTE_FLAGS = frozenset({"sudden_face_arm_speech", "seizure", "hard_to_wake"})
HBV_SEVERE_FLAGS = frozenset({"hard_to_wake", "vomiting_blood", "abdomen_swelling",
                              "slurred_speech_confusion"})  # fmt: skip
# NEWS2 "new confusion" (C of ACVPU) from the red-flag checklist.
NEWS2_CONFUSION_FLAGS = frozenset({"slurred_speech_confusion", "hard_to_wake"})

# Rules whose CONTACT/URGENT firing counts as "an infection rule" for INJ-DUE-INF.
INFECTION_RULES = frozenset(
    {
        "T-LOW-1", "T-LOW-2D", "T-FEV-1", "T-FEV-ER-1", "T-FEV-ER-2", "T-FEV-3D", "T-HYPO-1",
        "T-HYPO-2", "INF-FLU", "SEP-RF", "VIT-HR-M", "VIT-RR-M", "VIT-SBP-M", "VIT-NEWS2",
        "RESP-URTI", "RESP-COUGH-3D", "RESP-LRTI", "RESP-SEV", "GU-UTI", "GU-UPPER",
        "HSV-ORAL", "HZ-PRODROME", "HZ-RASH", "HZ-EYE", "INJ-FEV", "INJ-PERSIST-48",
        "INJ-SITE-INF", "NEURO-FEVER",
    }
)  # fmt: skip
# INJ-IRR-24 never suppresses these families (A.0 "Precedence and suppression").
NEVER_SUPPRESSED_PREFIXES = ("T-FEV-", "SEP-RF", "INJ-ANAPH", "RESP-SEV", "NEURO-", "GU-",
                             "HZ-", "HBV-", "VIT-", "PRO-SEV")  # fmt: skip
# A persistent unchanged symptom re-notifies only when it worsens or after 7 days (A.0).
PERSISTENT_RULES = frozenset(
    {"NEURO-NEW", "PRO-SEV", "GU-UTI", "HZ-RASH", "HBV-LIVER", "INJ-SITE-INF", "VAC-LIVE",
     "RESP-COUGH-3D"}
)  # fmt: skip
# Each worsening is the re-notify trigger itself (clinical-rules.md: "re-notify").
NEVER_DEDUPLICATED = frozenset({"NEURO-PROG"})
RISK_ESC_TARGETS = ("RESP-URTI", "HSV-ORAL", "T-LOW-1", "HZ-PRODROME")
PERIODIC_RULES = ("DIARY-GAP-2", "DIARY-GAP-3", "DIARY-FOLLOWUP", "INJ-MISSED")

# The evaluator is given this many days of history (entries and alerts) before an entry:
# every window a rule or the engine uses must fit in it (alerts.rules_admin, EngineSettings).
HISTORY_DAYS = 14


@dataclass(frozen=True, slots=True)
class EngineWindows:
    """The de-duplication windows of A.0, as the administrator last saved them
    (alerts.models.EngineSettings); these defaults are the specification's."""

    # No re-notification for the same rule and episode within this, unless the level rises.
    dedup: timedelta = timedelta(hours=24)
    # A persistent unchanged symptom re-notifies only when it worsens or after this.
    persistent: timedelta = timedelta(days=7)
    # A rule firing again within this continues its episode (unless the team resolved it).
    episode_gap: timedelta = timedelta(days=7)

    def snapshot(self) -> dict[str, int]:
        """As kept with every alert, next to the rule's own parameters."""
        return {
            "dedup_hours": int(self.dedup.total_seconds() // 3600),
            "persistent_days": self.persistent.days,
            "episode_gap_days": self.episode_gap.days,
        }


DEFAULT_WINDOWS = EngineWindows()


# Named live or live-attenuated vaccines (clinical-rules.md VAC-LIVE, [K5][K28]), matched as
# whole words from their start (brand variants such as MMRV, MMRvaxPro, LAIV4 included).
# A plan the patient did not tick as live counts as live when its text names one of these,
# or speaks of a live vaccine ("live vaccine", "MMR (live)", "it's live") without a
# negation ("non-live", "not live", "no live"), or is unsure whether it is live.
LIVE_VACCINES = {
    "yellow fever": r"yellow[\s-]*fever|stamaril|yf",
    "MMR": r"m[.\s-]?m[.\s-]?r\w*|priorix\w*|proquad|measles|mumps|rubella",
    "chickenpox (varicella)": r"varicella|chicken[\s-]*pox|varivax|varilrix",
    "shingles (Zostavax)": r"zostavax",
    "BCG": r"b\.?c\.?g|tb[\s-]*(?:vaccines?|vaccination|jabs?)|tuberculosis[\s-]*(?:vaccines?|jabs?)",
    "oral polio": r"oral[\s-]*polio|opv|polio[\s-]*drops|sabin",
    "oral typhoid": r"oral[\s-]*typhoid|typhoid[\s-]*(?:capsules?|tablets?|pills?)|vivotif|ty21a",
    "oral cholera (Vaxchora)": r"vaxchora",
    "nasal flu": (r"(?:intra)?nasal[\s-]*(?:spray[\s-]*)?(?:flu|influenza)"
                  r"|flu[\s-]*nasal|fluenz\w*|flumist|laiv\w*"),
    "rotavirus": r"rotavirus|rotarix|rotateq",
    "dengue": r"dengue|dengvaxia|qdenga",
    "Japanese encephalitis (Imojev)": r"imojev",
    "chikungunya (Ixchiq)": r"ixchiq",
    "smallpox": r"smallpox|acam2000",
    "Ebola (Ervebo)": r"ervebo",
}  # fmt: skip
_LIVE_NAMES = [
    (name, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE))
    for name, pattern in LIVE_VACCINES.items()
]
_LIVE = re.compile(r"\blive\b", re.IGNORECASE)
# "live" about a vaccine: "live vaccine", "live-attenuated", "(live)", "it's live".
_LIVE_ABOUT_A_VACCINE = re.compile(
    r"\s*[\s-]*(?:attenuated|vaccines?|vaccinations?|jabs?|injections?|virus|version|one|type"
    r"|strain)\b|\s*(?:[).,;:!?]|$)",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"(?:\bnon[\s-]?|\bnot(?:\s+an?)?\s+|\bno\s+)$", re.IGNORECASE)
_UNSURE = re.compile(r"\?|not\s+sure|unsure|don'?t\s+know|dunno|maybe|check", re.IGNORECASE)


def live_vaccines_named(text: str) -> list[str]:
    """The live vaccines a free-text plan names; "live vaccine" when it only says so, or
    "maybe live" when it is unsure (the team checks)."""
    named = [name for name, pattern in _LIVE_NAMES if pattern.search(text)]
    if named:
        return named
    lives = list(_LIVE.finditer(text))
    if lives and _UNSURE.search(text):
        return ["maybe live"]
    for match in lives:
        negated = _NEGATED.search(text[: match.start()])
        if not negated and _LIVE_ABOUT_A_VACCINE.match(text, match.end()):
            return ["live vaccine"]
    return []


def vaccine_plan_is_live(text: str, ticked: bool) -> bool:
    """VAC-LIVE's input: the patient's tick is the primary answer; unticked, the text decides."""
    return ticked or bool(live_vaccines_named(text))


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Rule definitions ---------------------------------------------------------------------


def _d(value: str) -> Decimal:
    return Decimal(value)


@dataclass(frozen=True)
class RuleDefinition:
    rule_id: str
    family: str
    title: str
    level: str
    params: Mapping[str, Any]
    patient_message: str
    clinician_summary: str
    rationale: str
    remeasure_minutes: int | None = None


SAFETY = ""  # The safety-net sentences are added by the prompt template, not per rule.


def _rule(
    rule_id: str,
    family: str,
    title: str,
    level: str,
    params: Mapping[str, Any],
    message: str,
    summary: str,
    rationale: str,
    remeasure: int | None = None,
) -> RuleDefinition:
    return RuleDefinition(rule_id, family, title, level, dict(params), message, summary,
                          rationale, remeasure)  # fmt: skip


_RULES = [
    # Temperature
    _rule("T-LOW-1", "temperature", "Slightly raised temperature", WATCH,
          {"low_c": _d("37.5"), "high_c": _d("38.0")},
          "Your temperature is slightly raised. Rest, drink fluids and measure again in 1 hour. "
          "If it reaches 38.0 °C (100.4 °F) or you feel unwell, contact your team.",
          "Reading 37.5–37.9 °C.", "A: UK acute-oncology 37.5 °C advice [F6][F7][F9].", 60),
    _rule("T-LOW-2D", "temperature", "Raised temperature two days running", CONTACT,
          {"threshold_c": _d("37.5"), "days": 2, "exclude_after_injection_hours": 24},
          "Your temperature has been raised two days running. This may mean an infection. "
          "Contact your MS team today.",
          "Daily maximum ≥37.5 °C on consecutive days (readings within 24 h of an injection "
          "not counted).", "D, grounded in [F6][F10]."),
    _rule("T-FEV-1", "temperature", "Fever", CONTACT, {"threshold_c": _d("38.0")},
          "You have a fever. Kesimpta affects your immune system, so contact your MS team "
          "today. Measure again in 1 hour.",
          "Reading ≥38.0 °C.", "S/A: Kesimpta 'tell your HCP right away' [K7]; 38.0 °C [F1][F10].",
          60),
    _rule("T-FEV-ER-1", "temperature", "High fever with other risk factors", URGENT,
          {"threshold_c": _d("38.3")},
          "A fever this high, with your other risk factors, needs checking quickly. Call your "
          "team's urgent line now. If you cannot reach them, go to the Emergency Department.",
          "Elevated-risk patient, single reading ≥38.3 °C.", "A: IDSA neutropenic fever [F2][F3]."),
    _rule("T-FEV-ER-2", "temperature", "Fever that lasts, with other risk factors", URGENT,
          {"threshold_c": _d("38.0"), "min_gap_minutes": 60, "window_hours": 24},
          "Your fever has lasted, and you have other risk factors. Call your team's urgent line "
          "now. If you cannot reach them, go to the Emergency Department.",
          "Elevated-risk patient, ≥2 readings ≥38.0 °C at least 60 min apart within 24 h with no "
          "lower reading in between.", "A: IDSA sustained fever [F2][F3][F4]."),
    _rule("T-FEV-3D", "temperature", "Fever three days running", CONTACT,
          {"threshold_c": _d("38.0"), "days": 3},
          "Your fever is continuing. Contact your team today, even if you spoke to them before.",
          "Persistent fever: daily maximum ≥38.0 °C on consecutive days.",
          "D, grounded in [F10][F12]."),
    _rule("T-HYPO-0", "temperature", "Low temperature reading", WATCH, {"below_c": _d("36.0")},
          "Your temperature reading is low. Check how you used the thermometer and measure "
          "again. If you feel unwell, contact your team.",
          "Reading <36.0 °C without feeling unwell or infection symptoms.", "D, grounded in [F10].",
          60),
    _rule("T-HYPO-1", "temperature", "Low temperature while unwell", CONTACT,
          {"below_c": _d("36.0")},
          "A low temperature while you feel unwell can be a sign of infection. Measure again and "
          "contact your team today. Call the emergency number if you have any warning sign.",
          "Reading <36.0 °C with feeling unwell or an infection symptom.", "A: [F6][N6][N8].", 60),
    _rule("T-HYPO-2", "temperature", "Very low temperature", URGENT,
          {"at_or_below_c": _d("35.0"), "confirm_window_minutes": 60},
          "Your body temperature is very low. Get medical help now: call the emergency number.",
          "Reading ≤35.0 °C confirmed on re-measure.", "A: NEWS2 [N1], [F9]."),
    # Systemic infection and sepsis
    _rule("INF-FLU", "infection", "Chills or aches with a raised temperature", CONTACT,
          {"threshold_c": _d("37.5"), "min_grade": 1},
          "Chills or body aches with a raised temperature can mean an infection. Contact your "
          "team today.", "Chills/shivering or body aches with a reading ≥37.5 °C.",
          "S: symptoms listed in Kesimpta safety information [K7]; threshold A."),
    _rule("SEP-RF", "sepsis", "Possible sepsis signs", URGENT, {},
          "These can be signs of sepsis. Call the emergency number now and say that you take an "
          "MS medicine that weakens the immune system.",
          "Sepsis red flag ticked.", "S: UK Sepsis Trust / NICE [N8][N7][N9]."),
    # Vital signs
    _rule("VIT-HR-H", "vitals", "Very fast heart rate", URGENT, {"threshold": 131},
          "Your heart rate is very fast. Get help now.",
          "Heart rate ≥131/min at rest, re-checked.", "S: NEWS2 / NICE high risk [N1][N7]."),
    _rule("VIT-HR-M", "vitals", "Fast heart rate with fever or infection", CONTACT,
          {"low": 91, "high": 130, "threshold_c": _d("37.5")},
          "Your heart rate is fast and you may have an infection. Contact your team today.",
          "Heart rate 91–130/min (or ≥131 not yet re-checked) with temperature ≥37.5 °C or an "
          "infection symptom.", "S/A: [N6][N1]."),
    _rule("VIT-RR-H", "vitals", "Very fast breathing", URGENT, {"threshold": 25},
          "You are breathing very fast. Get help now: call the emergency number.",
          "Respiratory rate ≥25/min.", "S: [N1][N7]."),
    _rule("VIT-RR-M", "vitals", "Fast breathing with infection symptoms", CONTACT,
          {"low": 21, "high": 24},
          "You are breathing faster than usual and have infection symptoms. Contact your team "
          "today.", "Respiratory rate 21–24/min with an infection symptom.", "S/A: [N6][N1]."),
    _rule("VIT-SPO2-H", "vitals", "Low oxygen level", URGENT, {"at_or_below": 92},
          "Your oxygen level is low. Go to A&E or call the emergency number now.",
          "SpO2 ≤92% on re-check.", "S: NHS pulse-oximetry advice [N10]."),
    _rule("VIT-SPO2-M", "vitals", "Oxygen level lower than normal", CONTACT,
          {"low": 93, "high": 94, "unconfirmed_at_or_below": 94},
          "Your oxygen level is lower than it should be. Check it again now. Call your team, "
          "GP or 111 today.",
          "SpO2 93–94% on re-check, or ≤94% not yet re-checked.", "S: [N10].", 60),
    _rule("VIT-SBP-H", "vitals", "Very low blood pressure", URGENT, {"at_or_below": 90},
          "Your blood pressure is very low. Get help now: call the emergency number.",
          "Systolic BP ≤90 mmHg.", "S: [N1][N7]."),
    _rule("VIT-SBP-M", "vitals", "Low blood pressure with infection symptoms", CONTACT,
          {"low": 91, "high": 100},
          "Your blood pressure is low and you have infection symptoms. Contact your team today.",
          "Systolic BP 91–100 mmHg with an infection symptom.", "S/A: [N6]."),
    _rule("VIT-NEWS2", "vitals", "High early-warning score", URGENT,
          {"aggregate": 5, "single": 3},
          "Your measurements together suggest you need to be checked urgently. Call the "
          "emergency number or your team's urgent line now.",
          "NEWS2 aggregate ≥5 or any single parameter scoring 3 (all home parameters present).",
          "A: NEWS2 [N2][N4] (hospital score applied to home readings)."),
    # Respiratory
    _rule("RESP-URTI", "respiratory", "Cold-like symptoms", WATCH,
          {"max_grade": 2, "below_c": _d("37.5")},
          "Cold-like symptoms are common on Kesimpta. Rest, drink fluids and look after "
          "yourself. Your team asks to know about infections, so this is shared with them. "
          "Contact them if it gets worse, lasts, or you get a fever.",
          "Runny nose, sore throat, sneezing or mild cough, all ≤ moderate, temperature <37.5 °C.",
          "S: [K4][K6][I6]; level D (team digest)."),
    _rule("RESP-COUGH-3D", "respiratory", "Cough for three days", CONTACT,
          {"min_grade": 1, "days": 3},
          "A cough that lasts several days needs checking because your immune system is "
          "affected. Contact your team today.",
          "Cough on consecutive days.", "D, grounded in [I6]."),
    _rule("RESP-LRTI", "respiratory", "Possible chest infection", CONTACT,
          {"fever_c": _d("38.0")},
          "This could be a chest infection. Contact your team today.",
          "Cough with fever ≥38.0 °C, coloured phlegm, chest pain on breathing or breathlessness.",
          "S: [I5]."),
    _rule("RESP-SEV", "respiratory", "Severe breathing problem", URGENT, {},
          "Call the emergency number now.",
          "Struggling to breathe, blue/pale/blotchy skin or lips, or sudden confusion.",
          "S: [I5][N8]."),
    # Urinary
    _rule("GU-UTI", "urinary", "Possible urine infection", CONTACT, {"min_grade": 1},
          "These can be signs of a urine infection. Contact your team or GP today; you may need "
          "a urine test.", "Dysuria, frequency/urgency or cloudy/bloody urine.",
          "S: [K7][K4][I1]."),
    _rule("GU-UPPER", "urinary", "Possible kidney infection", CONTACT, {"fever_c": _d("38.0")},
          "This could be a kidney infection. Speak to your team or GP urgently today. Call the "
          "emergency number if you have any sepsis sign.",
          "Urinary symptoms with fever ≥38.0 °C, flank pain, shivering or vomiting (priority).",
          "S: [I1][I3]."),
    # Herpes and shingles
    _rule("HSV-ORAL", "herpes", "Cold sore", WATCH, {"below_c": _d("37.5")},
          "Cold sores can happen on Kesimpta. Keep the area clean. Tell your team if it spreads "
          "or does not heal.", "Cold sore, temperature <37.5 °C.", "S: [K10][K16]; level D."),
    _rule("HZ-PRODROME", "herpes", "Possible early shingles", WATCH, {"min_grade": 1},
          "Watch the area. If a rash or blisters appear, contact your team the same day.",
          "One-sided burning, tingling or pain, no rash.", "S: [I4]."),
    _rule("HZ-RASH", "herpes", "Possible shingles", CONTACT, {},
          "This could be shingles. Contact your team or GP today: treatment works best if it "
          "starts within 3 days of the rash.", "One-sided band or cluster rash.", "S: [I4]."),
    _rule("HZ-EYE", "herpes", "Shingles near the eye", URGENT, {},
          "A rash like this near the eye can affect your sight. Get urgent help now.",
          "Shingles-type rash near the eye, or eye symptoms with the rash.",
          "S: [I4] (sight risk); level D (unconfirmed)."),
    # Hepatitis B
    _rule("HBV-LIVER", "liver", "Possible liver problem", CONTACT, {"fatigue_rise": 2},
          "Tell your MS team today about yellowing of your skin or eyes, or tiredness that is "
          "getting worse.",
          "Jaundice (any patient), or in an HBV-risk patient fatigue up ≥2 grades with nausea, "
          "dark urine or loss of appetite.", "S: [K7][I8]; dark urine unconfirmed."),
    _rule("HBV-SEV", "liver", "Severe liver warning signs", URGENT, {},
          "Get medical help now: call the emergency number.",
          "Jaundice with confusion or drowsiness, vomiting blood, or a swelling tummy.",
          "D (unconfirmed)."),
    # Neurological
    _rule("NEURO-NEW", "neuro", "New or worse nerve symptoms", CONTACT, {"min_grade": 1},
          "New or worsening nerve symptoms must be checked by your MS team. Contact them today, "
          "even if you think it is a relapse.",
          "New or worse one-sided weakness, clumsiness, vision, thinking, personality or speech.",
          "S: [K12][K26][K6] (PML warning)."),
    _rule("NEURO-PROG", "neuro", "Nerve symptoms changing", CONTACT, {"episode_days": 14},
          "Your symptoms are changing. Contact your team today.",
          "Progressive neurological change: a neuro symptom rose or a new one was added within "
          "an open episode.", "S/D: PML progresses over days to weeks [K6]."),
    _rule("NEURO-ACUTE", "neuro", "Sudden nerve symptoms", URGENT, {},
          "Call the emergency number now.",
          "Sudden face droop, arm weakness or speech difficulty; seizure; hard to wake.",
          "D (unconfirmed)."),
    _rule("NEURO-FEVER", "neuro", "MS symptoms worse with fever or infection", CONTACT,
          {"threshold_c": _d("37.5"), "min_grade": 1},
          "Fever or infection can make MS symptoms worse for a while, but the infection needs "
          "treating. Contact your team today.",
          "Usual MS symptoms worse with temperature ≥37.5 °C or infection symptoms.",
          "S: pseudo-relapse [I9][I10]."),
    # Injection-related
    _rule("INJ-IRR-24", "injection", "Likely injection reaction", WATCH,
          {"window_hours": 24, "max_grade": 2, "low_c": _d("37.5"), "high_c": _d("38.0")},
          "Reactions like this are common after Kesimpta, especially the first injection. They "
          "are usually mild and settle within about a day. Use the symptom relief your team "
          "advised. If your temperature reaches 38.0 °C, or you are not better after 48 hours, "
          "contact your team. Please mention it next time you speak to them.",
          "Within 24 h of an injection: headache, aches, chills or tiredness (≤ moderate) and/or "
          "37.5–37.9 °C, no sepsis sign, no localising infection symptom.",
          "S: [K3][K9][K11][K12]."),
    _rule("INJ-FEV", "injection", "Fever after an injection", CONTACT,
          {"window_hours": 24, "threshold_c": _d("38.0")},
          "This may be a reaction to your injection, but fever can also mean infection. Contact "
          "your team today.", "Reading ≥38.0 °C within 24 h of an injection.", "S/A: [K3][K7]."),
    _rule("INJ-PERSIST-48", "injection", "Reaction lasting over 48 hours", CONTACT,
          {"after_hours": 48, "until_days": 7, "min_grade": 2, "threshold_c": _d("37.5")},
          "Symptoms that last more than two days are less likely to be a simple injection "
          "reaction. Contact your team today.",
          "After an injection reaction: reaction-type symptom ≥ moderate or ≥37.5 °C between "
          "48 h and 7 days after the injection.", "D, grounded in [K3]."),
    _rule("INJ-ANAPH", "injection", "Possible allergic reaction", URGENT, {},
          "This could be a serious allergic reaction. Call the emergency number now.",
          "Face/lip/tongue/throat swelling, wheeze, widespread hives or fainting.",
          "S: [K13][K8]."),
    _rule("INJ-SITE", "injection", "Injection-site reaction", WATCH, {"min_grade": 1},
          "Redness, pain, itch or swelling where you injected is common and usually mild. It "
          "should settle in a few days.", "Local injection-site reaction.", "S: [K3]."),
    _rule("INJ-SITE-INF", "injection", "Possible skin infection at the injection site", CONTACT,
          {"fever_c": _d("38.0"), "window_hours": 24},
          "This could be a skin infection where you injected. Contact your team today.",
          "Spreading redness, warmth or pus, or a site reaction with ≥38.0 °C beyond 24 h.",
          "D/A: [N6]."),
    _rule("INJ-DUE-INF", "injection", "Check before your next injection", CONTACT,
          {"due_within_hours": 48, "lookback_days": 7},
          "Check with your team before your next injection. It may need to wait until an "
          "infection has cleared.",
          "Next dose due within 48 h and an infection alert (CONTACT/URGENT) in the last 7 days.",
          "S: delay in active infection [K4]."),
    _rule("INJ-MISSED", "injection", "Missed injection", WATCH, {"grace_days": 1},
          "It looks like you have missed an injection. Inject as soon as you can; do not wait "
          "for the next dose. Tell your team, who will confirm your schedule.",
          "Scheduled dose not logged by the end of its due date + 1 day.", "S: [K24]."),
    _rule("VAC-LIVE", "vaccine", "Live vaccine planned", CONTACT, {},
          "Live vaccines are not recommended while you take Kesimpta. Talk to your MS team "
          "before any vaccination.", "Patient plans a live or live-attenuated vaccine.",
          "S: [K5][K28]."),
    # Symptom grades
    _rule("PRO-SEV", "pro", "Severe symptom", CONTACT, {"min_grade": 3},
          "Contact your team today about this severe symptom.",
          "Any graded symptom severe or very severe.", "S: STAR / SYMPATHY [E3][E11]."),
    _rule("PRO-WORSEN-2", "pro", "Symptom clearly worse", CONTACT, {"rise": 2},
          "One of your symptoms has got clearly worse since your last entry. Contact your team "
          "today.", "A graded symptom rose by ≥2 grades since the previous entry.",
          "S: [E3][E11]."),
    # Risk modifier
    _rule("RISK-ESC", "risk", "Earlier contact because of other risk factors", CONTACT, {},
          "Because of your other risk factors, your team wants to hear about infection "
          "symptoms early. Contact them today.",
          "Elevated-risk patient: RESP-URTI, HSV-ORAL, T-LOW-1 or HZ-PRODROME raised to CONTACT.",
          "S/A: [K3][K4][N6][I6]."),
    # Missed diary (periodic)
    _rule("DIARY-GAP-2", "diary", "Diary not filled in for 2 days", WATCH, {"days": 2},
          "Please fill in today's diary.", "No entry on 2 consecutive days (reminder only).", "D."),
    _rule("DIARY-GAP-3", "diary", "Diary not filled in for 3 days", CONTACT, {"days": 3},
          "Your team may contact you to check in.",
          "No entry on 3 consecutive days: team outreach (non-urgent).", "A: [E10]."),
    _rule("DIARY-FOLLOWUP", "diary", "No news after a warning", CONTACT, {"hours": 24},
          "We have not heard from you since your last warning. Please update your diary or call "
          "your team.", "CONTACT/URGENT prompt and no new entry within 24 h: team outreach.",
          "D, grounded in [E7][E12]."),
]  # fmt: skip

DEFAULT_RULES: dict[str, RuleDefinition] = {rule.rule_id: rule for rule in _RULES}


def param_schema(rule_id: str) -> dict[str, type]:
    """The type of each parameter of a rule (Decimal thresholds, int windows and counts)."""
    return {name: type(value) for name, value in DEFAULT_RULES[rule_id].params.items()}


def params_to_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as stored in the database: Decimals as strings, ints as ints."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}


# Configuration ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleConfig:
    """The current values of one rule, as an administrator last saved them."""

    rule_id: str
    level: str
    active: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)


class RuleSet:
    """Typed, merged rule configuration: defaults overlaid by the stored values.

    Build it once per batch (services do) — evaluate() accepts it directly.
    """

    __slots__ = ("levels", "active", "params", "windows")

    def __init__(
        self,
        configs: Mapping[str, RuleConfig] | None = None,
        windows: EngineWindows = DEFAULT_WINDOWS,
    ) -> None:
        self.windows = windows
        self.levels: dict[str, str] = {}
        self.active: dict[str, bool] = {}
        self.params: dict[str, dict[str, Any]] = {}
        configs = configs or {}
        for rule_id, definition in DEFAULT_RULES.items():
            config = configs.get(rule_id)
            merged = dict(definition.params)
            if config is not None:
                for name, value in config.params.items():
                    if name in merged:
                        kind = type(definition.params[name])
                        merged[name] = Decimal(str(value)) if kind is Decimal else kind(value)
            self.levels[rule_id] = config.level if config else definition.level
            self.active[rule_id] = config.active if config else True
            self.params[rule_id] = merged

    def p(self, rule_id: str, name: str) -> Any:
        return self.params[rule_id][name]


DEFAULT_RULESET = RuleSet()


def _ruleset(rules: RuleSet | Mapping[str, RuleConfig] | None) -> RuleSet:
    if rules is None:
        return DEFAULT_RULESET
    if isinstance(rules, RuleSet):
        return rules
    return RuleSet(rules)


# Inputs and outputs -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    timezone: str
    elevated_risk: frozenset[str] = frozenset()
    hbv_risk: bool = False
    enrolled_at: datetime | None = None
    # The first dose the team planned, for the dose rules before any dose is logged.
    first_dose_at: datetime | None = None

    @property
    def er(self) -> bool:
        return bool(self.elevated_risk)


@dataclass(frozen=True, slots=True)
class Injection:
    at: datetime
    dose: int | None = None


@dataclass(frozen=True, slots=True)
class Temperature:
    value: Decimal
    unit: str
    at: datetime
    confirmed: bool = False
    site: str = ""
    value_c: Decimal = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_c", to_celsius(self.value, self.unit))


@dataclass(frozen=True, slots=True)
class Vital:
    value: int
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    id: int | str
    at: datetime
    temperatures: tuple[Temperature, ...] = ()
    symptoms: Mapping[str, int] = field(default_factory=dict)
    red_flags: frozenset[str] = frozenset()
    vitals: Mapping[str, Vital] = field(default_factory=dict)
    antipyretic_6h: bool = False
    planned_vaccine_live: bool = False  # the patient's tick
    reported_by: str = "patient"
    planned_vaccine: str = ""  # the plan as typed


@dataclass(frozen=True, slots=True)
class PriorAlert:
    """An alert recorded earlier (WATCH and de-duplicated ones too)."""

    rule_id: str
    level: str
    at: datetime
    entry_id: int | str | None
    episode_key: str
    team_alert: bool
    detail: Mapping[str, Any] = field(default_factory=dict)
    # When the care team resolved it: a resolved alert closes its episode.
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class EvaluationInput:
    profile: Profile
    injections: tuple[Injection, ...]
    entry: Entry
    history: tuple[Entry, ...] = ()  # earlier entries, oldest first
    prior_alerts: tuple[PriorAlert, ...] = ()
    rules: RuleSet | Mapping[str, RuleConfig] | None = None


@dataclass(frozen=True, slots=True)
class Firing:
    rule_id: str
    level: str
    episode_key: str
    why: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Suppression:
    rule_id: str
    reason: str
    by_rule: str


@dataclass(frozen=True, slots=True)
class Deduplication:
    rule_id: str
    reason: str
    # When the team was told about this episode (the alert that stands for this firing).
    since: datetime | None = None


@dataclass(frozen=True)
class Evaluation:
    fired: tuple[Firing, ...]
    suppressed: tuple[Suppression, ...]
    level: str
    prompt_key: str
    team_alerts: tuple[str, ...]
    deduplicated: tuple[Deduplication, ...]
    remeasure_minutes: int | None

    @property
    def rule_ids(self) -> list[str]:
        return sorted(f.rule_id for f in self.fired)


@dataclass(frozen=True)
class SweepInput:
    profile: Profile
    as_of: datetime
    entry_times: tuple[datetime, ...]
    injections: tuple[Injection, ...] = ()
    prior_alerts: tuple[PriorAlert, ...] = ()
    rules: RuleSet | Mapping[str, RuleConfig] | None = None


@dataclass(frozen=True)
class SweepResult:
    fired: tuple[Firing, ...]
    level: str
    team_alerts: tuple[str, ...]
    deduplicated: tuple[Deduplication, ...]


# Helpers ------------------------------------------------------------------------------


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _grades_of(entry: Entry, codes: Iterable[str]) -> dict[str, int]:
    symptoms = entry.symptoms
    return {code: symptoms[code] for code in codes if symptoms.get(code, 0) >= 1}


class _Context:
    """Derived facts about one entry, computed once and shared by the rules."""

    def __init__(self, inp: EvaluationInput, rs: RuleSet) -> None:
        self.inp = inp
        self.rs = rs
        self.entry = entry = inp.entry
        self.tz = zone(inp.profile.timezone)
        self.day = entry.at.astimezone(self.tz).date()
        self.readings = entry.temperatures
        self.tmax = max((t.value_c for t in entry.temperatures), default=None)
        self.symptoms = entry.symptoms
        self.flags = entry.red_flags
        self.infection = {c: g for c, g in entry.symptoms.items() if c in INF and g >= 1}
        self.previous = inp.history[-1] if inp.history else None
        injections = sorted(i.at for i in inp.injections if i.at <= entry.at)
        self.last_injection = injections[-1] if injections else None
        self._since = (
            (entry.at - self.last_injection).total_seconds() / 3600 if injections else None
        )
        self._daily: dict[date, list[tuple[Entry, bool]]] | None = None
        # Rules whose episode is a named thing (INJ-DUE-INF: the dose), not a run of days.
        self.episode_keys: dict[str, str] = {}

    def g(self, code: str) -> int:
        return self.symptoms.get(code, 0)

    def hours_since_injection(self, at: datetime | None = None) -> float | None:
        if at is None or at == self.entry.at:
            return self._since
        candidates = [i.at for i in self.inp.injections if i.at <= at]
        if not candidates:
            return None
        return (at - max(candidates)).total_seconds() / 3600

    def in_window(self, hours: int, at: datetime | None = None) -> bool:
        since = self.hours_since_injection(at)
        return since is not None and 0 <= since <= hours

    def daily(self) -> dict[date, list[tuple[Entry, bool]]]:
        """Entries (history + this one) by local day; the flag marks the current entry."""
        if self._daily is not None:
            return self._daily
        days: dict[date, list[tuple[Entry, bool]]] = {}
        for e in self.inp.history:
            days.setdefault(e.at.astimezone(self.tz).date(), []).append((e, False))
        days.setdefault(self.day, []).append((self.entry, True))
        self._daily = days
        return days

    def reading(self, t: Temperature) -> dict[str, Any]:
        return {"value": str(t.value), "unit": t.unit, "value_c": str(t.value_c),
                "at": t.at.isoformat(), "confirmed": t.confirmed}  # fmt: skip


def _consecutive_days(
    days: dict[date, list[tuple[Entry, bool]]], today: date, qualifies
) -> list[date]:
    """Return the chain of consecutive local days ending today on which `qualifies` holds."""
    chain: list[date] = []
    day = today
    while day in days and qualifies(day, days[day]):
        chain.append(day)
        day -= timedelta(days=1)
    return chain


def _news2(ctx: _Context) -> tuple[int, dict[str, int]] | None:
    """NEWS2 (scale 1, air) from home readings; None unless every home parameter is present."""
    v = ctx.entry.vitals
    if ctx.tmax is None or not all(k in v for k in ("resp_rate", "spo2", "systolic_bp",
                                                    "heart_rate")):  # fmt: skip
        return None
    rr, spo2, sbp, hr = (v["resp_rate"].value, v["spo2"].value, v["systolic_bp"].value,
                         v["heart_rate"].value)  # fmt: skip
    scores = {
        "resp_rate": 3 if rr <= 8 else 1 if rr <= 11 else 0 if rr <= 20 else 2 if rr <= 24 else 3,
        "spo2": 3 if spo2 <= 91 else 2 if spo2 <= 93 else 1 if spo2 <= 95 else 0,
        "air_or_oxygen": 0,
        "systolic_bp": 3 if sbp <= 90 else 2 if sbp <= 100 else 1 if sbp <= 110
        else 0 if sbp <= 219 else 3,
        "heart_rate": 3 if hr <= 40 else 1 if hr <= 50 else 0 if hr <= 90 else 1 if hr <= 110
        else 2 if hr <= 130 else 3,
        "consciousness": 3 if ctx.flags & NEWS2_CONFUSION_FLAGS else 0,
        # The most abnormal of the entry's readings: 34.9 °C beside 36.5 °C scores 3.
        "temperature": max(_news2_temperature(t.value_c) for t in ctx.readings),
    }  # fmt: skip
    return sum(scores.values()), scores


def _news2_temperature(t: Decimal) -> int:
    if t <= Decimal("35.0"):
        return 3
    if t <= Decimal("36.0") or Decimal("38.0") < t <= Decimal("39.0"):
        return 1
    return 2 if t > Decimal("39.0") else 0


# The entry rules ----------------------------------------------------------------------


def _entry_rules(ctx: _Context) -> dict[str, dict[str, Any]]:  # noqa: C901 — a rule table
    """Return {rule_id: why} for every entry rule whose condition holds (before suppression)."""
    rs, e, fired = ctx.rs, ctx.entry, {}
    p = rs.p
    readings = ctx.readings
    tmax = ctx.tmax

    def hot(threshold: Decimal) -> list[dict[str, Any]]:
        return [ctx.reading(t) for t in readings if t.value_c >= threshold]

    # Temperature --------------------------------------------------------------------
    low, high = p("T-LOW-1", "low_c"), p("T-LOW-1", "high_c")
    matched = [ctx.reading(t) for t in readings if low <= t.value_c < high]
    if matched:
        fired["T-LOW-1"] = {"readings": matched, "thresholds": {"low_c": str(low),
                                                                "below_c": str(high)}}  # fmt: skip

    matched = hot(p("T-FEV-1", "threshold_c"))
    if matched:
        fired["T-FEV-1"] = {"readings": matched,
                            "thresholds": {"threshold_c": str(p("T-FEV-1", "threshold_c"))}}  # fmt: skip

    if ctx.inp.profile.er:
        matched = hot(p("T-FEV-ER-1", "threshold_c"))
        if matched:
            fired["T-FEV-ER-1"] = {
                "readings": matched,
                "elevated_risk": sorted(ctx.inp.profile.elevated_risk),
                "thresholds": {"threshold_c": str(p("T-FEV-ER-1", "threshold_c"))},
            }
        pair = _sustained_fever(ctx)
        if pair:
            fired["T-FEV-ER-2"] = pair

    for rule_id, threshold_name in (("T-LOW-2D", "threshold_c"), ("T-FEV-3D", "threshold_c")):
        why = _day_chain_rule(ctx, rule_id, p(rule_id, threshold_name), p(rule_id, "days"))
        if why:
            fired[rule_id] = why

    below = p("T-HYPO-1", "below_c")
    cold = [ctx.reading(t) for t in readings if t.value_c < below]
    unwell = ctx.g("unwell") >= 1 or bool(ctx.infection)
    if cold and unwell:
        fired["T-HYPO-1"] = {"readings": cold, "thresholds": {"below_c": str(below)},
                             "symptoms": {**_grades_of(e, ["unwell"]), **ctx.infection}}  # fmt: skip
    cold0 = [ctx.reading(t) for t in readings if t.value_c < p("T-HYPO-0", "below_c")]
    if cold0 and not unwell:
        fired["T-HYPO-0"] = {"readings": cold0,
                             "thresholds": {"below_c": str(p("T-HYPO-0", "below_c"))}}  # fmt: skip
    very = _confirmed_hypothermia(ctx)
    if very:
        fired["T-HYPO-2"] = very

    # Systemic infection and sepsis -------------------------------------------------
    aches = _grades_of(e, ["chills", "myalgia"])
    if aches and min(aches.values()) >= p("INF-FLU", "min_grade"):
        matched = hot(p("INF-FLU", "threshold_c"))
        if matched:
            fired["INF-FLU"] = {"readings": matched, "symptoms": aches,
                                "thresholds": {"threshold_c": str(p("INF-FLU", "threshold_c"))}}  # fmt: skip
    sepsis = ctx.flags & SEPSIS_FLAGS
    if sepsis:
        fired["SEP-RF"] = {"red_flags": sorted(sepsis)}

    # Vital signs -------------------------------------------------------------------
    _vital_rules(ctx, fired)

    # Respiratory --------------------------------------------------------------------
    urti = _grades_of(e, URTI)
    below = p("RESP-URTI", "below_c")
    if (
        urti
        and max(urti.values()) <= p("RESP-URTI", "max_grade")
        and (tmax is None or tmax < below)
    ):
        fired["RESP-URTI"] = {"symptoms": urti, "temperature_c": _s(tmax),
                              "thresholds": {"max_grade": p("RESP-URTI", "max_grade"),
                                             "below_c": str(below)}}  # fmt: skip
    why = _symptom_chain_rule(ctx, "RESP-COUGH-3D", "cough")
    if why:
        fired["RESP-COUGH-3D"] = why
    if ctx.g("cough") >= 1:
        fever = p("RESP-LRTI", "fever_c")
        signs = _grades_of(e, ["phlegm_coloured", "chest_pain_breathing", "breathless"])
        if signs or (tmax is not None and tmax >= fever):
            fired["RESP-LRTI"] = {"symptoms": {**_grades_of(e, ["cough"]), **signs},
                                  "readings": hot(fever), "thresholds": {"fever_c": str(fever)}}  # fmt: skip
    severe = ctx.flags & RESP_SEVERE_FLAGS
    if severe:
        fired["RESP-SEV"] = {"red_flags": sorted(severe)}

    # Urinary ------------------------------------------------------------------------
    uti = _grades_of(e, UTI)
    if uti and max(uti.values()) >= p("GU-UTI", "min_grade"):
        fired["GU-UTI"] = {"symptoms": uti}
        fever = p("GU-UPPER", "fever_c")
        upper = _grades_of(e, ["flank_pain", "chills", "vomiting"])
        shivering = ctx.flags & {"extreme_shivering"}
        if upper or shivering or (tmax is not None and tmax >= fever):
            fired["GU-UPPER"] = {"symptoms": {**uti, **upper}, "red_flags": sorted(shivering),
                                 "readings": hot(fever), "thresholds": {"fever_c": str(fever)}}  # fmt: skip

    # Herpes and shingles ------------------------------------------------------------
    if ctx.g("cold_sore") and (tmax is None or tmax < p("HSV-ORAL", "below_c")):
        fired["HSV-ORAL"] = {"symptoms": {"cold_sore": 1}, "temperature_c": _s(tmax)}
    rash = _grades_of(e, ["one_sided_rash", "rash_near_eye"])
    if ctx.g("one_sided_pain") >= p("HZ-PRODROME", "min_grade") and not rash:
        fired["HZ-PRODROME"] = {"symptoms": _grades_of(e, ["one_sided_pain"])}
    if ctx.g("one_sided_rash"):
        fired["HZ-RASH"] = {"symptoms": _grades_of(e, ["one_sided_rash", "one_sided_pain"])}
    if ctx.g("rash_near_eye"):
        fired["HZ-EYE"] = {"symptoms": _grades_of(e, ["rash_near_eye", "vision_change"])}

    # Hepatitis B --------------------------------------------------------------------
    jaundice = ctx.g("jaundice") >= 1
    fatigue_rise = ctx.g("fatigue") - (ctx.previous.symptoms.get("fatigue", 0)
                                       if ctx.previous else 0)  # fmt: skip
    liver = _grades_of(e, ["nausea", "dark_urine", "appetite_loss"])
    if jaundice or (ctx.inp.profile.hbv_risk and fatigue_rise >= p("HBV-LIVER", "fatigue_rise")
                    and liver):  # fmt: skip
        fired["HBV-LIVER"] = {"symptoms": {**_grades_of(e, ["jaundice", "fatigue"]), **liver},
                              "fatigue_rise": fatigue_rise,
                              "hbv_risk": ctx.inp.profile.hbv_risk}  # fmt: skip
    if jaundice:
        severe = (ctx.flags & HBV_SEVERE_FLAGS) | (
            {"confusion_memory"} if ctx.g("confusion_memory") >= 1 else set()
        )
        if severe:
            fired["HBV-SEV"] = {"symptoms": {"jaundice": 1}, "with": sorted(severe)}

    # Neurological -------------------------------------------------------------------
    neuro = {c: g for c, g in e.symptoms.items() if c in NEURO and g >= p("NEURO-NEW", "min_grade")}
    if neuro:
        fired["NEURO-NEW"] = {"symptoms": neuro}
        why = _neuro_progression(ctx, neuro)
        if why:
            fired["NEURO-PROG"] = why
    acute = ctx.flags & NEURO_ACUTE_FLAGS
    if acute:
        fired["NEURO-ACUTE"] = {"red_flags": sorted(acute)}
    if ctx.g("ms_worse") >= p("NEURO-FEVER", "min_grade"):
        threshold = p("NEURO-FEVER", "threshold_c")
        if (tmax is not None and tmax >= threshold) or ctx.infection:
            fired["NEURO-FEVER"] = {"symptoms": {"ms_worse": ctx.g("ms_worse"), **ctx.infection},
                                    "readings": hot(threshold),
                                    "thresholds": {"threshold_c": str(threshold)}}  # fmt: skip

    # Injection-related ---------------------------------------------------------------
    _injection_rules(ctx, fired)
    if ctx.flags & ANAPHYLAXIS_FLAGS:
        fired["INJ-ANAPH"] = {"red_flags": sorted(ctx.flags & ANAPHYLAXIS_FLAGS),
                              "hours_since_injection": _hours(ctx)}  # fmt: skip
    if ctx.g("site_reaction") >= p("INJ-SITE", "min_grade"):
        fired["INJ-SITE"] = {"symptoms": _grades_of(e, ["site_reaction"])}
    fever = p("INJ-SITE-INF", "fever_c")
    late = not ctx.in_window(p("INJ-SITE-INF", "window_hours"))
    if ctx.g("site_spreading") or (ctx.g("site_reaction") and late and tmax is not None
                                   and tmax >= fever):  # fmt: skip
        fired["INJ-SITE-INF"] = {"symptoms": _grades_of(e, ["site_spreading", "site_reaction"]),
                                 "readings": hot(fever), "hours_since_injection": _hours(ctx)}  # fmt: skip
    if vaccine_plan_is_live(e.planned_vaccine, e.planned_vaccine_live):
        fired["VAC-LIVE"] = {"plan": e.planned_vaccine, "ticked_live": e.planned_vaccine_live,
                             "vaccines": live_vaccines_named(e.planned_vaccine)}  # fmt: skip

    # Symptom grades --------------------------------------------------------------------
    graded = {c: g for c, g in e.symptoms.items() if c not in FLAG_CODES}
    severe_grades = {c: g for c, g in graded.items() if g >= p("PRO-SEV", "min_grade")}
    if severe_grades:
        fired["PRO-SEV"] = {"symptoms": severe_grades,
                            "thresholds": {"min_grade": p("PRO-SEV", "min_grade")}}  # fmt: skip
    # "Since the previous entry": the first entry is the baseline, nothing to compare.
    before = ctx.previous.symptoms if ctx.previous else None
    rise = p("PRO-WORSEN-2", "rise")
    worse = {c: {"from": before.get(c, 0), "to": g} for c, g in graded.items()
             if before is not None and g - before.get(c, 0) >= rise}  # fmt: skip
    if worse:
        fired["PRO-WORSEN-2"] = {"symptoms": worse, "previous_entry": (
            ctx.previous.at.isoformat() if ctx.previous else None), "thresholds": {"rise": rise}}  # fmt: skip
    return fired


def _hours(ctx: _Context) -> float | None:
    since = ctx.hours_since_injection()
    return None if since is None else round(since, 2)


def _sustained_fever(ctx: _Context) -> dict[str, Any] | None:
    """T-FEV-ER-2: two readings ≥ threshold ≥ gap apart within the window, none lower between.

    The later reading of the pair must be in this entry (earlier pairs fired before).
    """
    rs = ctx.rs
    threshold = rs.p("T-FEV-ER-2", "threshold_c")
    gap = timedelta(minutes=rs.p("T-FEV-ER-2", "min_gap_minutes"))
    window = timedelta(hours=rs.p("T-FEV-ER-2", "window_hours"))
    series = sorted(
        [t for h in ctx.inp.history for t in h.temperatures] + list(ctx.readings),
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
                    "readings": [ctx.reading(earlier), ctx.reading(later)],
                    "minutes_apart": round((later.at - earlier.at).total_seconds() / 60),
                    "thresholds": {"threshold_c": str(threshold),
                                   "min_gap_minutes": rs.p("T-FEV-ER-2", "min_gap_minutes"),
                                   "window_hours": rs.p("T-FEV-ER-2", "window_hours")},
                }  # fmt: skip
    return None


def _confirmed_hypothermia(ctx: _Context) -> dict[str, Any] | None:
    """T-HYPO-2: ≤35.0 °C confirmed — a re-measure tick, or a second ≤35.0 within the window."""
    limit = ctx.rs.p("T-HYPO-2", "at_or_below_c")
    window = timedelta(minutes=ctx.rs.p("T-HYPO-2", "confirm_window_minutes"))
    very = [t for t in ctx.readings if t.value_c <= limit]
    if not very:
        return None
    earlier = [t for h in ctx.inp.history for t in h.temperatures if t.value_c <= limit]
    for t in very:
        matches = [
            x for x in earlier + very if x is not t and timedelta(0) <= t.at - x.at <= window
        ]
        if t.confirmed or matches:
            return {"readings": [ctx.reading(x) for x in [*matches, t]],
                    "thresholds": {"at_or_below_c": str(limit)}}  # fmt: skip
    return None


def _day_chain_rule(
    ctx: _Context, rule_id: str, threshold: Decimal, days: int
) -> dict[str, Any] | None:
    """Daily maximum ≥ threshold on `days` consecutive local days ending today."""
    exclude = 0
    if rule_id == "T-LOW-2D":
        exclude = ctx.rs.p("T-LOW-2D", "exclude_after_injection_hours")

    def counted(t: Temperature) -> bool:
        return not (exclude and ctx.in_window(exclude, t.at))

    maxima: dict[date, Decimal] = {}

    def qualifies(day: date, entries: list[tuple[Entry, bool]]) -> bool:
        values = [t.value_c for e, _ in entries for t in e.temperatures if counted(t)]
        if not values:
            return False
        maxima[day] = max(values)
        return maxima[day] >= threshold

    if not any(counted(t) and t.value_c >= threshold for t in ctx.readings):
        # This entry must carry a qualifying reading; otherwise the chain fired already.
        return None
    chain = _consecutive_days(ctx.daily(), ctx.day, qualifies)
    if len(chain) < days:
        return None
    return {
        "daily_max_c": {d.isoformat(): str(maxima[d]) for d in reversed(chain)},
        "thresholds": {"threshold_c": str(threshold), "days": days},
    }


def _symptom_chain_rule(ctx: _Context, rule_id: str, code: str) -> dict[str, Any] | None:
    """Daily maximum grade of `code` ≥ min_grade on `days` consecutive days ending today."""
    min_grade, days = ctx.rs.p(rule_id, "min_grade"), ctx.rs.p(rule_id, "days")
    if ctx.g(code) < min_grade:
        return None
    maxima: dict[date, int] = {}

    def qualifies(day: date, entries: list[tuple[Entry, bool]]) -> bool:
        maxima[day] = max(e.symptoms.get(code, 0) for e, _ in entries)
        return maxima[day] >= min_grade

    chain = _consecutive_days(ctx.daily(), ctx.day, qualifies)
    if len(chain) < days:
        return None
    # "symptoms" lets de-duplication see whether a persistent symptom worsened.
    return {"daily_max_grade": {d.isoformat(): maxima[d] for d in reversed(chain)},
            "symptom": code, "symptoms": {code: ctx.g(code)},
            "thresholds": {"min_grade": min_grade, "days": days}}  # fmt: skip


def _neuro_progression(ctx: _Context, neuro: dict[str, int]) -> dict[str, Any] | None:
    """NEURO-PROG: within an open neuro episode, a neuro grade rose or a new one appeared."""
    window = timedelta(days=ctx.rs.p("NEURO-PROG", "episode_days"))
    open_episode = any(
        a.rule_id in ("NEURO-NEW", "NEURO-PROG") and timedelta(0) <= ctx.entry.at - a.at <= window
        for a in ctx.inp.prior_alerts
    )
    if not open_episode or ctx.previous is None:
        return None
    before = ctx.previous.symptoms
    changed = {c: {"from": before.get(c, 0), "to": g} for c, g in neuro.items()
               if g > before.get(c, 0)}  # fmt: skip
    if not changed:
        return None
    return {"symptoms": changed, "flag": "progressive neurological change"}


def _vital_rules(ctx: _Context, fired: dict[str, dict[str, Any]]) -> None:
    v, p = ctx.entry.vitals, ctx.rs.p
    infection = bool(ctx.infection)
    if "heart_rate" in v:
        hr = v["heart_rate"]
        if hr.value >= p("VIT-HR-H", "threshold") and hr.confirmed:
            fired["VIT-HR-H"] = {"heart_rate": hr.value, "confirmed": True}
        else:
            # Not yet re-checked ≥131 counts with the moderate band (re-check asked).
            fever = ctx.tmax is not None and ctx.tmax >= p("VIT-HR-M", "threshold_c")
            very_fast = hr.value >= p("VIT-HR-H", "threshold")
            moderate = p("VIT-HR-M", "low") <= hr.value <= p("VIT-HR-M", "high")
            if very_fast or (moderate and (fever or infection)):
                fired["VIT-HR-M"] = {"heart_rate": hr.value, "confirmed": hr.confirmed,
                                     "temperature_c": _s(ctx.tmax), "symptoms": ctx.infection}  # fmt: skip
    if "resp_rate" in v:
        rr = v["resp_rate"].value
        if rr >= p("VIT-RR-H", "threshold"):
            fired["VIT-RR-H"] = {"resp_rate": rr}
        elif p("VIT-RR-M", "low") <= rr <= p("VIT-RR-M", "high") and infection:
            fired["VIT-RR-M"] = {"resp_rate": rr, "symptoms": ctx.infection}
    if "spo2" in v:
        spo2 = v["spo2"]
        if spo2.confirmed and spo2.value <= p("VIT-SPO2-H", "at_or_below"):
            fired["VIT-SPO2-H"] = {"spo2": spo2.value, "confirmed": True}
        elif (
            spo2.confirmed and p("VIT-SPO2-M", "low") <= spo2.value <= p("VIT-SPO2-M", "high")
        ) or (not spo2.confirmed and spo2.value <= p("VIT-SPO2-M", "unconfirmed_at_or_below")):
            fired["VIT-SPO2-M"] = {"spo2": spo2.value, "confirmed": spo2.confirmed}
    if "systolic_bp" in v:
        sbp = v["systolic_bp"].value
        if sbp <= p("VIT-SBP-H", "at_or_below"):
            fired["VIT-SBP-H"] = {"systolic_bp": sbp}
        elif p("VIT-SBP-M", "low") <= sbp <= p("VIT-SBP-M", "high") and infection:
            fired["VIT-SBP-M"] = {"systolic_bp": sbp, "symptoms": ctx.infection}
    news = _news2(ctx)
    if news:
        total, scores = news
        if total >= p("VIT-NEWS2", "aggregate") or max(scores.values()) >= p("VIT-NEWS2", "single"):
            fired["VIT-NEWS2"] = {"score": total, "parameters": scores,
                                  "thresholds": {"aggregate": p("VIT-NEWS2", "aggregate"),
                                                 "single": p("VIT-NEWS2", "single")}}  # fmt: skip


def _injection_rules(ctx: _Context, fired: dict[str, dict[str, Any]]) -> None:
    e, p = ctx.entry, ctx.rs.p
    tmax = ctx.tmax
    since = ctx.hours_since_injection()
    if since is not None and since <= p("INJ-FEV", "window_hours"):
        threshold = p("INJ-FEV", "threshold_c")
        if tmax is not None and tmax >= threshold:
            fired["INJ-FEV"] = {"readings": [ctx.reading(t) for t in ctx.readings
                                             if t.value_c >= threshold],
                                "hours_since_injection": round(since, 2)}  # fmt: skip
    if since is not None and since <= p("INJ-IRR-24", "window_hours"):
        reaction = _grades_of(e, IRR)
        low, high = p("INJ-IRR-24", "low_c"), p("INJ-IRR-24", "high_c")
        raised = [t for t in ctx.readings if low <= t.value_c < high]
        fever = tmax is not None and tmax >= high
        mild = all(g <= p("INJ-IRR-24", "max_grade") for g in reaction.values())
        localising = any(e.symptoms.get(c, 0) >= 1 for c in LOC)
        if (
            (reaction or raised)
            and mild
            and not fever
            and not localising
            and not (e.red_flags & SEPSIS_FLAGS)
        ):
            fired["INJ-IRR-24"] = {"symptoms": reaction,
                                   "readings": [ctx.reading(t) for t in raised],
                                   "hours_since_injection": round(since, 2)}  # fmt: skip
    _persisting_reaction(ctx, fired)


def _persisting_reaction(ctx: _Context, fired: dict[str, dict[str, Any]]) -> None:
    """INJ-PERSIST-48: a reaction recorded for the latest injection still there after 48 h."""
    p = ctx.rs.p
    injection = ctx.last_injection
    if injection is None:
        return
    age = ctx.entry.at - injection
    if (
        not timedelta(hours=p("INJ-PERSIST-48", "after_hours"))
        < age
        <= timedelta(days=p("INJ-PERSIST-48", "until_days"))
    ):
        return
    window = timedelta(hours=p("INJ-IRR-24", "window_hours"))
    reacted = any(
        a.rule_id == "INJ-IRR-24" and timedelta(0) <= a.at - injection <= window
        for a in ctx.inp.prior_alerts
    )
    if not reacted:
        return
    lasting = {c: g for c, g in _grades_of(ctx.entry, IRR).items()
               if g >= p("INJ-PERSIST-48", "min_grade")}  # fmt: skip
    threshold = p("INJ-PERSIST-48", "threshold_c")
    warm = ctx.tmax is not None and ctx.tmax >= threshold
    if lasting or warm:
        fired["INJ-PERSIST-48"] = {"symptoms": lasting, "temperature_c": _s(ctx.tmax),
                                   "hours_since_injection": round(age.total_seconds() / 3600, 2)}  # fmt: skip


def _due_with_infection(ctx: _Context, fired: dict[str, dict[str, Any]]) -> None:
    """INJ-DUE-INF on an entry: the infection rules of this entry count too."""
    current = [r for r in fired if r in INFECTION_RULES and _escalated(ctx, r) in TEAM_LEVELS]
    check = pre_dose_check(ctx.inp.profile, ctx.inp.injections, ctx.inp.prior_alerts,
                           as_of=ctx.entry.at, rules=ctx.rs, current=current)  # fmt: skip
    if check is not None:
        ctx.episode_keys["INJ-DUE-INF"], fired["INJ-DUE-INF"] = check


def dose_due_soon(
    profile: Profile,
    injections: Iterable[Injection],
    *,
    as_of: datetime,
    rules: RuleSet | Mapping[str, RuleConfig] | None = None,
) -> dosing.DueDose | None:
    """The next dose when it is due within INJ-DUE-INF's window (48 h) or overdue; the
    team's first-dose date counts while no dose is logged (the dashboard's inputs)."""
    rs = _ruleset(rules)
    tz = zone(profile.timezone)
    due = dosing.next_due([(i.at, i.dose) for i in injections if i.at <= as_of], tz=tz,
                          first_dose_at=profile.first_dose_at)  # fmt: skip
    if due is None:
        return None
    due_start = datetime.combine(due.due, datetime.min.time(), tzinfo=tz)
    if due_start - as_of > timedelta(hours=rs.p("INJ-DUE-INF", "due_within_hours")):
        return None
    return due


def pre_dose_key(due: dosing.DueDose) -> str:
    """INJ-DUE-INF's episode: the dose, so that the team is told once per dose."""
    return f"INJ-DUE-INF:{due.number}:{due.due.isoformat()}"


def pre_dose_check(
    profile: Profile,
    injections: Iterable[Injection],
    prior_alerts: Iterable[PriorAlert],
    *,
    as_of: datetime,
    rules: RuleSet | Mapping[str, RuleConfig] | None = None,
    current: Iterable[str] = (),
) -> tuple[str, dict[str, Any]] | None:
    """INJ-DUE-INF: the next dose is due within 48 h (or overdue) and an infection rule fired
    at CONTACT or URGENT in the last 7 days (or fires now: `current`).

    One check for the three places that ask it: an entry, the periodic sweep (a dose falls
    due while an infection alert stands) and the injection form. Returns the episode key
    (pre_dose_key) and the why; None when it does not hold.
    """
    rs = _ruleset(rules)
    if not rs.active["INJ-DUE-INF"]:
        return None
    due = dose_due_soon(profile, injections, as_of=as_of, rules=rs)
    if due is None:
        return None
    lookback = timedelta(days=rs.p("INJ-DUE-INF", "lookback_days"))
    recent = sorted(
        {a.rule_id for a in prior_alerts
         if a.rule_id in INFECTION_RULES and a.level in TEAM_LEVELS
         and timedelta(0) <= as_of - a.at <= lookback}
        | set(current)
    )  # fmt: skip
    if not recent:
        return None
    why = {"next_dose": due.number, "due": due.due.isoformat(), "infection_rules": recent}
    return pre_dose_key(due), why


def _escalated(ctx: _Context, rule_id: str) -> str:
    """The level `rule_id` will have after RISK-ESC (as _levels() will set it)."""
    level = ctx.rs.levels[rule_id]
    if (ctx.inp.profile.er and ctx.rs.active["RISK-ESC"] and rule_id in RISK_ESC_TARGETS
            and RANK[level] < RANK[CONTACT]):  # fmt: skip
        return CONTACT
    return level


# Suppression, risk escalation, de-duplication -----------------------------------------


def _suppress(
    ctx: _Context, fired: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[Suppression]]:
    suppressed: list[Suppression] = []
    if "INJ-IRR-24" not in fired:
        return fired, suppressed
    reason = "explained by a likely injection reaction (within 24 h of the injection)"
    for rule_id in ("INF-FLU", "T-LOW-1"):
        if rule_id in fired:
            suppressed.append(Suppression(rule_id, reason, "INJ-IRR-24"))
            del fired[rule_id]
    worse = fired.get("PRO-WORSEN-2")
    max_grade = ctx.rs.p("INJ-IRR-24", "max_grade")
    if worse and all(c in IRR and v["to"] <= max_grade for c, v in worse["symptoms"].items()):
        suppressed.append(Suppression("PRO-WORSEN-2", reason, "INJ-IRR-24"))
        del fired["PRO-WORSEN-2"]
    return fired, suppressed


def _levels(ctx_rs: RuleSet, profile: Profile, fired: dict[str, dict[str, Any]]) -> dict[str, str]:
    levels = {rule_id: ctx_rs.levels[rule_id] for rule_id in fired}
    if profile.er and ctx_rs.active["RISK-ESC"]:
        raised = [r for r in RISK_ESC_TARGETS if r in levels and RANK[levels[r]] < RANK[CONTACT]]
        if raised:
            for rule_id in raised:
                levels[rule_id] = CONTACT
                fired[rule_id] = {**fired[rule_id], "raised_by": "RISK-ESC"}
            fired["RISK-ESC"] = {"raised": raised, "elevated_risk": sorted(profile.elevated_risk)}
            levels["RISK-ESC"] = ctx_rs.levels["RISK-ESC"]
    return levels


def _symptoms_of(why: Mapping[str, Any]) -> dict[str, int]:
    """What a firing was about, for "has it worsened?": symptom grades, or for VAC-LIVE the
    vaccines planned (a new vaccine is a change)."""
    if "vaccines" in why:
        named = why.get("vaccines") or [str(why.get("plan", "")).strip().lower()]
        return dict.fromkeys(named, 1)
    symptoms = why.get("symptoms") or {}
    return {c: (g["to"] if isinstance(g, dict) else g) for c, g in symptoms.items()}


def _episode_key(
    rule_id: str, at: datetime, tz: ZoneInfo, prior: list[PriorAlert], windows: EngineWindows
) -> str:
    """Continue the rule's episode if it fired within the episode gap and the team has not
    resolved it; else start one (named by its local day, or its local time when an episode
    of that day was closed already)."""
    if prior:
        last = prior[-1]
        told = [a for a in prior if a.episode_key == last.episode_key and a.team_alert]
        resolved = bool(told) and told[-1].resolved_at is not None and told[-1].resolved_at <= at
        if at - last.at <= windows.episode_gap and not resolved:
            return last.episode_key
    local = at.astimezone(tz)
    key = f"{rule_id}:{local.date().isoformat()}"
    if any(a.episode_key == key for a in prior):
        # With the UTC offset: unique even in the hour the clocks go back.
        key = f"{rule_id}:{local.isoformat(timespec='seconds')}"
    return key


def _dedup(
    ctx: _Context, rule_id: str, level: str, why: Mapping[str, Any], prior: list[PriorAlert],
    key: str,
) -> Deduplication | None:  # fmt: skip
    """Why a new team alert is NOT opened for this firing, or None to open one (A.0).

    `prior` are the rule's earlier alerts, oldest first; `key` is this firing's episode.
    """
    if level == URGENT or rule_id in NEVER_DEDUPLICATED:
        return None
    told = [a for a in prior if a.episode_key == key and a.team_alert]
    if not told:
        return None
    last = told[-1]
    if RANK[level] > RANK[last.level]:
        return None
    if rule_id in ctx.episode_keys:
        return Deduplication(rule_id, "the team was told about this already", last.at)
    at, windows = ctx.entry.at, ctx.rs.windows
    if at - last.at < windows.dedup:
        reason = f"team alerted for this episode {_ago(at - last.at)} ago at the same level"
        return Deduplication(rule_id, reason, last.at)
    if (
        rule_id in PERSISTENT_RULES
        and at - last.at < windows.persistent
        and _unchanged(last, why)
        and _persisted(ctx, prior, since=last.at, symptoms=_symptoms_of(why))
    ):
        reason = "persistent unchanged: re-notified only if it worsens, clears or after 7 days"
        return Deduplication(rule_id, reason, last.at)
    return None


def _unchanged(last: PriorAlert, why: Mapping[str, Any]) -> bool:
    """No grade above the last notified one and nothing new (a rule with no symptoms of its
    own is unchanged while it keeps firing)."""
    before, now = _symptoms_of(last.detail), _symptoms_of(why)
    return all(g <= before.get(c, 0) for c, g in now.items())


def _persisted(
    ctx: _Context, prior: list[PriorAlert], *, since: datetime, symptoms: Mapping[str, int]
) -> bool:
    """Each of `symptoms` was there on every entry since `since` and on every local day from
    then to today: one absent on an entry, or on a day, in between cleared and came back
    (even while another symptom kept the rule firing)."""
    fired = [a for a in prior if a.at >= since and set(symptoms) <= set(_symptoms_of(a.detail))]
    fired_entries = {a.entry_id for a in fired}
    if any(e.id not in fired_entries for e in ctx.inp.history if since < e.at < ctx.entry.at):
        return False
    days = {a.at.astimezone(ctx.tz).date() for a in fired}
    day = since.astimezone(ctx.tz).date()
    while day < ctx.day:
        if day not in days:
            return False
        day += timedelta(days=1)
    return True


def _ago(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h"


def _finish(
    ctx: _Context, levels: dict[str, str], whys: dict[str, dict[str, Any]]
) -> tuple[tuple[Firing, ...], tuple[str, ...], tuple[Deduplication, ...]]:
    at = ctx.entry.at
    by_rule: dict[str, list[PriorAlert]] = {}
    for alert in sorted(ctx.inp.prior_alerts, key=lambda a: a.at):
        if alert.at <= at:
            by_rule.setdefault(alert.rule_id, []).append(alert)
    firings, team, deduplicated = [], [], []
    for rule_id in sorted(levels):
        level = levels[rule_id]
        prior = by_rule.get(rule_id, [])
        key = ctx.episode_keys.get(rule_id) or _episode_key(
            rule_id, at, ctx.tz, prior, ctx.rs.windows
        )
        firings.append(Firing(rule_id, level, key, whys[rule_id]))
        if level not in TEAM_LEVELS or rule_id == "RISK-ESC":
            continue
        skipped = _dedup(ctx, rule_id, level, whys[rule_id], prior, key)
        if skipped is None:
            team.append(rule_id)
        else:
            deduplicated.append(skipped)
    return tuple(firings), tuple(team), tuple(deduplicated)


# Entry points -------------------------------------------------------------------------


def evaluate(inp: EvaluationInput) -> Evaluation:
    """Evaluate one entry against every active rule; see the module docstring."""
    rs = _ruleset(inp.rules)
    ctx = _Context(inp, rs)
    fired = {r: why for r, why in _entry_rules(ctx).items() if rs.active[r]}
    fired, suppressed = _suppress(ctx, fired)
    # Last: it counts this entry's infection rules, once all have fired and none suppressed.
    _due_with_infection(ctx, fired)
    levels = _levels(rs, inp.profile, fired)
    firings, team, deduplicated = _finish(ctx, levels, fired)
    level = level_max(levels.values())
    remeasure = [
        DEFAULT_RULES[r].remeasure_minutes
        for r in levels
        if DEFAULT_RULES[r].remeasure_minutes and level != URGENT
    ]
    return Evaluation(
        fired=firings,
        suppressed=tuple(sorted(suppressed, key=lambda s: s.rule_id)),
        level=level,
        prompt_key=PROMPT_KEYS[level],
        team_alerts=team,
        deduplicated=deduplicated,
        remeasure_minutes=min(remeasure) if remeasure else None,
    )


def evaluate_sweep(inp: SweepInput) -> SweepResult:
    """Run the periodic rules as of `inp.as_of` (DIARY-GAP-2/3, DIARY-FOLLOWUP, INJ-MISSED,
    and the pre-dose check INJ-DUE-INF).

    Idempotent in effect: each firing carries an episode key naming what it is about
    (the first missed day, the warning it follows up, the missed dose), and the caller
    records one alert per (rule, episode key).
    """
    rs = _ruleset(inp.rules)
    tz = zone(inp.profile.timezone)
    today = inp.as_of.astimezone(tz).date()
    whys: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}

    # Missed diary: consecutive ended days with no entry, back from yesterday.
    entry_days = {t.astimezone(tz).date() for t in inp.entry_times if t <= inp.as_of}
    first_day = inp.profile.enrolled_at.astimezone(tz).date() if inp.profile.enrolled_at else None
    missed: list[date] = []
    day = today - timedelta(days=1)
    while day not in entry_days and (first_day is None or day >= first_day):
        missed.append(day)
        day -= timedelta(days=1)
        if first_day is None and len(missed) > 60:
            break
    for rule_id in ("DIARY-GAP-2", "DIARY-GAP-3"):
        if rs.active[rule_id] and missed and len(missed) >= rs.p(rule_id, "days"):
            whys[rule_id] = {"missed_days": [d.isoformat() for d in reversed(missed)],
                             "thresholds": {"days": rs.p(rule_id, "days")}}  # fmt: skip
            keys[rule_id] = f"{rule_id}:{missed[-1].isoformat()}"

    # No news after a warning: the latest entry-based CONTACT/URGENT alert.
    warnings = [a for a in inp.prior_alerts if a.level in TEAM_LEVELS and a.entry_id is not None
                and a.at <= inp.as_of]  # fmt: skip
    if warnings and rs.active["DIARY-FOLLOWUP"]:
        last = max(warnings, key=lambda a: a.at)
        later = any(t > last.at for t in inp.entry_times if t <= inp.as_of)
        hours = rs.p("DIARY-FOLLOWUP", "hours")
        if not later and inp.as_of - last.at >= timedelta(hours=hours):
            whys["DIARY-FOLLOWUP"] = {"warning_rule": last.rule_id, "warning_level": last.level,
                                      "warning_at": last.at.isoformat(),
                                      "thresholds": {"hours": hours}}  # fmt: skip
            keys["DIARY-FOLLOWUP"] = f"DIARY-FOLLOWUP:{last.at.isoformat()}"

    # Missed dose, the first one included when the team planned it (first_dose_at).
    if rs.active["INJ-MISSED"]:
        dose = dosing.missed_dose(
            [(i.at, i.dose) for i in inp.injections if i.at <= inp.as_of],
            tz=tz,
            as_of=inp.as_of,
            first_dose_at=inp.profile.first_dose_at,
            grace_days=rs.p("INJ-MISSED", "grace_days"),
        )
        if dose is not None:
            whys["INJ-MISSED"] = {"dose": dose.number, "due": dose.due.isoformat(),
                                  "thresholds": {"grace_days": rs.p("INJ-MISSED", "grace_days")}}  # fmt: skip
            keys["INJ-MISSED"] = f"INJ-MISSED:{dose.number}:{dose.due.isoformat()}"

    # A dose falls due while an infection alert stands: check before injecting.
    check = pre_dose_check(inp.profile, inp.injections, inp.prior_alerts, as_of=inp.as_of,
                           rules=rs)  # fmt: skip
    if check is not None:
        keys["INJ-DUE-INF"], whys["INJ-DUE-INF"] = check

    firings, team, deduplicated = [], [], []
    seen = {(a.rule_id, a.episode_key) for a in inp.prior_alerts}
    for rule_id in sorted(whys):
        level = rs.levels[rule_id]
        firings.append(Firing(rule_id, level, keys[rule_id], whys[rule_id]))
        if level not in TEAM_LEVELS:
            continue
        if (rule_id, keys[rule_id]) in seen:
            deduplicated.append(Deduplication(rule_id, "already raised for this episode"))
        else:
            team.append(rule_id)
    return SweepResult(
        fired=tuple(firings),
        level=level_max(f.level for f in firings),
        team_alerts=tuple(team),
        deduplicated=tuple(deduplicated),
    )
