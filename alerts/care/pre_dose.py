"""The injection form's pre-dose check: what the engine says before a dose is recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from alerts import rules
from alerts.care.evaluation import HISTORY_WINDOW, _prior_alert, _profile, patient_quiets
from alerts.care.firings import NewFiring, firings_record
from alerts.care.models import Alert
from alerts.ruleset.loading import rule_configs, rule_rows
from alerts.ruleset.models import TEAM_LEVELS
from patients.models import Patient

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreDoseCheck:
    """Shown on the injection form when a dose is due during an infection (INJ-DUE-INF)."""

    dose: int
    due: date
    level: str  # INJ-DUE-INF's level (CONTACT by default)
    infection_titles: tuple[str, ...]  # the infection rules that fired, in words
    team: object  # the patient's CareTeam, for its phone numbers
    quieted: bool = False  # the team quieted INJ-DUE-INF for this patient: not told

    @property
    def team_told(self) -> bool:
        """A team-level rule: its alert was opened (now or by the sweep or an entry)."""
        return self.level in TEAM_LEVELS and not self.quieted


def injection_pre_dose_check(
    patient: Patient, *, now: datetime | None = None
) -> PreDoseCheck | None:
    """The pre-dose infection check when the patient opens the injection form.

    The same rule as on an entry and in the sweep (rules.pre_dose_check); when it holds, the
    team is told once per dose (one INJ-DUE-INF alert, whichever path raised it first).
    """
    now = now or timezone.now()
    rows = rule_rows()
    configs = rule_configs(rows)
    prior = (
        Alert.objects.filter(patient=patient, fired_at__gte=now - HISTORY_WINDOW, fired_at__lte=now)
        .select_related("rule")
        .order_by("fired_at", "pk")
    )
    injections = patient.injections.filter(given_at__lte=now).order_by("given_at")
    check = rules.pre_dose_check(
        _profile(patient),
        [rules.Injection(at=i.given_at, dose=i.dose_number) for i in injections],
        [_prior_alert(a) for a in prior],
        as_of=now,
        rules=configs,
    )
    if check is None:
        return None
    key, why = check
    level = configs.levels["INJ-DUE-INF"]
    told = Alert.objects.filter(patient=patient, rule__rule_id="INJ-DUE-INF", episode_key=key)
    # The team may have quieted the pre-dose check for this patient (never when URGENT).
    quiet = rules.quieted_by(patient_quiets(patient, at=now), "INJ-DUE-INF", level, why)
    if not told.exists():
        if quiet is not None:
            why = {**why, "quieted": quiet.marker()}
        firing = rules.Firing(rule_id="INJ-DUE-INF", level=level, episode_key=key, why=why)
        with transaction.atomic():
            firings_record(
                [
                    NewFiring(
                        patient=patient,
                        entry=None,
                        firing=firing,
                        team_alert=level in TEAM_LEVELS and quiet is None,
                        at=now,
                    )
                ],
                rows=rows,
                windows=configs.windows,
                now=now,
            )
    titles = tuple(rows[r].title for r in why["infection_rules"] if r in rows)
    return PreDoseCheck(
        dose=why["next_dose"],
        due=date.fromisoformat(why["due"]),
        level=level,
        infection_titles=titles,
        team=patient.team,
        quieted=quiet is not None,
    )
