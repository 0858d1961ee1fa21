"""What stands for a patient after an entry: one concern (docs/clinical-rules.md §5), as pure
functions over plain values.

The rules decide what an *entry* means; this decides what a new set of firings does to the
patient's open concern (opens it, raises it, joins it), which of its alerts leads, and
what advice stands for the patient. alerts/care/concerns.py applies it to the rows; the
scenario replay and the tests read the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alerts.rules.definitions import DEFAULT_RULES, Kind
from alerts.rules.levels import CONTACT, NONE, RANK, TEAM_LEVELS, URGENT, level_max

# The rule table's order (§3 A.1): among rules that qualify alike, the first leads.
TABLE_ORDER = {rule_id: index for index, rule_id in enumerate(DEFAULT_RULES)}
# RISK-ESC raises other rules; it is never the reason.
NEVER_LEADS = frozenset(r for r, d in DEFAULT_RULES.items() if d.kind is Kind.MODIFIER)
# Rules whose words are for the team only (§6, LAB-*): they open or join the concern but the
# patient's standing advice never comes from them.
TEAM_ONLY_FAMILIES = frozenset({"lab"})


class Transition:
    """What recording one entry's (or one sweep's) firings does to the concern."""

    OPENED = "opened"  # there was none open: it opens
    RAISED = "raised"  # its level rises
    URGENT = "urgent"  # an URGENT firing at URGENT: never held back (§3), told again
    JOINED = "joined"  # added at the same or a lower level: nobody is told
    NOTHING = ""  # nothing at CONTACT or URGENT: the concern is untouched

    # The transitions that send one message (to the owner, else the team's route), clear
    # "acknowledged" and "reached", and start a new wait for the response target.
    TOLD = frozenset({OPENED, RAISED, URGENT})


def reported_codes(why: Mapping[str, Any]) -> frozenset[str]:
    """The catalogue codes (§1: symptoms and warning signs) that a firing's "why" says the
    patient reported: the inputs by which it qualifies to lead."""
    found: set[str] = set()
    symptoms = why.get("symptoms")
    if isinstance(symptoms, Mapping):
        for code, grade in symptoms.items():
            if isinstance(grade, Mapping):  # a rise: {"from": 0, "to": 2}
                grade = grade.get("to", 0)
            if grade:
                found.add(code)
    for key in ("red_flags", "with"):  # HBV-SEV lists its severe signs under "with"
        value = why.get(key)
        if isinstance(value, list | tuple):
            found.update(code for code in value if isinstance(code, str))
    return frozenset(found)


def patient_facing(rule_id: str) -> bool:
    """Whether the patient was told this rule's advice (every rule but the team's LAB-*)."""
    definition = DEFAULT_RULES.get(rule_id)
    return definition is None or definition.family not in TEAM_ONLY_FAMILIES


def joins(rule_id: str, level: str, why: Mapping[str, Any]) -> bool:
    """Whether a recorded firing belongs to the concern: CONTACT or URGENT, and not quieted
    by the team for this patient (a quiet means "do not queue this for us")."""
    return level in TEAM_LEVELS and not why.get("quieted")


@dataclass(frozen=True)
class Member:
    """One alert of a concern, as the lead and the levels read it."""

    key: Any  # the Alert's id (or any stable key)
    rule_id: str
    level: str
    source: Any  # the entry (or sweep run) that recorded it: alerts of one source share it
    at: datetime  # when its source happened
    reported: frozenset[str] = frozenset()
    resolved: bool = False

    @property
    def patient_facing(self) -> bool:
        return patient_facing(self.rule_id)


def level_of(members: Iterable[Member], *, patient: bool = False) -> str:
    """The concern's level: the highest among its unresolved alerts (NONE when there are
    none). patient=True: among those whose advice the patient was given."""
    return level_max(
        m.level
        for m in members
        if not m.resolved and m.level in TEAM_LEVELS and (not patient or m.patient_facing)
    )


def lead(members: Iterable[Member], *, patient: bool = False) -> Member | None:
    """The alert whose reason is read first (§5).

    Among the unresolved alerts at the concern's level, from the entry (or sweep) that first
    reached that level: the first in the rule table of those that used something the patient
    reported (a symptom or warning sign of §1's catalogue); with none, the first in the
    table. RISK-ESC never leads. patient=True: the same among the patient-facing alerts.
    """
    candidates = [
        m
        for m in members
        if not m.resolved
        and m.rule_id not in NEVER_LEADS
        and (not patient or m.patient_facing)
        and m.level in TEAM_LEVELS
    ]
    if not candidates:
        return None
    top = level_max(m.level for m in candidates)
    at_top = [m for m in candidates if m.level == top]
    first = min(at_top, key=lambda m: (m.at, str(m.source)))
    source = [m for m in at_top if m.source == first.source]
    return min(source, key=lambda m: (not m.reported, TABLE_ORDER.get(m.rule_id, len(TABLE_ORDER))))


def transition(open_level: str | None, new_levels: Iterable[str]) -> str:
    """What new firings (of one entry or sweep) do to the concern whose level is
    `open_level` (None: no concern is open). Only CONTACT and URGENT firings count."""
    levels = [level for level in new_levels if level in TEAM_LEVELS]
    if not levels:
        return Transition.NOTHING
    if open_level is None or open_level == NONE:
        return Transition.OPENED
    highest = level_max(levels)
    if RANK[highest] > RANK[open_level]:
        return Transition.RAISED
    if URGENT in levels:
        return Transition.URGENT
    return Transition.JOINED


def standing_level(advice_level: str, *, reached: bool) -> str:
    """The level of the advice that stands for the patient: the concern's patient-facing
    level until the patient (or caregiver) says they reached someone. WATCH never stands."""
    if reached or advice_level not in (CONTACT, URGENT):
        return NONE
    return advice_level
