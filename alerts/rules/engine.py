"""One entry through the rules: check, suppress, pre-dose, escalate, then decide per firing
whether the team is told (de-duplication and episodes, clinical-rules.md A.0)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alerts.rules import codes
from alerts.rules.checks import CHECKS, PRIOR_ALERTS, EntryContext, Why
from alerts.rules.config import ENGINE_SETTINGS, EngineWindows, RuleSet, ruleset
from alerts.rules.definitions import DEFAULT_RULES, Reaction, is_infection_rule
from alerts.rules.levels import CONTACT, PROMPT_KEYS, RANK, TEAM_LEVELS, URGENT, level_max
from alerts.rules.pre_dose import pre_dose_check
from alerts.rules.quiet import quieted_by
from alerts.rules.values import (
    Deduplication,
    Evaluation,
    EvaluationInput,
    Firing,
    PriorAlert,
    Profile,
    Suppression,
)

REACTION_RULE = "INJ-IRR-24"
REACTION_REASON = "explained by a likely injection reaction (within 24 h of the injection)"
# What conclude() reads of a rule set besides the firings: suppression (REACTION_RULE's
# parameters), the pre-dose check, RISK-ESC, and every level, re-measure time and window.
CONCLUSION_READS = frozenset({REACTION_RULE, "INJ-DUE-INF", "RISK-ESC", ENGINE_SETTINGS})


def evaluate(inp: EvaluationInput) -> Evaluation:
    """Evaluate one entry against every active rule (see alerts/rules/__init__.py)."""
    rules = ruleset(inp.rules)
    ctx = EntryContext(inp, rules)
    return conclude(ctx, rules.fire(CHECKS, ctx))


def evaluate_pair(first: EvaluationInput, second: EvaluationInput) -> tuple[Evaluation, Evaluation]:
    """One entry under two rule sets (a draft and the live rules), each evaluation exactly
    what evaluate() gives for its input; the inputs may differ only in their rules and
    earlier alerts.

    A check is run again for the second rule set only when its result could differ: its
    rule's parameters or switch differ, it read a rule's parameters that differ, or it read
    the earlier alerts and those differ (what each check read is traced on the first run).
    When the checks found the same, the earlier alerts are the same and nothing the
    conclusion reads differs, the second evaluation is the first. This is what lets the
    what-if replay a clinic's entries at nearly the rate of one evaluation.
    """
    if (first.entry, first.profile, first.history, first.injections, first.quiets) != (
        second.entry,
        second.profile,
        second.history,
        second.injections,
        second.quiets,
    ):
        raise ValueError("evaluate_pair: the two inputs must be of the same entry")
    rules, other = ruleset(first.rules), ruleset(second.rules)
    ctx = EntryContext(first, rules)
    ctx.reads = reads = []
    fired: dict[str, Why] = {}
    for rule_id, check, params in rules.plan(CHECKS):
        ctx.running = rule_id
        result = check(ctx, params)
        if result is not None:
            fired[rule_id] = result
    ctx.reads = None
    differing = rules.differing(other)
    same_prior = first.prior_alerts == second.prior_alerts
    if not same_prior:
        differing = differing | {PRIOR_ALERTS}
    # Switched on or off, or changed, or reading what changed (one off in the second set
    # is simply not run).
    rerun = {rule_id for rule_id in differing if rule_id in CHECKS}
    rerun.update(reader for reader, read in reads if read in differing)
    other_ctx = ctx.under(second, other)
    if not rerun:
        other_fired = dict(fired)
    else:
        other_fired = {}
        for rule_id, check, params in other.plan(CHECKS):
            result = check(other_ctx, params) if rule_id in rerun else fired.get(rule_id)
            if result is not None:
                other_fired[rule_id] = result
    if same_prior and differing.isdisjoint(CONCLUSION_READS) and other_fired == fired:
        evaluation = conclude(ctx, fired)
        return evaluation, evaluation
    return conclude(ctx, fired), conclude(other_ctx, other_fired)


def conclude(ctx: EntryContext, fired: dict[str, Why]) -> Evaluation:
    """From the checks' findings (consumed) to the evaluation: suppression, pre-dose,
    RISK-ESC, episodes and de-duplication."""
    rules = ctx.rules
    suppressed = suppress(rules, fired)
    # Last: it counts this entry's infection rules, once all have fired and none suppressed.
    due_with_infection(ctx, fired)
    levels = escalate(rules, ctx.profile, fired)
    firings, team, deduplicated, quieted = decide(ctx, levels, fired)
    level = level_max(levels.values())
    remeasure = [
        minutes
        for rule_id in levels
        if (minutes := rules.remeasure_minutes[rule_id]) and level != URGENT
    ]
    return Evaluation(
        fired=firings,
        suppressed=tuple(sorted(suppressed, key=lambda s: s.rule_id)),
        level=level,
        prompt_key=PROMPT_KEYS[level],
        team_alerts=team,
        deduplicated=deduplicated,
        remeasure_minutes=min(remeasure) if remeasure else None,
        quieted=quieted,
    )


# Suppression, pre-dose, risk escalation -----------------------------------------------


def suppress(rules: RuleSet, fired: dict[str, Why]) -> list[Suppression]:
    """Remove (and return) the firings a likely injection reaction explains."""
    if REACTION_RULE not in fired:
        return []
    max_grade = rules.param(REACTION_RULE, "max_grade")
    suppressed = []
    for rule_id in list(fired):
        explained = DEFAULT_RULES[rule_id].explained_by_reaction
        if explained is Reaction.ALWAYS or (
            explained is Reaction.IF_MILD_REACTION_SYMPTOMS
            and all(
                code in codes.REACTION and grade <= max_grade
                for code, grade in symptoms_of(fired[rule_id]).items()
            )
        ):
            suppressed.append(Suppression(rule_id, REACTION_REASON, REACTION_RULE))
            del fired[rule_id]
    return suppressed


def due_with_infection(ctx: EntryContext, fired: dict[str, Why]) -> None:
    """INJ-DUE-INF on an entry: the infection rules of this entry count too."""
    current = [
        rule_id
        for rule_id in fired
        if is_infection_rule(rule_id)
        and escalated_level(ctx.rules, ctx.profile, rule_id) in TEAM_LEVELS
    ]
    check = pre_dose_check(
        ctx.profile,
        ctx.inp.injections,
        ctx.inp.prior_alerts,
        as_of=ctx.entry.at,
        rules=ctx.rules,
        current=current,
    )
    if check is not None:
        ctx.episode_keys["INJ-DUE-INF"], fired["INJ-DUE-INF"] = check


def escalated_level(rules: RuleSet, profile: Profile, rule_id: str) -> str:
    """The rule's level for this patient once RISK-ESC has been applied."""
    level = rules.levels[rule_id]
    if (
        profile.er
        and rules.active["RISK-ESC"]
        and DEFAULT_RULES[rule_id].risk_escalated
        and RANK[level] < RANK[CONTACT]
    ):
        return CONTACT
    return level


