"""Who is using the diary: each patient's check-ins in the report's period, and who has not
written for a week. Names are for the team's page only (team/report.py keeps to counts).

One query for any number of patients: the days with an entry in the period, and the last
entry ever, as annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Q

from patients.models import Patient

QUIET_DAYS = 7  # "no entry in 7 days": the report's list, with a reminder to send


@dataclass(frozen=True)
class PatientUse:
    patient: Patient
    days_with_entry: int
    expected: int  # the patient's local days in the period (from enrolment or its start)
    last_entry: datetime | None

    @property
    def share(self) -> float | None:
        return min(1.0, self.days_with_entry / self.expected) if self.expected else None

    def quiet(self, now: datetime) -> bool:
        """No entry for QUIET_DAYS, counted from the latest of the last entry, enrolment and
        the end of a pause (or an undone discharge): a patient enrolled yesterday is not
        "never written"."""
        since = [self.patient.enrolled_at, self.last_entry, self.patient.paused_until]
        latest = max((at for at in since if at is not None and at <= now), default=None)
        return latest is None or latest < now - timedelta(days=QUIET_DAYS)


def patient_use(*, team_ids, start: datetime, end: datetime) -> list[PatientUse]:
    """Every monitored patient of the teams (not discharged, not paused at `end`), the
    least adherent first."""
    patients = (
        Patient.objects.monitored(end)
        .filter(team_id__in=list(team_ids), enrolled_at__lt=end)
        .select_related("user", "team")
        .annotate(
            days_with_entry=Count(
                "entries__local_day",
                distinct=True,
                # As the report: entries before enrolment (imported history) do not count.
                filter=Q(entries__recorded_at__gte=start, entries__recorded_at__lt=end)
                & Q(entries__recorded_at__gte=F("enrolled_at")),
            ),
            last_entry=Max("entries__recorded_at", filter=Q(entries__recorded_at__lt=end)),
        )
    )
    rows = []
    for patient in patients:
        # The patient's own calendar days the period touches, as entries count local days
        # (30 × 24 hours from 12:40 touch 31 dates: "31 of 30" before).
        zone = patient.zone
        since = max(patient.enrolled_at, start)
        expected = (end.astimezone(zone).date() - since.astimezone(zone).date()).days + 1
        rows.append(
            PatientUse(
                patient=patient,
                days_with_entry=patient.days_with_entry,
                expected=expected,
                last_entry=patient.last_entry,
            )
        )
    rows.sort(key=lambda r: (r.share if r.share is not None else 1.0, r.patient.display_name))
    return rows
