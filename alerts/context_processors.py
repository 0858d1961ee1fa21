"""The advice that stands, for every page a patient or caregiver opens (clinical-rules.md §5:
"on every page"). Read only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alerts.care.prompts import standing_advice


def standing(request: HttpRequest) -> dict[str, Any]:
    """`standing_strip`: the patient's open concern whose advice stands (None otherwise).
    Lazy: base.html reads it only for a patient or a caregiver, so the team's pages pay
    no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {"standing_strip": None}

    def load():
        kept = user.kept_diary()
        if kept is None:
            return None
        concern = standing_advice(kept[0])
        return concern if concern is not None and concern.standing != "NONE" else None

    return {"standing_strip": SimpleLazyObject(load)}
