"""What the patient reported, in words: the first line of every reason (clinical-rules.md §5,
"The lead reason names what the patient reported").

A title such as "Severe breathing problem" covers signs the patient may not have ticked; the
patient, the nurse and anyone the patient repeats it to read first what was actually
reported ("You ticked: Slurred speech or new confusion").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from symptoms.catalogue import symptoms_by_code
from symptoms.models import Symptom
from symptoms.readings import local_number

# The vital signs a rule's "why" may carry, with their words.
VITAL_WORDS = {
    "heart_rate": gettext_lazy("heart rate %(value)s a minute"),
    "resp_rate": gettext_lazy("breathing rate %(value)s a minute"),
    "spo2": gettext_lazy("oxygen level %(value)s %%"),
    "systolic_bp": gettext_lazy("blood pressure (top number) %(value)s"),
}


def _grade(value: Any) -> int:
    if isinstance(value, Mapping):  # a rise: {"from": 0, "to": 2}
        value = value.get("to", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def reported_items(why: Mapping[str, Any]) -> list[str]:
    """The symptoms and warning signs of §1's catalogue that a firing used, in words:
    warning signs first, then symptoms with their grade ("Cough (severe)")."""
    catalogue = symptoms_by_code()
    codes: dict[str, int] = {}
    for key in ("red_flags", "with"):
        for code in why.get(key) or ():
            if isinstance(code, str):
                codes.setdefault(code, 1)
    symptoms = why.get("symptoms")
    if isinstance(symptoms, Mapping):
        for code, value in symptoms.items():
            if _grade(value):
                codes.setdefault(code, _grade(value))
    items = []
    for code, grade in codes.items():
        symptom = catalogue.get(code)
        if symptom is None:
            items.append(code.replace("_", " "))
        elif symptom.is_red_flag or symptom.kind == Symptom.Kind.FLAG:
            items.append(symptom.label)
        else:
            items.append(f"{symptom.label} ({symptom.grade_after_name(grade)})")
    return items


def recorded_items(why: Mapping[str, Any]) -> list[str]:
    """The readings a firing used, in words and units ("35.0 °C", "101.1 °F (38.4 °C)")."""
    items = []
    for reading in why.get("readings") or ():
        if not isinstance(reading, Mapping) or "value" not in reading:
            continue
        text = f"{local_number(reading['value'])} °{reading.get('unit', 'C')}"
        if reading.get("unit") == "F" and reading.get("value_c") is not None:
            text += f" ({local_number(reading['value_c'])} °C)"
        items.append(text)
    for key, words in VITAL_WORDS.items():
        value = why.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            items.append(str(words) % {"value": value})
    return list(dict.fromkeys(items))


def reason_line(why: Mapping[str, Any], *, kept_for: str = "", team: bool = False) -> str:
    """ "You ticked: Slurred speech or new confusion." (and "You recorded: 38.6 °C.").

    kept_for: the patient's first name when a caregiver reads it; team: the nurse's words.
    Empty when the firing used nothing the patient entered (a missed diary, a dose).
    """
    if not isinstance(why, Mapping):
        return ""
    ticked, recorded = ", ".join(reported_items(why)), ", ".join(recorded_items(why))
    lines = []
    if team:
        if ticked or recorded:
            items = "; ".join(filter(None, [ticked, recorded]))
            lines.append(_("Reported: %(items)s.") % {"items": items})
        return " ".join(lines)
    if ticked:
        if kept_for:
            lines.append(_("Ticked for %(name)s: %(items)s.") % {"name": kept_for, "items": ticked})
        else:
            lines.append(_("You ticked: %(items)s.") % {"items": ticked})
    if recorded:
        if kept_for:
            lines.append(
                _("Recorded for %(name)s: %(items)s.") % {"name": kept_for, "items": recorded}
            )
        else:
            lines.append(_("You recorded: %(items)s.") % {"items": recorded})
    return " ".join(lines)
