"""The symptom catalogue, kept in each process.

The diary's form reads the active symptoms for the configuration's version
(diary_core.config): an edit in the admin, or any other change to the table, shows on the
next request. Pages that turn recorded codes into words (a queue row, the patient's reason,
an alert's "why") read symptoms_by_code() many times a page; a label edited in the admin
shows there within minutes, without a restart.
"""

from __future__ import annotations

import time

from diary_core.config import Versioned
from symptoms.models import Symptom


def _active() -> tuple[Symptom, ...]:
    return tuple(Symptom.objects.filter(active=True).order_by("order", "code"))


# The form's symptoms in the form's order, for one configuration version. Shared by the
# process's requests: read-only (each label is read in the request's language when shown).
active_symptoms = Versioned(_active)

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
