"""VAC-LIVE's reading of a free-text vaccination plan.

Named live or live-attenuated vaccines (clinical-rules.md VAC-LIVE, [K5][K28]) are matched
as whole words from their start (brand variants such as MMRV, MMRvaxPro, LAIV4 included).
A plan the patient did not tick as live counts as live when its text names one of these,
or speaks of a live vaccine ("live vaccine", "MMR (live)", "it's live") without a negation
("non-live", "not live", "no live"), or is unsure whether it is live.
"""

from __future__ import annotations

import re

# A table: one vaccine per line, its name as the team reads it and the words that name it.
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
_NAMED = [
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
    if not text:  # most entries plan no vaccine: skip the patterns
        return []
    named = [name for name, pattern in _NAMED if pattern.search(text)]
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
