"""The team's quiets: hold one rule, or one symptom, back from the team for one patient
(alerts.models.Quieting; the matching is alerts.rules.quiet, pure).

URGENT rules can never be quieted: refused here, and whatever is stored the engine never
holds back an URGENT firing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.care.models import Quieting
from alerts.rules import DEFAULT_RULES, Kind
from alerts.ruleset.models import AlertRule, Level
from patients.models import Patient, User


class QuietRefused(ValueError):
    """The quiet asked for is not allowed; the message says why, for the form."""


def quietable_rules() -> list[AlertRule]:
    """The rules a team may quiet: every rule whose level is not URGENT, but not the
    modifier (RISK-ESC never reaches the team on its own)."""
    return [
        row
        for row in AlertRule.objects.exclude(level=Level.URGENT).order_by("rule_id")
        if row.rule_id in DEFAULT_RULES and DEFAULT_RULES[row.rule_id].kind is not Kind.MODIFIER
    ]


@transaction.atomic
def quieting_add(
    *,
    patient: Patient,
    rule: AlertRule | None = None,
    symptom_code: str = "",
    reason: str,
    days: int,
    by: User,
    now: datetime | None = None,
) -> Quieting:
    """Quiet one rule or one symptom for the patient for `days` days (1 to MAX_DAYS)."""
    now = now or timezone.now()
    if (rule is None) == (not symptom_code):
        raise QuietRefused(_("Choose one rule or one symptom."))
    if rule is not None and (
        rule.level == Level.URGENT
        or rule.rule_id not in DEFAULT_RULES
        or DEFAULT_RULES[rule.rule_id].kind is Kind.MODIFIER
    ):
        raise QuietRefused(_("URGENT rules can never be quieted."))
    if not 1 <= days <= Quieting.MAX_DAYS:
        raise QuietRefused(_("A quiet lasts 1 to %(max)s days.") % {"max": Quieting.MAX_DAYS})
    if not reason.strip():
        raise QuietRefused(_("Give the reason."))
    # Lock the patient so two nurses quieting the same thing at once make one quiet.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    # Not yet ended, whenever it started (a concurrent add may have taken `now` a moment
    # after ours).
    same = Quieting.objects.filter(patient=patient, lifted_at__isnull=True, expires_at__gt=now)
    same = same.filter(rule=rule) if rule is not None else same.filter(symptom_code=symptom_code)
    if same.exists():
        raise QuietRefused(_("This is quieted already for this patient."))
    quiet = Quieting(
        patient=patient,
        rule=rule,
        symptom_code=symptom_code if rule is None else "",
        reason=reason.strip(),
        starts_at=now,
        expires_at=now + timedelta(days=days),
        created_by=by,
    )
    quiet._history_user = by
    quiet.save()
    return quiet


@transaction.atomic
def quieting_lift(*, quieting: Quieting, by: User, now: datetime | None = None) -> bool:
    """End a quiet early (False if it had ended already)."""
    now = now or timezone.now()
    row = Quieting.objects.select_for_update().filter(pk=quieting.pk).active(now).first()
    if row is None:
        return False
    row.lifted_at, row.lifted_by = now, by
    row._history_user = by
    row.save(update_fields=["lifted_at", "lifted_by"])
    return True
