"""The reason's first line in templates: {% reason_line why %} (alerts/care/reasons.py)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

from alerts.care import reasons
from alerts.models import FollowUp

register = template.Library()


@register.simple_tag
def reason_line(why, kept_for=None, team=False) -> str:
    """kept_for: the patient (a Patient) when a caregiver reads it; team=True for the nurse."""
    user = getattr(kept_for, "user", None)  # '' when the page has no kept_for
    name = user.first_name if user is not None else ""
    return reasons.reason_line(why or {}, kept_for=name, team=bool(team))


# "Did you reach someone?" in the third person for a caregiver (FollowUp.Answer's values).
FOR_CAREGIVER = {
    "care_team": gettext_lazy("Yes, their MS care team"),
    "gp": gettext_lazy("Yes, their GP"),
    "urgent_care": gettext_lazy("Yes, urgent care or NHS 111"),
    "ed": gettext_lazy("Yes, the emergency department or an ambulance"),
    "not_yet": gettext_lazy("Not yet"),
}


@register.simple_tag
def reached_choices(kept_for=None) -> list[tuple[str, str]]:
    """The answers to "Have you spoken to someone?", in the reader's person."""
    if getattr(kept_for, "user", None) is None:
        return list(FollowUp.Answer.choices)
    return [(value, FOR_CAREGIVER[value]) for value in FollowUp.Answer.values]
