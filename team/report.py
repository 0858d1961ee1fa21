"""The clinic report: alert burden, response times and adherence of one or more care teams.

Pure-ish functions: each figure is one aggregate query over the teams' rows in the period,
so the number of queries is the same for 20 patients or 20,000 (tests/team/
test_report_queries.py). Medians and 90th percentiles are computed by PostgreSQL
(percentile_cont), never by loading rows into Python. Only counts, rates and durations
leave this module: no names, no references, no health values.

Definitions (shown on the page too):
- The period is [now - days, now).
- A patient counts from enrolment or the period start, whichever is later, until the end
  of the period; patient-days are that exposure in days (fractions kept), patient-weeks
  patient-days / 7.
- Adherence: distinct (patient, local day) pairs with an entry / patient-days, at most 100 %.
- Alerts per 100 patient-weeks: team alerts (CONTACT, URGENT: the team was notified) and
  WATCH firings, by the time they fired.
- Time to acknowledge / resolve: from firing to the first acknowledgement (a resolve counts
  as one) or the resolution. URGENT in wall-clock minutes; CONTACT in working hours of the
  patient's team (Monday to Friday, CareTeam.working_day_start–end in the team's time zone,
  the same clock as alerts.care.notify.add_working_hours).
- Within target: acknowledged within the target / team alerts fired in the period (an
  alert not acknowledged yet is not within target).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat, Greatest

from alerts.models import Alert, ConcernEvent, Level, Quieting
from alerts.ruleset.messages import in_reader_language
from patients.models import Patient
from symptoms.models import DiaryEntry, Symptom

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
# PRO-TECT (oncology ePRO, weekly surveys): 34 % of surveys generated an alert.
# research/clinical.md [E6]; shown beside ours, not as a target.
BENCHMARK_ALERTING_SHARE = 0.34
# Anchors shown beside our figures, not targets: check-ins completed in PRO-TECT (91 %), and
# a cancer clinic's team alerts per 100 symptom reports (7.8). research/clinical.md.
BENCHMARK_COMPLETION = 0.91
BENCHMARK_ALERTS_PER_100_ENTRIES = 7.8
TEAM_LEVELS_ORDER = (Level.URGENT, Level.CONTACT)
RATE_LEVELS_ORDER = (Level.URGENT, Level.CONTACT, Level.WATCH)


@dataclass(frozen=True)
class RuleRate:
    rule_id: str
    title: str
    level: str
    count: int
    per_100_patient_weeks: float | None


@dataclass(frozen=True)
class Response:
    """Response times of one level's team alerts fired in the period."""

    level: str
    alerts: int
    acknowledged: int
    resolved: int
    unit: str  # "minutes" or "working hours"
    target: float  # in `unit`
    ack_median: float | None
    ack_p90: float | None
    resolve_median: float | None
    resolve_p90: float | None
    within_target: int
    # Still open at the end of the period: counted in the percentiles with their time so far.
    open_unacknowledged: int = 0
    open_unresolved: int = 0

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.alerts if self.alerts else None


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    days: int
    patients: int
    patient_days: float
    entries: int
    entry_days: int
    alerting_entries: int  # entries that raised any alert (WATCH or higher)
    team_alerting_entries: int  # entries that raised a CONTACT or URGENT team alert
    level_counts: dict[str, int]
    rules: list[RuleRate]
    responses: list[Response]
    escalations: dict[str, int]
    quieted: list[dict] = field(default_factory=list)

    @property
    def patient_weeks(self) -> float:
        return self.patient_days / 7

    def per_100_patient_weeks(self, count: int) -> float | None:
        return 100 * count / self.patient_weeks if self.patient_weeks else None

    @property
    def entries_per_patient_week(self) -> float | None:
        return self.entries / self.patient_weeks if self.patient_weeks else None

    @property
    def adherence(self) -> float | None:
        if not self.patient_days:
            return None
        return min(1.0, self.entry_days / self.patient_days)

    @property
    def expected_check_ins(self) -> int:
        """Daily check-ins expected in the period: the patient-days, rounded."""
        return round(self.patient_days)

    @property
    def team_alerts(self) -> int:
        return sum(self.level_counts.get(level, 0) for level in TEAM_LEVELS_ORDER)

    @property
    def team_alerts_per_100_entries(self) -> float | None:
        return 100 * self.team_alerts / self.entries if self.entries else None

    @property
    def alerting_share(self) -> float | None:
        return self.alerting_entries / self.entries if self.entries else None

    @property
    def team_alerting_share(self) -> float | None:
        return self.team_alerting_entries / self.entries if self.entries else None

    @property
    def level_rates(self) -> list[tuple[str, int, float | None]]:
        return [
            (level, self.level_counts.get(level, 0), self.per_100_patient_weeks(n))
            for level in RATE_LEVELS_ORDER
            for n in [self.level_counts.get(level, 0)]
        ]

    @property
    def escalations_total(self) -> int:
        return sum(self.escalations.values())


