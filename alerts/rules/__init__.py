"""The pure alert evaluator: docs/clinical-rules.md §2–3 as code over plain values.

No ORM, no clock, no I/O. The web request calls `evaluate` to show the prompt at once,
the Celery task calls it to record alerts, `replay_scenario` calls it through the real
models, and `evaluate_sweep` runs the periodic rules as of a given instant.

Where things are:
- definitions.py — each rule declared once: level, family, typed bounded parameters and
  the properties the engine reads (infection rule, persistent, escalated by RISK-ESC,
  explained by an injection reaction).
- config.py — RuleSet, the definitions overlaid by the admin's rows, and the engine windows.
- checks.py — the condition of each entry rule, one function per rule.
- engine.py — evaluate(): checks, suppression, pre-dose, RISK-ESC, episodes, de-duplication;
  evaluate_pair(): one entry under a draft and the live rules, for the what-if.
- pre_dose.py — INJ-DUE-INF, shared by an entry, the sweep and the injection form.
- sweep.py — the periodic rules.
- levels.py, codes.py, values.py, vaccines.py — levels, symptom groups, inputs and outputs,
  the reading of a vaccination plan.

The words of each rule are data (AlertRule rows, seeded by a migration). Where the
specification is ambiguous the safer reading is taken; each is listed in
docs/clinical-safety.md ("Ambiguities") with the reason.
"""

from alerts.rules.config import (
    DEFAULT_RULESET,
    DEFAULT_WINDOWS,
    EngineWindows,
    RuleConfig,
    RuleSet,
)
from alerts.rules.definitions import (
    DEFAULT_RULES,
    HISTORY_DAYS,
    Kind,
    Param,
    Reaction,
    RuleDefinition,
    params_to_json,
)
from alerts.rules.engine import evaluate, evaluate_pair
from alerts.rules.levels import (
    CONTACT,
    LEVELS,
    NONE,
    PROMPT_KEYS,
    RANK,
    TEAM_LEVELS,
    URGENT,
    WATCH,
    Level,
    level_max,
)
from alerts.rules.pre_dose import dose_due_soon, pre_dose_check, pre_dose_key
from alerts.rules.quiet import quieted_by
from alerts.rules.sweep import evaluate_sweep
from alerts.rules.vaccines import LIVE_VACCINES, live_vaccines_named, vaccine_plan_is_live
from alerts.rules.values import (
    Deduplication,
    Entry,
    Evaluation,
    EvaluationInput,
    Firing,
    Injection,
    PriorAlert,
    Profile,
    Quiet,
    Suppression,
    SweepInput,
    SweepResult,
    Temperature,
    Vital,
)

__all__ = [
    "CONTACT",
    "DEFAULT_RULES",
    "DEFAULT_RULESET",
    "DEFAULT_WINDOWS",
    "HISTORY_DAYS",
    "LEVELS",
    "LIVE_VACCINES",
    "NONE",
    "PROMPT_KEYS",
    "RANK",
    "TEAM_LEVELS",
    "URGENT",
    "WATCH",
    "Deduplication",
    "EngineWindows",
    "Entry",
    "Evaluation",
    "EvaluationInput",
    "Firing",
    "Injection",
    "Kind",
    "Level",
    "Param",
    "PriorAlert",
    "Profile",
    "Quiet",
    "Reaction",
    "RuleConfig",
    "RuleDefinition",
    "RuleSet",
    "Suppression",
    "SweepInput",
    "SweepResult",
    "Temperature",
    "Vital",
    "dose_due_soon",
    "evaluate",
    "evaluate_pair",
    "evaluate_sweep",
    "level_max",
    "live_vaccines_named",
    "params_to_json",
    "pre_dose_check",
    "pre_dose_key",
    "quieted_by",
    "vaccine_plan_is_live",
]
