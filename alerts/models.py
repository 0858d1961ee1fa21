"""The app's models, each defined in the package it belongs to (Django looks here).

- the published rule set: alerts/ruleset/models.py
- rule authoring (drafts, what-if runs): alerts/authoring/models.py
- the care record (alerts, concerns, outcomes, notifications, follow-ups, quietings):
  alerts/care/models.py
- the on-call rota (weekly pattern, swaps, paging steps): alerts/care/rota_models.py
- delivery's own rows (digests, the beat's heartbeat): alerts/delivery/models.py

Code outside alerts/ imports them from here; code inside imports them from their home.
"""

from alerts.authoring.models import DRAFT_FIELDS, RuleDraft, WhatIfRun, rule_changes
from alerts.care.models import (
    Alert,
    Concern,
    ConcernEvent,
    EntryOutcome,
    Episode,
    EscalationStep,
    FollowUp,
    Notification,
    Quieting,
    ResolutionAction,
)
from alerts.care.rota_models import PageStep, RotaShift, RotaSwap, Weekday
from alerts.delivery.models import Digest, Heartbeat
from alerts.ruleset.models import (
    LEVEL_RANK,
    TEAM_LEVELS,
    AlertRule,
    EducationPage,
    EngineSettings,
    Level,
    level_rank,
)

__all__ = [
    "DRAFT_FIELDS",
    "LEVEL_RANK",
    "TEAM_LEVELS",
    "Alert",
    "AlertRule",
    "Concern",
    "ConcernEvent",
    "Digest",
    "EducationPage",
    "EngineSettings",
    "EntryOutcome",
    "Episode",
    "EscalationStep",
    "FollowUp",
    "Heartbeat",
    "Level",
    "Notification",
    "PageStep",
    "Quieting",
    "ResolutionAction",
    "RotaShift",
    "RotaSwap",
    "RuleDraft",
    "Weekday",
    "WhatIfRun",
    "level_rank",
    "rule_changes",
]
