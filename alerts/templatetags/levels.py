"""The levels in templates: their words (alerts.models.Level's labels, the ones the patient
reads) and the questions pages ask of a level, so no template compares "URGENT" itself."""

from __future__ import annotations

from django import template

from alerts.models import Level
from alerts.rules.levels import CONTACT, NONE, RANK, TEAM_LEVELS, URGENT, WATCH

register = template.Library()

# The colour a level is drawn in (Bootstrap's names): border-…, alert-…, text-….
TONES = {URGENT: "danger", CONTACT: "warning"}


@register.filter
def level_words(level: str) -> str:
    """A level's words, as the patient's prompt says them (Level's label)."""
    return str(Level(level).label) if level in Level.values else ""


@register.filter
def level_tone(level: str) -> str:
    return TONES.get(level, "secondary")


@register.filter
def is_urgent(level: str) -> bool:
    return level == URGENT


@register.filter
def is_watch(level: str) -> bool:
    return level == WATCH


@register.filter
def is_none(level: str) -> bool:
    """NONE: nothing to act on (a standing concern at NONE: the patient reached someone)."""
    return level == NONE


@register.simple_tag
def team_levels() -> list[str]:
    """The team alert levels, highest first (the queue's level filter)."""
    return sorted(TEAM_LEVELS, key=RANK.__getitem__, reverse=True)