def escalate(rules: RuleSet, profile: Profile, fired: dict[str, Why]) -> dict[str, str]:
    """Each firing's level; RISK-ESC fires when it raised any (and says which)."""
    levels = {rule_id: escalated_level(rules, profile, rule_id) for rule_id in fired}
    raised = [r for r in DEFAULT_RULES if r in fired and levels[r] != rules.levels[r]]
    if raised:
        for rule_id in raised:
            fired[rule_id] = {**fired[rule_id], "raised_by": "RISK-ESC"}
        fired["RISK-ESC"] = {"raised": raised, "elevated_risk": sorted(profile.elevated_risk)}
        levels["RISK-ESC"] = rules.levels["RISK-ESC"]
    return levels


# Episodes and de-duplication ----------------------------------------------------------


def decide(
    ctx: EntryContext, levels: dict[str, str], whys: dict[str, Why]
) -> tuple[tuple[Firing, ...], tuple[str, ...], tuple[Deduplication, ...], tuple[str, ...]]:
    """The firings with their episodes, the rules the team is told about, why the others
    are not, and the ones the team quieted for this patient (marked in their why)."""
    at = ctx.entry.at
    by_rule: dict[str, list[PriorAlert]] = {}
    if levels:
        # Only the firing rules' earlier alerts, each rule's oldest first.
        for alert in ctx.inp.prior_alerts:
            if alert.rule_id in levels and alert.at <= at:
                by_rule.setdefault(alert.rule_id, []).append(alert)
        for prior in by_rule.values():
            prior.sort(key=lambda a: a.at)
    firings, team, deduplicated, quieted = [], [], [], []
    for rule_id in sorted(levels):
        level = levels[rule_id]
        prior = by_rule.get(rule_id, [])
        key = ctx.episode_keys.get(rule_id) or episode_key(
            rule_id, at, ctx.tz, prior, ctx.rules.windows
        )
        why = whys[rule_id]
        quiet = None
        if level in TEAM_LEVELS and rule_id != "RISK-ESC":
            quiet = quieted_by(ctx.inp.quiets, rule_id, level, why)
        if quiet is not None:
            why = {**why, "quieted": quiet.marker()}
        firings.append(Firing(rule_id, level, key, why))
        if level not in TEAM_LEVELS or rule_id == "RISK-ESC":
            continue
        if quiet is not None:
            # Recorded (team_alert=False) for the timeline; not the team's queue or inbox.
            quieted.append(rule_id)
            continue
        held_back = deduplication(ctx, rule_id, level, whys[rule_id], prior, key)
        if held_back is None:
            team.append(rule_id)
        else:
            deduplicated.append(held_back)
    return tuple(firings), tuple(team), tuple(deduplicated), tuple(quieted)


