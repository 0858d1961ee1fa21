"""Replay a scenario file through the real engine; nothing is left in the database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alerts.authoring.replay import catalogue, replay
from alerts.authoring.scenario import ScenarioError, load_scenario

LEVEL_STYLE = {"URGENT": "ERROR", "CONTACT": "WARNING", "WATCH": "NOTICE", "NONE": "SUCCESS"}


class Command(BaseCommand):
    help = "Replay a scenario file (docs/clinical-rules.md §4) and print each event's result."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="path to a scenario JSON file")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"{path}: cannot read the file ({exc.strerror})", returncode=2
            ) from exc
        try:
            scenario = load_scenario(text, catalogue())
        except ScenarioError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        result = replay(scenario)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json()))
            return
        self.stdout.write(f"Scenario: {scenario.name or path.name} ({scenario.timezone})")
        for item in result.results:
            style = getattr(self.style, LEVEL_STYLE[item["level"]])
            line = f"{item['at']:<17} {item['type']:<14} {style(item['level']):<8}"
            if item["rules"]:
                line += "  fired: " + ", ".join(item["rules"])
            if item["team_alerts"]:
                line += "  | team alerts: " + ", ".join(item["team_alerts"])
            if item["suppressed"]:
                line += "  | suppressed: " + ", ".join(item["suppressed"])
            if item.get("resolved"):
                line += "  resolved by the team: " + ", ".join(item["resolved"])
            concern = item.get("concern")
            if concern:
                line += f"  | concern {concern['level']} led by {concern['lead']}"
                if concern["acknowledged"]:
                    line += ", acknowledged"
                if concern["reached"]:
                    line += f", patient reached {concern['reached']}"
            line += f"  | advice standing: {item['standing']}"
            if item.get("flags"):
                # The risk flags in force after the event (§6): hand-set and held by results.
                line += "  | flags: " + ", ".join(item["flags"])
            self.stdout.write(line)
