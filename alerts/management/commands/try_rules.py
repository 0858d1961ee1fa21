"""What a rule draft would have done over the clinic's last N days (nothing is written)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from alerts.authoring.lab_whatif import LabWhatIf
from alerts.authoring.whatif import WhatIf, rule_draft_try
from alerts.models import Level, RuleDraft


class Command(BaseCommand):
    help = (
        "Replay the last N days of diary entries with a rule draft and with the live rules, "
        "and print the difference. Writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("draft", type=int, help="The draft's number (RuleDraft id)")
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, **options) -> None:
        days = options["days"]
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366", returncode=2)
        draft = RuleDraft.objects.select_related("rule").filter(pk=options["draft"]).first()
        if draft is None:
            raise CommandError(f"There is no draft {options['draft']}.", returncode=2)
        result = rule_draft_try(draft=draft, days=days)
        self.stdout.write(report(draft, result))


def report(draft: RuleDraft, result: WhatIf) -> str:
    lines = [
        f"Draft {draft.pk} of {draft.rule.rule_id}: the last {result.days} days, "
        f"{result.entries} entries.",
        "",
        f"{'':12}{'live':>8}{'draft':>8}{'change':>8}",
    ]
    for level in (Level.URGENT, Level.CONTACT, Level.WATCH):
        live = result.live.firings_by_level[level.value]
        new = result.draft.firings_by_level[level.value]
        lines.append(f"{level.value:12}{live:>8}{new:>8}{new - live:>+8}")
    lines.append(
        f"{'team told':12}{result.live.team_alerts:>8}{result.draft.team_alerts:>8}"
        f"{result.draft.team_alerts - result.live.team_alerts:>+8}"
    )
    lines += ["", "By rule (where they differ):"]
    rule_ids = sorted(set(result.live.firings_by_rule) | set(result.draft.firings_by_rule))
    differ = [
        r for r in rule_ids if result.live.firings_by_rule[r] != result.draft.firings_by_rule[r]
    ]
    for rule_id in differ:
        live, new = result.live.firings_by_rule[rule_id], result.draft.firings_by_rule[rule_id]
        lines.append(f"  {rule_id:14}{live:>6} -> {new:<6}")
    if not differ:
        lines.append("  (none)")
    for title, people, examples in (
        ("Patients who would gain an alert", result.gained, result.gained_examples),
        ("Patients who would lose an alert", result.lost, result.lost_examples),
    ):
        lines += ["", f"{title}: {len(people)}"]
        for team, reference in sorted(people):
            lines.append(f"  {team}: {reference}")
        for example in examples:
            lines.append(
                f"  e.g. entry {example.entry_id} of {example.reference} at "
                f"{example.at:%Y-%m-%d %H:%M} UTC: {', '.join(example.rules)}"
            )
    if result.lab is not None:
        lines += lab_report(result.lab)
    return "\n".join(lines)


def _held(on: bool) -> str:
    return "held" if on else "not held"


def _limits(limit: dict, unit: str) -> str:
    if limit["lln"] is None and limit["review"] is None:
        return "rule off"
    parts = []
    if limit["lln"] is not None:
        parts.append(f"low below {limit['lln']} {unit}")
    if limit["review"] is not None:
        parts.append(f"review level at or below {limit['review']} {unit}")
    return ", ".join(parts)


def _decider(decider: dict) -> list[str]:
    unit = decider["unit"]
    return [
        f"      {decider['test']} {decider['value']} {unit} collected {decider['collected']}, "
        f"compared with the {decider['lln_from']}'s lower limit",
        f"        live rules: {_limits(decider['live'], unit)}",
        f"        draft:      {_limits(decider['draft'], unit)}",
    ]


def lab_report(lab: LabWhatIf) -> list[str]:
    """The flags laboratory results would hold with the draft (patient references only)."""
    data = lab.as_json()
    lines = [
        "",
        f"Laboratory flags: {data['patients']} patients with {data['results']} results, "
        "worked out with the live rules and with the draft.",
        f"Flags that would change: {len(data['flags'])}",
    ]
    for change in data["flags"]:
        ticked = "  (ticked by the team: stays in force)" if change["ticked"] else ""
        lines.append(
            f"  {change['team']}: {change['reference']}  {change['flag']}: "
            f"{_held(change['live'])} -> {_held(change['draft'])}{ticked}"
        )
        lines += _decider(change["decided_by"])
    if data["review"]:
        lines.append(
            f"Latest immunoglobulins at the review level (a CONTACT for the team when "
            f"recorded) on one side only: {len(data['review'])}"
        )
        for change in data["review"]:
            lines.append(
                f"  {change['team']}: {change['reference']}  review level: "
                f"{'reached' if change['live'] else 'not reached'} -> "
                f"{'reached' if change['draft'] else 'not reached'}"
            )
            lines += _decider(change["decided_by"])
    lines += [
        "Hepatitis B risk is not changed by a threshold. When the draft is approved the "
        "flags are worked out again at once; entries already saved are never evaluated "
        "again, and entries saved afterwards use the changed flags (RISK-ESC, T-FEV-ER-*).",
    ]
    return lines