def period_bounds(days: int, *, now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=days), now


def report_build(*, team_ids: Sequence[int], days: int, now: datetime) -> Report:
    """The report of the teams `team_ids` (already scoped to the user) over `days` to `now`.

    Five queries whatever the size of the clinic (plus none for the quieting placeholder).
    """
    team_ids = list(team_ids)
    start, end = period_bounds(days, now=now)
    patients = Patient.objects.filter(team_id__in=team_ids, enrolled_at__lt=end)
    exposure = patients.aggregate(
        patients=Count("pk"),
        exposure=Sum(
            ExpressionWrapper(
                Value(end) - Greatest(F("enrolled_at"), Value(start)),
                output_field=DurationField(),
            )
        ),
    )
    patient_days = (exposure["exposure"] or timedelta()).total_seconds() / 86400

    # Entries before a patient's enrolment (imported history) are outside their exposure.
    entries = DiaryEntry.objects.filter(
        patient__team_id__in=team_ids,
        recorded_at__gte=start,
        recorded_at__lt=end,
    ).filter(recorded_at__gte=F("patient__enrolled_at"))
    raised = Alert.objects.filter(entry=OuterRef("pk")).exclude(level=Level.NONE)
    entry_figures = entries.aggregate(
        entries=Count("pk"),
        entry_days=Count(
            Concat(Cast("patient_id", CharField()), Value(":"), Cast("local_day", CharField())),
            distinct=True,
        ),
        alerting=Count("pk", filter=Q(Exists(raised))),
        team_alerting=Count("pk", filter=Q(Exists(raised.filter(team_alert=True)))),
    )

    rows = list(
        Alert.objects.filter(patient__team_id__in=team_ids, fired_at__gte=start, fired_at__lt=end)
        .filter(Q(team_alert=True) | Q(level=Level.WATCH))
        .annotate(rule_title=in_reader_language("rule__title"))
        .values("level", "rule__rule_id", "rule_title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    patient_weeks = patient_days / 7
    level_counts: dict[str, int] = {}
    rules: list[RuleRate] = []
    for row in rows:
        level_counts[row["level"]] = level_counts.get(row["level"], 0) + row["n"]
        rules.append(
            RuleRate(
                rule_id=row["rule__rule_id"],
                title=row["rule_title"],
                level=row["level"],
                count=row["n"],
                per_100_patient_weeks=100 * row["n"] / patient_weeks if patient_weeks else None,
            )
        )
    rank = {level: i for i, level in enumerate(RATE_LEVELS_ORDER)}
    rules.sort(key=lambda r: (rank.get(r.level, 9), -r.count, r.rule_id))

    # Reminders sent because nobody acknowledged a concern in time, by its level then.
    escalations = dict(
        ConcernEvent.objects.filter(
            concern__patient__team_id__in=team_ids,
            at__gte=start,
            at__lt=end,
            kind__in=(ConcernEvent.Kind.OVERDUE, ConcernEvent.Kind.REMINDER),
        )
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )

    return Report(
        start=start,
        end=end,
        days=days,
        patients=exposure["patients"],
        patient_days=patient_days,
        entries=entry_figures["entries"],
        entry_days=entry_figures["entry_days"],
        alerting_entries=entry_figures["alerting"],
        team_alerting_entries=entry_figures["team_alerting"],
        level_counts=level_counts,
        rules=rules,
        responses=_responses(team_ids=team_ids, start=start, end=end),
        escalations=escalations,
        quieted=_quieted_counts(team_ids=team_ids, start=start, end=end),
    )


# Working seconds of the alert's team between the firing and `stop`: the overlap of the
# interval with each weekday's working day, in the team's time zone (as add_working_hours).
# d is a local timestamp without time zone (hence the casts: generate_series over dates
# would yield timestamptz in the session's zone), and `local AT TIME ZONE zone` is the
# instant, so DST days have their true length.
_WORKING_SECONDS = """
(SELECT COALESCE(SUM(GREATEST(0, EXTRACT(EPOCH FROM
        LEAST({stop}, (d + t.working_day_end) AT TIME ZONE t.timezone)
        - GREATEST(a.fired_at, (d + t.working_day_start) AT TIME ZONE t.timezone)))), 0)
   FROM generate_series(
        (a.fired_at AT TIME ZONE t.timezone)::date::timestamp,
        ({stop} AT TIME ZONE t.timezone)::date::timestamp,
        interval '1 day') AS d
  WHERE EXTRACT(ISODOW FROM d) < 6)
"""

# An alert not acknowledged (or resolved) yet counts with its time so far, up to the end
# of the period: leaving it out made a team that never answered look fast.
_ACK_STOP = "COALESCE(a.acknowledged_at, %(end)s)"
_RESOLVE_STOP = "COALESCE(a.resolved_at, %(end)s)"

_RESPONSES_SQL = f"""
WITH timed AS (
  SELECT a.level,
         a.acknowledged_at IS NOT NULL AS acked,
         a.resolved_at IS NOT NULL AS resolved,
         CASE WHEN a.level = %(contact)s
              THEN {_WORKING_SECONDS.format(stop=_ACK_STOP)} / 3600.0
              ELSE EXTRACT(EPOCH FROM {_ACK_STOP} - a.fired_at) / 60.0 END AS ack,
         CASE WHEN a.level = %(contact)s
              THEN {_WORKING_SECONDS.format(stop=_RESOLVE_STOP)} / 3600.0
              ELSE EXTRACT(EPOCH FROM {_RESOLVE_STOP} - a.fired_at) / 60.0 END AS res
    FROM alerts_alert a
    JOIN patients_patient p ON p.id = a.patient_id
    JOIN patients_careteam t ON t.id = p.team_id
   WHERE p.team_id = ANY(%(teams)s)
     AND a.team_alert
     AND a.level IN (%(urgent)s, %(contact)s)
     AND a.fired_at >= %(start)s AND a.fired_at < %(end)s
)
SELECT level,
       COUNT(*),
       COUNT(*) FILTER (WHERE acked),
       COUNT(*) FILTER (WHERE resolved),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ack),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ack),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY res),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY res),
       COUNT(*) FILTER (WHERE acked AND ack <= CASE WHEN level = %(contact)s
                                                    THEN %(contact_target)s
                                                    ELSE %(urgent_target)s END),
       COUNT(*) FILTER (WHERE NOT acked),
       COUNT(*) FILTER (WHERE NOT resolved)
  FROM timed
 GROUP BY level
"""  # noqa: S608 (only the constant _WORKING_SECONDS is formatted in; values are parameters)


def response_targets() -> dict[str, tuple[float, str]]:
    """Each team level's acknowledgement target and its unit (Django settings)."""
    return {
        Level.URGENT: (float(settings.RESPONSE_TARGET_URGENT_MINUTES), "minutes"),
        Level.CONTACT: (float(settings.RESPONSE_TARGET_CONTACT_WORKING_HOURS), "working hours"),
    }


def _responses(*, team_ids: list[int], start: datetime, end: datetime) -> list[Response]:
    """Median and 90th percentile times per team level, computed by PostgreSQL (one query).

    An alert not acknowledged (or not resolved) yet counts with its time so far, to the
    end of the period; the page says how many are still open.
    """
    targets = response_targets()
    params = {
        "teams": team_ids,
        "start": start,
        "end": end,
        "urgent": str(Level.URGENT),
        "contact": str(Level.CONTACT),
        "urgent_target": targets[Level.URGENT][0],
        "contact_target": targets[Level.CONTACT][0],
    }
    with connection.cursor() as cursor:
        cursor.execute(_RESPONSES_SQL, params)
        found = {row[0]: row for row in cursor.fetchall()}
    result = []
    for level in TEAM_LEVELS_ORDER:
        row = found.get(str(level))
        target, unit = targets[level]
        if row is None:
            row = (level, 0, 0, 0, None, None, None, None, 0, 0, 0)
        result.append(
            Response(
                level=str(level),
                alerts=row[1],
                acknowledged=row[2],
                resolved=row[3],
                unit=unit,
                target=target,
                ack_median=_float(row[4]),
                ack_p90=_float(row[5]),
                resolve_median=_float(row[6]),
                resolve_p90=_float(row[7]),
                within_target=row[8],
                open_unacknowledged=row[9],
                open_unresolved=row[10],
            )
        )
    return result


def _float(value) -> float | None:
    return None if value is None else float(value)


def _quieted_counts(*, team_ids: list[int], start: datetime, end: datetime) -> list[dict]:
    """Rules and symptoms the team quieted for a patient during the period: how many
    patients each, in one aggregate. Counts only; never the reason (free text may hold
    health data)."""
    label = (
        Symptom.objects.filter(code=OuterRef("symptom_code"))
        .annotate(words=in_reader_language("label"))
        .values("words")[:1]
    )
    rows = (
        Quieting.objects.filter(patient__team_id__in=team_ids, starts_at__lt=end)
        .filter(expires_at__gte=start)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=start))
        .annotate(rule_title=in_reader_language("rule__title"))
        .values("rule_title", "symptom_code")
        .annotate(n=Count("patient_id", distinct=True), label=Subquery(label))
        .order_by("-n", "rule_title", "symptom_code")
    )
    return [
        {"what": row["rule_title"] or row["label"] or row["symptom_code"], "n": row["n"]}
        for row in rows
    ]