def episode_key(
    rule_id: str, at: datetime, tz: ZoneInfo, prior: list[PriorAlert], windows: EngineWindows
) -> str:
    """Continue the rule's episode if it fired within the episode gap and the team has not
    resolved it; else start one (named by its local day, or its local time when an episode
    of that day was closed already)."""
    if prior:
        last = prior[-1]
        told = [a for a in prior if a.episode_key == last.episode_key and a.team_alert]
        resolved = bool(told) and told[-1].resolved_at is not None and told[-1].resolved_at <= at
        if at - last.at <= windows.episode_gap and not resolved:
            return last.episode_key
    local = at.astimezone(tz)
    key = f"{rule_id}:{local.date().isoformat()}"
    if any(a.episode_key == key for a in prior):
        # With the UTC offset: unique even in the hour the clocks go back.
        key = f"{rule_id}:{local.isoformat(timespec='seconds')}"
    return key


def deduplication(
    ctx: EntryContext,
    rule_id: str,
    level: str,
    why: Mapping[str, Any],
    prior: list[PriorAlert],
    key: str,
) -> Deduplication | None:
    """Why a new team alert is NOT opened for this firing, or None to open one (A.0).

    `prior` are the rule's earlier alerts, oldest first; `key` is this firing's episode.
    """
    definition = DEFAULT_RULES[rule_id]
    if level == URGENT or definition.renotify_every_firing:
        return None
    told = [a for a in prior if a.episode_key == key and a.team_alert]
    if not told:
        return None
    last = told[-1]
    if RANK[level] > RANK[last.level]:
        return None
    if rule_id in ctx.episode_keys:
        return Deduplication(rule_id, "the team was told about this already", last.at)
    at, windows = ctx.entry.at, ctx.rules.windows
    if at - last.at < windows.dedup:
        hours = (at - last.at).total_seconds() / 3600
        reason = f"team alerted for this episode {hours:.1f} h ago at the same level"
        return Deduplication(rule_id, reason, last.at)
    if (
        definition.persistent
        and at - last.at < windows.persistent
        and unchanged(last, why)
        and persisted(ctx, prior, since=last.at, symptoms=symptoms_of(why))
    ):
        reason = "persistent unchanged: re-notified only if it worsens, clears or after 7 days"
        return Deduplication(rule_id, reason, last.at)
    return None


def symptoms_of(why: Mapping[str, Any]) -> dict[str, int]:
    """What a firing was about, for "has it worsened?": symptom grades, or for VAC-LIVE the
    vaccines planned (a new vaccine is a change)."""
    if "vaccines" in why:
        named = why.get("vaccines") or [str(why.get("plan", "")).strip().lower()]
        return dict.fromkeys(named, 1)
    symptoms = why.get("symptoms") or {}
    return {
        code: (grade["to"] if isinstance(grade, dict) else grade)
        for code, grade in symptoms.items()
    }


def unchanged(last: PriorAlert, why: Mapping[str, Any]) -> bool:
    """No grade above the last notified one and nothing new (a rule with no symptoms of its
    own is unchanged while it keeps firing)."""
    before, now = symptoms_of(last.detail), symptoms_of(why)
    return all(grade <= before.get(code, 0) for code, grade in now.items())


def persisted(
    ctx: EntryContext, prior: list[PriorAlert], *, since: datetime, symptoms: Mapping[str, int]
) -> bool:
    """Each of `symptoms` was there on every entry since `since` and on every local day from
    then to today: one absent on an entry, or on a day, in between cleared and came back
    (even while another symptom kept the rule firing)."""
    fired = [a for a in prior if a.at >= since and set(symptoms) <= set(symptoms_of(a.detail))]
    fired_entries = {a.entry_id for a in fired}
    if any(e.id not in fired_entries for e in ctx.inp.history if since < e.at < ctx.entry.at):
        return False
    days = {a.at.astimezone(ctx.tz).date() for a in fired}
    day = since.astimezone(ctx.tz).date()
    while day < ctx.day:
        if day not in days:
            return False
        day += timedelta(days=1)
    return True
