"""The symptom catalogue, kept in each process.

The diary's form reads the active symptoms for the configuration's version
(diary_core.config): an edit in the admin, or any other change to the table, shows on the
next request. Pages that turn recorded codes into words (a queue row, the patient's reason,
an alert's "why") read symptoms_by_code() many times a page, for the version as the
request began: an edit shows on the next page.
"""

from __future__ import annotations

from diary_core.config import Versioned, request_config_version
from symptoms.models import Symptom


def _active() -> tuple[Symptom, ...]:
    return tuple(Symptom.objects.filter(active=True).order_by("order", "code"))


# The form's symptoms in the form's order, for one configuration version. Shared by the
# process's requests: read-only (each label is read in the request's language when shown).
active_symptoms = Versioned(_active)


def _by_code() -> dict[str, Symptom]:
    return {s.code: s for s in Symptom.objects.all()}


_by_code_held = Versioned(_by_code)


def symptoms_by_code() -> dict[str, Symptom]:
    """Every symptom by code, for the configuration's version as the request began (no
    query of its own in a signed-in request: diary_core.sessions). Read-only."""
    return _by_code_held(request_config_version())


def forget() -> None:
    """Read the catalogue again on next use."""
    _by_code_held.forget()
    active_symptoms.forget()
