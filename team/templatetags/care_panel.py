"""What the patient page's care panel shows (templates/team/care/_panel.html), read by the
panel itself so the patient page needs no more than the one include."""

from __future__ import annotations

from django import template
from django.utils import timezone

from alerts.models import Quieting

register = template.Library()


@register.simple_tag
def active_quiets(patient) -> list[Quieting]:
    """The patient's quiets in force now (one query)."""
    return list(
        Quieting.objects.filter(patient=patient)
        .active(timezone.now())
        .select_related("rule")
        .order_by("expires_at")
    )
