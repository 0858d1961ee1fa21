"""Re-run evaluation for entries since a date; never opens a duplicate alert."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand, CommandError

from alerts.services import entry_evaluate
from symptoms.models import DiaryEntry


class Command(BaseCommand):
    help = "Re-evaluate diary entries recorded since DATE (after a rule change, say)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, help="YYYY-MM-DD (UTC)")

    def handle(self, *args, **options) -> None:
        try:
            since = date.fromisoformat(options["since"])
        except ValueError as exc:
            raise CommandError("--since must be a date like 2026-03-01", returncode=2) from exc
        start = datetime.combine(since, time.min, tzinfo=UTC)
        ids = list(
            DiaryEntry.objects.since(start)
            .order_by("recorded_at", "pk")
            .values_list("pk", flat=True)
        )
        total = len(ids)
        for done, entry_id in enumerate(ids, start=1):
            entry_evaluate(entry_id)
            self._progress(done, total)
        self.stdout.write(f"\nRe-evaluated {total} entries.")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "" if sys.stdout.isatty() and done < total else "\n" if done == total else ""
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending=end)
