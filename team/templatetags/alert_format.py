"""Readable text for an alert's "why" and parameters (they are stored as plain JSON)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from patients.models import Patient
from symptoms.catalogue import symptoms_by_code
from symptoms.models import Symptom
from symptoms.readings import local_number
from team.labs import is_lab_why, lab_why_text

register = template.Library()

# Symptom code -> the label patients see, so a clinician reads "Extreme shivering or
# severe muscle pain", not "extreme_shivering" (symptoms/catalogue.py).


def symptom_labels() -> dict[str, str]:
    return {code: s.label for code, s in symptoms_by_code().items()}


def _name(key: str) -> str:
    return symptom_labels().get(key) or str(LABELS.get(key) or key.replace("_", " "))


LABELS = {
    "value_c": "°C",
    "threshold_c": _("threshold"),
    "fever_c": _("fever"),
    "below_c": _("below"),
    "low_c": pgettext_lazy("lower bound", "from"),
    "high_c": _("below"),
    "at_or_below_c": _("at or below"),
    "min_grade": _("min grade"),
    "min_gap_minutes": _("min gap (min)"),
    "window_hours": _("window (h)"),
    "previous_entry": _("previous entry"),
    "elevated_risk": _("elevated risk"),
}


def _when(text: str) -> str | None:
    try:
        at = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    # The reader's month names ("4 Dez" in German, not "04 Dec").
    if at.tzinfo is None:
        return date_format(at, "j M")
    return date_format(timezone.localtime(at), "j M H:i")


def _reading(item: dict) -> str:
    """The team's °C first, a °F patient's own reading in brackets: "38.4 °C (101.1 °F)"."""
    unit = item.get("unit", "C")
    if unit == "F" and item.get("value_c") is not None:
        text = f"{local_number(item['value_c'])} °C ({local_number(item['value'])} °F)"
    else:
        text = f"{local_number(item['value'])} °{unit}"
    if item.get("confirmed"):
        text += str(_(", re-measure"))
    when = _when(item.get("at", "")) if item.get("at") else None
    return str(_("%(reading)s at %(when)s") % {"reading": text, "when": when}) if when else text


def _pair(key: str, value) -> str:
    """ "threshold 38.3 °C" for a value in °C, else "name value"."""
    if key.endswith("_c") and isinstance(value, (str, int, float)) and key != "value_c":
        return f"{_name(key)} {local_number(value)} °C"
    symptom = symptoms_by_code().get(key)
    if symptom is not None and isinstance(value, int) and not isinstance(value, bool):
        return _grade_text(key, value)
    if symptom is not None and isinstance(value, dict) and {"from", "to"} <= set(value):
        words = [
            symptom.grade_after_name(int(value[k])) if value[k] else str(_("none"))
            for k in ("from", "to")
        ]
        return f"{symptom.label}: {words[0]} → {words[1]}"
    return f"{_name(key)} {describe(value)}"


def describe(value) -> str:
    if is_lab_why(value):  # a LAB-* rule's result, its limit and the date (§6)
        return lab_why_text(value)
    if isinstance(value, dict):
        if "value" in value and "unit" in value:
            return _reading(value)
        if "from" in value and "to" in value and len(value) == 2:
            return f"{value['from']} → {value['to']}"
        return ", ".join(_pair(k, v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(describe(v) for v in value) or str(_("none"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        looks_iso = len(value) >= 10 and value[:4].isdigit() and value[4] == "-"
        if looks_iso:
            return _when(value) or value
        return symptom_labels().get(value) or _er_reason(value) or value
    return str(value)


def _er_reason(code: str) -> str | None:
    """An elevated-risk reason in words ("low_ig" → "IgG or IgM below normal")."""
    field = Patient.ER_FIELDS.get(code)
    return str(Patient._meta.get_field(field).verbose_name) if field else None


@register.filter
def why_text(value) -> str:
    """e.g. [{'value': '101.1', 'unit': 'F', 'value_c': '38.4', ...}] → '101.1 °F (38.4 °C) at …'"""
    return describe(value)


# The headings of "Why this alert", in the reader's language ("Readings" and "Thresholds"
# stood in English on the German page).
WHY_HEADINGS = {
    "readings": _("Readings"),
    "thresholds": _("Thresholds"),
    "symptoms": _("Symptoms"),
    "red_flags": _("Warning signs"),
    "elevated_risk": _("Elevated risk"),
    "temperature_c": _("Temperature"),
    "daily_max_c": _("Highest temperature of the day"),
    "heart_rate": _("Pulse"),
    "resp_rate": _("Breathing rate"),
    "systolic_bp": _("Systolic blood pressure"),
    "spo2": _("Oxygen saturation"),
    "hours_since_injection": _("Since the injection"),
    "previous_entry": _("Previous entry"),
    "next_dose": _("Next dose"),
    "due": _("Due"),
    "flag": _("Risk flag"),
    "hbv_risk": _("Hepatitis B risk"),
    "infection_rules": _("Infection rules that fired"),
    "vaccines": _("Vaccines"),
    "plan": _("Plan"),
    "quieted": _("Quieted for this patient"),
    "score": _("Score"),
    "days": _("Days"),
    "rise": _("Rise"),
    "parameters": _("Settings"),
}


@register.filter
def label(key: str) -> str:
    """A "why" key as a heading: translated where known, else made readable."""
    known = WHY_HEADINGS.get(str(key))
    return str(known) if known is not None else str(key).replace("_", " ").capitalize()


# The values that made alerts fire, in words and units, for the queue's one line per
# patient: "39.4 °C", "Breathlessness: severe", "Warning sign: new confusion".

_VITALS = {
    "heart_rate": (_("Pulse"), "/min"),
    "resp_rate": (_("Breathing"), "/min"),
    "systolic_bp": (_("Systolic BP"), " mmHg"),
    "spo2": (_("Oxygen"), " %"),
}


def _grade_text(code: str, grade) -> str:
    if isinstance(grade, dict):  # a rise: {"from": 0, "to": 2}
        grade = grade.get("to", 0)
    symptom = symptoms_by_code().get(code)
    if symptom is None:
        return code.replace("_", " ")
    if symptom.is_red_flag:
        return str(_("Warning sign: %(name)s") % {"name": symptom.label})
    if symptom.kind == Symptom.Kind.FLAG or not isinstance(grade, int):
        return symptom.label
    return f"{symptom.label}: {symptom.grade_after_name(grade)}"


def _hours_after(hours) -> str:
    minutes = round(float(hours) * 60)
    if minutes < 90:
        return str(_("%(n)d minutes after the injection") % {"n": minutes})
    return str(_("%(n)d hours after the injection") % {"n": round(minutes / 60)})


def _lab_values(whys: list[dict]) -> list[str]:
    """Each laboratory result once: a result that fired LAB-IG-LOW and LAB-IG-REVIEW is
    said with its review level (the stricter of the two)."""
    by_result: dict[object, dict] = {}
    for why in whys:
        if not is_lab_why(why):
            continue
        key = why.get("result", id(why))
        if key not in by_result or why.get("review_at_or_below") is not None:
            by_result[key] = why
    return [lab_why_text(why) for why in by_result.values()]


@register.filter
def lab_why(why) -> str:
    """A LAB-* alert's why in one line ("" for any other alert)."""
    return lab_why_text(why)


