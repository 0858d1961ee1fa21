"""What the evaluator is given and what it returns: plain frozen values, no ORM."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from alerts.rules.config import RuleConfig, RuleSet
from symptoms.readings import to_celsius


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Inputs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    timezone: str
    elevated_risk: frozenset[str] = frozenset()
    hbv_risk: bool = False
    enrolled_at: datetime | None = None
    # The first dose the team planned, for the dose rules before any dose is logged.
    first_dose_at: datetime | None = None
    # The end of the latest pause the team set (Patient.paused_until), once passed: the
    # missed-diary rules never count a day before it.
    resumed_at: datetime | None = None

    @property
    def er(self) -> bool:
        """An elevated-risk patient (any of the team's risk factors)."""
        return bool(self.elevated_risk)


@dataclass(frozen=True, slots=True)
class Injection:
    at: datetime
    dose: int | None = None


@dataclass(frozen=True, slots=True)
class Temperature:
    value: Decimal
    unit: str
    at: datetime
    confirmed: bool = False
    site: str = ""
    value_c: Decimal = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_c", to_celsius(self.value, self.unit))


@dataclass(frozen=True, slots=True)
class Vital:
    value: int
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    id: int | str
    at: datetime
    temperatures: tuple[Temperature, ...] = ()
    symptoms: Mapping[str, int] = field(default_factory=dict)
    red_flags: frozenset[str] = frozenset()
    vitals: Mapping[str, Vital] = field(default_factory=dict)
    antipyretic_6h: bool = False
    planned_vaccine_live: bool = False  # the patient's tick
    reported_by: str = "patient"
    planned_vaccine: str = ""  # the plan as typed


@dataclass(frozen=True, slots=True)
class PriorAlert:
    """An alert recorded earlier (WATCH and de-duplicated ones too)."""

    rule_id: str
    level: str
    at: datetime
    entry_id: int | str | None
    episode_key: str
    team_alert: bool
    detail: Mapping[str, Any] = field(default_factory=dict)
    # When the care team resolved it: a resolved alert closes its episode.
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Quiet:
    """The team's quiet of one rule (rule_id) or one symptom (symptom_code) for this
    patient, in force now (alerts.models.Quieting). Never applies to an URGENT firing."""

    rule_id: str = ""
    symptom_code: str = ""
    reason: str = ""
    until: datetime | None = None
    by: str = ""

    def marker(self) -> dict[str, str]:
        """What the recorded alert's why keeps (why["quieted"])."""
        return {
            "subject": self.rule_id or self.symptom_code,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else "",
            "by": self.by,
        }


@dataclass(frozen=True)
class EvaluationInput:
    profile: Profile
    injections: tuple[Injection, ...]
    entry: Entry
    history: tuple[Entry, ...] = ()  # earlier entries, oldest first
    prior_alerts: tuple[PriorAlert, ...] = ()
    rules: RuleSet | Mapping[str, RuleConfig] | None = None
    quiets: tuple[Quiet, ...] = ()


@dataclass(frozen=True)
class SweepInput:
    profile: Profile
    as_of: datetime
    entry_times: tuple[datetime, ...]
    injections: tuple[Injection, ...] = ()
    prior_alerts: tuple[PriorAlert, ...] = ()
    rules: RuleSet | Mapping[str, RuleConfig] | None = None
    quiets: tuple[Quiet, ...] = ()


# Outputs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Firing:
    rule_id: str
    level: str
    episode_key: str
    why: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Suppression:
    rule_id: str
    reason: str
    by_rule: str


@dataclass(frozen=True, slots=True)
class Deduplication:
    rule_id: str
    reason: str
    # When the team was told about this episode (the alert that stands for this firing).
    since: datetime | None = None


@dataclass(frozen=True)
class Evaluation:
    fired: tuple[Firing, ...]
    suppressed: tuple[Suppression, ...]
    level: str
    prompt_key: str
    team_alerts: tuple[str, ...]
    deduplicated: tuple[Deduplication, ...]
    remeasure_minutes: int | None
    # Team-level firings the team quieted for this patient: recorded, not told.
    quieted: tuple[str, ...] = ()

    @property
    def rule_ids(self) -> list[str]:
        return sorted(f.rule_id for f in self.fired)


@dataclass(frozen=True)
class SweepResult:
    fired: tuple[Firing, ...]
    level: str
    team_alerts: tuple[str, ...]
    deduplicated: tuple[Deduplication, ...]
    quieted: tuple[str, ...] = ()
