"""The team's queue: one row per open concern, in the order of docs/clinical-rules.md §5.

(1) unacknowledged URGENT, longest waiting first; (2) unacknowledged CONTACT past its
response target; (3) other unacknowledged CONTACT; (4) acknowledged and still open, by level,
then by the next due action. Each row shows the lead rule's own values first (the 35.0 °C
that raised an URGENT, not the day's highest temperature).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, JSONObject

from alerts.care.models import Alert, Concern
from alerts.care.oncall import out_of_hours_reached
from alerts.ruleset.models import LEVEL_RANK, Level
from symptoms.models import EntryAmendment, TemperatureReading


@dataclass(frozen=True)
class LatestReading:
    """A patient's latest temperature: its value in °C and when its entry was recorded."""

    value_c: Decimal
    recorded_at: datetime
    entry_id: int


@dataclass
class QueueRow:
    """One patient's open concern in the queue."""

    concern: Concern
    now: datetime
    # Its unresolved alerts: the lead first, then the most serious, oldest first.
    alerts: list[Alert] = field(default_factory=list)
    # The patient changed an entry after one of these alerts fired.
    amended: bool = False
    # The patient's latest temperature, when newer than the alerts' own readings (a later
    # entry that raised no new alert): the nurse sees where the patient is now.
    latest_reading: LatestReading | None = None
    # The row's links, filled in by the page that shows it (team.views: reversed once a page).
    links: dict[str, str] = field(default_factory=dict)

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
    def waited(self) -> timedelta:
        """How long since `since`, as the page says it ("3 h 10 min"); never below zero (a
        concern that began after the page's clock was read, or on a host whose clock runs
        a little ahead)."""
        return max(self.now - self.since, timedelta(0))

    @property
    def overdue(self) -> timedelta | None:
        return self.concern.overdue(self.now)

    @property
    def new_since_acknowledged(self) -> list[Alert]:
        """Alerts that joined after someone acknowledged it (no rise: nobody was told)."""
        return [a for a in self.alerts if a.status == Alert.Status.OPEN]

    @property
    def newer_reading(self) -> LatestReading | None:
        reading = self.latest_reading
        if reading is None or not self.alerts:
            return None
        if reading.recorded_at <= max(a.fired_at for a in self.alerts):
            return None
        return reading


class _EqualsAny(Func):
    """`value = ANY(array)`, as a condition."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _latest_reading() -> Subquery:
    """For annotating concerns: the patient's latest temperature as one JSON value (its
    entry's newest first, the highest of an entry's readings first), read through the
    entries' (patient, recorded_at) index for the page's rows only."""
    latest = TemperatureReading.objects.filter(entry__patient_id=OuterRef("patient_id")).order_by(
        "-entry__recorded_at", "-value_c"
    )
    return Subquery(
        latest.values(
            json=JSONObject(
                # As text: a JSON number would come back as a float.
                value_c=Cast("value_c", TextField()),
                recorded_at="entry__recorded_at",
                entry_id="entry_id",
            )
        )[:1],
        output_field=JSONField(),
    )


def _reading(value: dict | None) -> LatestReading | None:
    if not value:
        return None
    return LatestReading(
        value_c=Decimal(value["value_c"]),
        recorded_at=datetime.fromisoformat(value["recorded_at"]),
        entry_id=value["entry_id"],
    )


# The counts over every row the filters leave, read with the page (one pass of the rows).
COUNTS = {
    "patients": Q(),
    "urgent": Q(level=Level.URGENT),
    "waiting": Q(acknowledged_at__isnull=True),
}


def queue_rows(
    concerns: QuerySet[Concern], *, now: datetime, start: int, size: int
) -> tuple[list[QueueRow], bool, dict | None]:
    """Rows `start` to `start + size` of the queue over the open `concerns`, in §5's order,
    whether there is a next page, and queue_counts() of `concerns` (None when the page is
    past the end). Two queries for any page and any clinic size: the concerns with the
    columns a row shows and the counts, then their unresolved alerts."""
    # The page's keys first, in order, from the narrow rows; then only those rows joined
    # to what a row shows, with the counts over all of them (computed once: the subquery
    # does not refer to the row). Joined first, PostgreSQL carried every open concern's
    # patient, people and advice through the counts' window and the sort (846 wide rows
    # for a 51-row page at 2,000 patients: 14.6 ms of the query's 21).
    open_concerns = concerns.open()
    keys = open_concerns.in_queue_order(now).values("pk")[start : start + size + 1]
    counts = (
        open_concerns.order_by()
        .values(one=Value(1))  # a constant: no GROUP BY, one row
        .annotate(
            counts=JSONObject(**{k: Count("pk", filter=q or None) for k, q in COUNTS.items()})
        )
        .values("counts")
    )
    page = list(
        # = ANY(ARRAY(…)): the keys are read first (an InitPlan), then those rows by their
        # primary key. As IN (…), PostgreSQL joined every open concern before the keys.
        Concern.objects.filter(_EqualsAny(F("pk"), ArraySubquery(keys)))
        .in_queue_order(now)
        .annotate(
            # Whether a page went unanswered (the row shows the team's out-of-hours route).
            out_of_hours=out_of_hours_reached(),
            latest_reading=_latest_reading(),
            counts=Subquery(counts, output_field=JSONField()),
        )
        .select_related(
            "patient__user",
            "patient__team",
            "owner",
            "acknowledged_by",
            "snoozed_by",
            "advice_lead",
        )
    )
    counts = page[0].counts if page else None
    has_next, page = len(page) > size, page[:size]
    rows = {
        c.pk: QueueRow(concern=c, now=now, latest_reading=_reading(c.latest_reading)) for c in page
    }
    members = (
        Alert.objects.filter(concern__in=[c.pk for c in page])
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("rule")
        .annotate(
            # The patient changed the entry after this fired (the alert stands: it was
            # raised on what the entry said then).
            amended=Exists(
                EntryAmendment.objects.filter(
                    entry_id=OuterRef("entry_id"), amended_at__gt=OuterRef("fired_at")
                )
            )
        )
        .order_by("fired_at", "pk")
    )
    for alert in members if page else ():
        row = rows[alert.concern_id]
        row.alerts.append(alert)
        row.amended = row.amended or alert.amended
    for row in rows.values():
        lead = row.concern.lead_id
        row.alerts.sort(key=lambda a: (a.pk != lead, -LEVEL_RANK[a.level], a.fired_at, a.pk))
    return [rows[c.pk] for c in page], has_next, counts


def queue_counts(concerns: QuerySet[Concern]) -> dict:
    """Open concerns by level and how many wait for someone, in one query."""
    return concerns.open().aggregate(
        **{k: Count("pk", filter=q or None) for k, q in COUNTS.items()}
    )
