"""The symptom catalogue by code, kept for a few minutes in each process.

Pages that turn recorded codes into words (a queue row, the patient's reason, an alert's
"why") read it many times a page; a label edited in the admin shows within minutes,
without a restart.
"""

from __future__ import annotations

import time

from symptoms.models import Symptom

_TTL = 300.0
_rows: tuple[float, dict[str, Symptom]] = (0.0, {})


def symptoms_by_code() -> dict[str, Symptom]:
    global _rows
    loaded_at, rows = _rows
    if time.monotonic() - loaded_at > _TTL or not rows:
        rows = {s.code: s for s in Symptom.objects.all()}
        _rows = (time.monotonic(), rows)
    return rows


def forget() -> None:
    """Read the catalogue again on next use (tests that change labels)."""
    global _rows
    _rows = (0.0, {})
