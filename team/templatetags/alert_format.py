"""Readable text for an alert's "why" and parameters (they are stored as plain JSON)."""

from __future__ import annotations

import time
from datetime import datetime

from django import template
from django.utils import timezone

from symptoms.models import Symptom

register = template.Library()

# Symptom code -> the label patients see, so a clinician reads "Extreme shivering or
# severe muscle pain", not "extreme_shivering". Reloaded every few minutes in each
# process, so a label edited in the admin shows without a restart.
_LABELS_TTL = 300.0
_symptom_labels: tuple[float, dict[str, str]] = (0.0, {})


def symptom_labels() -> dict[str, str]:
    global _symptom_labels
    loaded_at, labels = _symptom_labels
    if time.monotonic() - loaded_at > _LABELS_TTL or not labels:
        labels = dict(Symptom.objects.values_list("code", "label"))
        _symptom_labels = (time.monotonic(), labels)
    return labels


def _name(key: str) -> str:
    return symptom_labels().get(key) or LABELS.get(key) or key.replace("_", " ")


LABELS = {
    "value_c": "°C",
    "threshold_c": "threshold °C",
    "min_grade": "min grade",
    "min_gap_minutes": "min gap (min)",
    "window_hours": "window (h)",
}


def _when(text: str) -> str | None:
    try:
        at = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if at.tzinfo is None:
        return at.strftime("%d %b")
    return timezone.localtime(at).strftime("%d %b %H:%M")


def _reading(item: dict) -> str:
    unit = item.get("unit", "C")
    text = f"{item['value']} °{unit}"
    if unit == "F" and item.get("value_c") is not None:
        text += f" ({item['value_c']} °C)"
    if item.get("confirmed"):
        text += ", re-measure"
    when = _when(item.get("at", "")) if item.get("at") else None
    return f"{text} at {when}" if when else text


def describe(value) -> str:
    if isinstance(value, dict):
        if "value" in value and "unit" in value:
            return _reading(value)
        if "from" in value and "to" in value and len(value) == 2:
            return f"{value['from']} → {value['to']}"
        return ", ".join(f"{_name(k)} {describe(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(describe(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        looks_iso = len(value) >= 10 and value[:4].isdigit() and value[4] == "-"
        if looks_iso:
            return _when(value) or value
        return symptom_labels().get(value, value)
    return str(value)


@register.filter
def why_text(value) -> str:
    """e.g. [{'value': '101.1', 'unit': 'F', 'value_c': '38.4', ...}] → '101.1 °F (38.4 °C) at …'"""
    return describe(value)


@register.filter
def label(key: str) -> str:
    return str(key).replace("_", " ").capitalize()
