"""Record the outcome of entries that have none (their request and the sweep failed, or they
came in without one); an entry already recorded is never evaluated again with today's rules
(docs/clinical-rules.md §5, "Recorded once")."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand, CommandError

from alerts.care.recording import entry_evaluate
from symptoms.models import DiaryEntry


class Command(BaseCommand):
    help = (
        "Record the outcome of entries since DATE that have none (pending or failed). "
        "Entries already recorded keep what they were told."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, help="YYYY-MM-DD (UTC)")

    def handle(self, *args, **options) -> None:
        try:
            since = date.fromisoformat(options["since"])
        except ValueError as exc:
            raise CommandError("--since must be a date like 2026-03-01", returncode=2) from exc
        start = datetime.combine(since, time.min, tzinfo=UTC)
        waiting = DiaryEntry.objects.since(start).exclude(
            evaluation_state=DiaryEntry.EvaluationState.EVALUATED
        )
        # A failed entry is tried again (its attempts are what the sweep gave up on).
        waiting.filter(evaluation_state=DiaryEntry.EvaluationState.FAILED).update(
            evaluation_state=DiaryEntry.EvaluationState.PENDING
        )
        ids = list(waiting.order_by("recorded_at", "pk").values_list("pk", flat=True))
        total = len(ids)
        recorded = 0
        for done, entry_id in enumerate(ids, start=1):
            recorded += entry_evaluate(entry_id) is not None
            self._progress(done, total)
        self.stdout.write(f"\nRecorded {recorded} of {total} entries waiting for an outcome.")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "" if sys.stdout.isatty() and done < total else "\n" if done == total else ""
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending=end)
