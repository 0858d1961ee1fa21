"""Which of the team's quiets, if any, applies to a firing (alerts.models.Quieting).

Pure: the quiets come in as plain values (alerts.rules.values.Quiet). The rules of
docs/clinical-safety.md ("Quieting a rule for one patient"):

- An URGENT firing is never quieted, whatever was quieted and however it got there.
- A rule quiet applies to that rule's CONTACT (or lower) firings.
- A symptom quiet applies only to a firing of a rule that is not an infection rule, and
  only when every symptom the firing is about is quieted: a quieted fatigue never hides a
  fever, a cough, or fatigue together with jaundice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from alerts.rules.definitions import DEFAULT_RULES
from alerts.rules.levels import URGENT
from alerts.rules.values import Quiet


def firing_symptoms(why: Mapping[str, Any]) -> set[str]:
    """The symptom codes a firing is about (its why's "symptoms")."""
    return set(why.get("symptoms") or {})


def quieted_by(
    quiets: Iterable[Quiet], rule_id: str, level: str, why: Mapping[str, Any]
) -> Quiet | None:
    """The quiet that holds this firing back from the team, or None to tell the team."""
    if level == URGENT:
        return None
    quiets = tuple(quiets)
    for quiet in quiets:
        if quiet.rule_id and quiet.rule_id == rule_id:
            return quiet
    definition = DEFAULT_RULES.get(rule_id)
    if definition is None or definition.infection:
        return None
    symptoms = firing_symptoms(why)
    quieted = {q.symptom_code: q for q in quiets if q.symptom_code}
    if symptoms and symptoms <= set(quieted):
        return quieted[sorted(symptoms)[0]]
    return None
