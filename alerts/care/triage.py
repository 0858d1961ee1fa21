"""The team's queue: one row per open concern, in the order of docs/clinical-rules.md §5.

(1) unacknowledged URGENT, longest waiting first; (2) unacknowledged CONTACT past its
response target; (3) other unacknowledged CONTACT; (4) acknowledged and still open, by level,
then by the next due action. Each row shows the lead rule's own values first (the 35.0 °C
that raised an URGENT, not the day's highest temperature).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from alerts.care.models import Alert, Concern
from alerts.ruleset.models import LEVEL_RANK, Level
from symptoms.models import EntryAmendment, TemperatureReading


@dataclass
class QueueRow:
    """One patient's open concern in the queue."""

    concern: Concern
    now: datetime
    # Its unresolved alerts: the lead first, then the most serious, oldest first.
    alerts: list[Alert] = field(default_factory=list)
    # Changes the patient made to an entry after one of these alerts fired.
    amendments: list[EntryAmendment] = field(default_factory=list)
    # The patient's latest temperature, when newer than the alerts' own readings (a later
    # entry that raised no new alert): the nurse sees where the patient is now.
    latest_reading: TemperatureReading | None = None

    @property
    def patient(self):
        return self.concern.patient

    @property
    def level(self) -> str:
        return self.concern.level

    @property
    def lead(self) -> Alert | None:
        return self.alerts[0] if self.alerts else None

    @property
    def waiting_since(self) -> datetime | None:
        return self.concern.waiting_since

    @property
    def since(self) -> datetime:
        """How long it has been there: waiting for someone, or open (once acknowledged)."""
        return self.concern.waiting_since or self.concern.opened_at

    @property
    def overdue(self) -> timedelta | None:
        return self.concern.overdue(self.now)

    @property
    def amended(self) -> bool:
        return bool(self.amendments)

    @property
    def new_since_acknowledged(self) -> list[Alert]:
        """Alerts that joined after someone acknowledged it (no rise: nobody was told)."""
        return [a for a in self.alerts if a.status == Alert.Status.OPEN]

    @property
    def newer_reading(self) -> TemperatureReading | None:
        reading = self.latest_reading
        if reading is None or not self.alerts:
            return None
        if reading.entry.recorded_at <= max(a.fired_at for a in self.alerts):
            return None
        return reading


def queue_rows(concerns: QuerySet[Concern], *, now: datetime, start: int, size: int):
    """Rows `start` to `start + size` of the queue over the open `concerns`, in §5's order.
    Four queries for any page and any clinic size. Returns the rows and whether there is a
    next page."""
    page = list(
        concerns.open()
        .in_queue_order(now)
        .select_related(
            "patient__user",
            "patient__team",
            "owner",
            "owned_by",
            "acknowledged_by",
            "snoozed_by",
            "advice_lead",
        )[start : start + size + 1]
    )
    has_next, page = len(page) > size, page[:size]
    rows = {c.pk: QueueRow(concern=c, now=now) for c in page}
    leads = {c.pk: c.lead_id for c in page}
    members = (
        Alert.objects.filter(concern__in=page)
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("rule", "entry")
        .order_by("fired_at", "pk")
    )
    for alert in members:
        rows[alert.concern_id].alerts.append(alert)
    entries = set()
    for row in rows.values():
        lead = leads[row.concern.pk]
        row.alerts.sort(key=lambda a: (a.pk != lead, -LEVEL_RANK[a.level], a.fired_at, a.pk))
        entries.update(a.entry_id for a in row.alerts if a.entry_id)
    fired = {}
    for row in rows.values():
        for alert in row.alerts:
            if alert.entry_id:
                first = fired.get(alert.entry_id, alert.fired_at)
                fired[alert.entry_id] = min(first, alert.fired_at)
    by_entry: dict[int, list[EntryAmendment]] = {}
    for amendment in EntryAmendment.objects.filter(entry_id__in=entries).order_by("amended_at"):
        if amendment.amended_at > fired[amendment.entry_id]:
            by_entry.setdefault(amendment.entry_id, []).append(amendment)
    for row in rows.values():
        seen = set()
        for alert in row.alerts:
            if alert.entry_id in by_entry and alert.entry_id not in seen:
                seen.add(alert.entry_id)
                row.amendments += by_entry[alert.entry_id]
    patient_ids = [c.patient_id for c in page]
    latest = (
        TemperatureReading.objects.filter(entry__patient_id__in=patient_ids)
        .select_related("entry")
        .order_by("entry__patient_id", "-entry__recorded_at", "-value_c")
        .distinct("entry__patient_id")
    )
    by_patient = {row.concern.patient_id: row for row in rows.values()}
    for reading in latest:
        by_patient[reading.entry.patient_id].latest_reading = reading
    return [rows[c.pk] for c in page], has_next


def queue_counts(concerns: QuerySet[Concern]) -> dict:
    """Open concerns by level and how many wait for someone, in one query."""
    return concerns.open().aggregate(
        patients=Count("pk"),
        urgent=Count("pk", filter=Q(level=Level.URGENT)),
        waiting=Count("pk", filter=Q(acknowledged_at__isnull=True)),
    )
