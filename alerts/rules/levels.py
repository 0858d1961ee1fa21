"""The levels of clinical-rules.md A.0, lowest first: their one definition.

alerts.models.Level adds the words people read; everything else compares these.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Level(StrEnum):
    NONE = "NONE"
    WATCH = "WATCH"
    CONTACT = "CONTACT"
    URGENT = "URGENT"


NONE, WATCH, CONTACT, URGENT = Level.NONE, Level.WATCH, Level.CONTACT, Level.URGENT
LEVELS = tuple(Level)
RANK = {level: rank for rank, level in enumerate(LEVELS)}
# A team alert is a CONTACT or URGENT one.
TEAM_LEVELS = frozenset({CONTACT, URGENT})
# The patient's prompt for the highest level of an entry.
PROMPT_KEYS = {
    NONE: "thank_you",
    WATCH: "keep_monitoring",
    CONTACT: "contact_today",
    URGENT: "seek_now",
}


def level_max(levels: Iterable[str]) -> str:
    """The highest of `levels` (NONE when there are none)."""
    highest = NONE
    for level in levels:
        if RANK[level] > RANK[highest]:
            highest = level
    return highest