def fired_values_of(whys: list[dict]) -> list[str]:
    """The readings, symptoms and vitals of several alerts' "why", each said once, the
    highest temperature first. Keys this does not know are left to the rule's title."""
    out: list[str] = _lab_values(whys)
    readings = [r for why in whys for r in why.get("readings", []) if isinstance(r, dict)]
    if readings:
        top = max(readings, key=lambda r: float(r.get("value_c") or r.get("value") or 0))
        out.append(_reading({k: v for k, v in top.items() if k != "at"}))
    else:
        temps = [why[k] for why in whys for k in ("temperature_c",) if why.get(k)]
        if temps:
            out.append(f"{local_number(max(temps, key=float))} °C")
    grades: dict[str, object] = {}
    for why in whys:
        symptoms = why.get("symptoms")
        if isinstance(symptoms, dict):
            for code, grade in symptoms.items():
                grades.setdefault(code, grade)
        for code in why.get("red_flags") or []:
            grades.setdefault(code, 1)
    out += [_grade_text(code, grade) for code, grade in grades.items()]
    for why in whys:
        for key, (name, unit) in _VITALS.items():
            value = why.get(key)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                out.append(f"{name} {local_number(value)}{unit}")
        if why.get("hours_since_injection") is not None:
            out.append(_hours_after(why["hours_since_injection"]))
    return list(dict.fromkeys(out))


@register.filter
def fired_values(alerts) -> list[str]:
    """The values of several alerts; the first alert's own first (a queue row's lead: the
    35.0 °C that raised an URGENT before the day's highest temperature)."""
    alerts = [a for a in alerts if isinstance(a.why, dict)]
    if not alerts:
        return []
    return list(
        dict.fromkeys(fired_values_of([alerts[0].why]) + fired_values_of([a.why for a in alerts]))
    )


@register.filter
def duration_words(value) -> str:
    """A timedelta as a nurse reads it: "25 min", "3 h 10 min", "2 days 10 h"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return str(
            ngettext("%(d)d day %(h)d h", "%(d)d days %(h)d h", days) % {"d": days, "h": hours}
        )
    if hours and not minutes:
        return str(_("%(h)d h") % {"h": hours})  # "4 h", not "4 h 0 min"
    if hours:
        return str(_("%(h)d h %(m)d min") % {"h": hours, "m": minutes})
    return str(_("%(m)d min") % {"m": minutes})


@register.filter
def response_time(value, unit: str = "minutes") -> str:
    """A report's median or percentile in words: minutes ("2672.9") or working hours as
    "1 day 20 h" / "3 h 10 min"; "—" when there is none."""
    if value is None:
        return "—"
    seconds = float(value) * (3600 if unit == "working hours" else 60)
    return duration_words(timedelta(seconds=round(seconds)))


@register.filter
def fired_why(why) -> list[str]:
    """One alert's values in words and units (see fired_values_of)."""
    return fired_values_of([why]) if isinstance(why, dict) else []


@register.filter
def overdue_at(concern, now):
    """How long past its response target a concern nobody has acknowledged is (or None)."""
    return concern.overdue(now) if concern is not None else None


@register.filter
def unbroken(value) -> str:
    """A reference or a number kept on one line ("P-8JBZTWV7" never breaks at its hyphen)."""
    return format_html('<span class="text-nowrap">{}</span>', value)