CSV_HEADER = ["section", "measure", "level", "rule", "value", "unit"]


def _num(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def report_csv_rows(report: Report, *, scope: str) -> list[list[str]]:
    """The report's figures as CSV rows (header first): the same numbers as the page."""
    rows: list[list[str]] = [
        CSV_HEADER,
        ["period", "scope", "", "", scope, ""],
        ["period", "start", "", "", report.start.isoformat(), "UTC"],
        ["period", "end", "", "", report.end.isoformat(), "UTC"],
        ["period", "days", "", "", str(report.days), "days"],
        ["diary", "patients", "", "", str(report.patients), "patients"],
        ["diary", "patient_weeks", "", "", _num(report.patient_weeks), "patient-weeks"],
        ["diary", "entries", "", "", str(report.entries), "entries"],
        [
            "diary",
            "entries_per_patient_week",
            "",
            "",
            _num(report.entries_per_patient_week),
            "entries/patient-week",
        ],
        ["diary", "check_ins_done", "", "", str(report.entry_days), "patient-days"],
        ["diary", "check_ins_expected", "", "", str(report.expected_check_ins), "patient-days"],
        ["diary", "adherence", "", "", _num(report.adherence, 4), "share of patient-days"],
        ["diary", "benchmark_completion", "", "", _num(BENCHMARK_COMPLETION, 4), "share"],
        [
            "alerting",
            "team_alerts_per_100_entries",
            "",
            "",
            _num(report.team_alerts_per_100_entries),
            "per 100 entries",
        ],
        [
            "alerting",
            "benchmark_alerts_per_100_entries",
            "",
            "",
            _num(BENCHMARK_ALERTS_PER_100_ENTRIES),
            "per 100 entries",
        ],
        ["alerting", "entries_any_alert", "", "", str(report.alerting_entries), "entries"],
        ["alerting", "share_any_alert", "", "", _num(report.alerting_share, 4), "share"],
        ["alerting", "share_team_alert", "", "", _num(report.team_alerting_share, 4), "share"],
        ["alerting", "benchmark_oncology_epro", "", "", _num(BENCHMARK_ALERTING_SHARE, 4), "share"],
    ]
    for level, count, rate in report.level_rates:
        rows.append(["alerts", "count", str(level), "", str(count), "alerts"])
        rows.append(["alerts", "rate", str(level), "", _num(rate), "per 100 patient-weeks"])
    for rule in report.rules:
        rows.append(["rules", "count", rule.level, rule.rule_id, str(rule.count), "alerts"])
        rows.append(
            [
                "rules",
                "rate",
                rule.level,
                rule.rule_id,
                _num(rule.per_100_patient_weeks),
                "per 100 patient-weeks",
            ]
        )
    for r in report.responses:
        for measure, value in (
            ("alerts", str(r.alerts)),
            ("acknowledged", str(r.acknowledged)),
            ("resolved", str(r.resolved)),
            ("target", _num(r.target)),
            ("acknowledge_median", _num(r.ack_median)),
            ("acknowledge_p90", _num(r.ack_p90)),
            ("resolve_median", _num(r.resolve_median)),
            ("resolve_p90", _num(r.resolve_p90)),
            ("within_target_share", _num(r.within_target_share, 4)),
            ("open_unacknowledged", str(r.open_unacknowledged)),
            ("open_unresolved", str(r.open_unresolved)),
        ):
            unit = "share" if measure.endswith("share") else r.unit
            counts = (
                "alerts",
                "acknowledged",
                "resolved",
                "open_unacknowledged",
                "open_unresolved",
            )
            unit = "alerts" if measure in counts else unit
            rows.append(["response", measure, r.level, "", value, unit])
    for level in TEAM_LEVELS_ORDER:
        rows.append(
            [
                "escalations",
                "renotified",
                str(level),
                "",
                str(report.escalations.get(level, 0)),
                "steps",
            ]
        )
    for quieted in report.quieted:
        rows.append(["quieted", "count", "", str(quieted["what"]), str(quieted["n"]), "patients"])
    return rows
