"""The clinic report's figures on a small hand-built clinic; expected values worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from team.report import report_build
from tests.team import report_data as data

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, noon (London is on GMT: local days are UTC days).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=7)  # Wednesday 4 March, noon
H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def clinic(team_a, team_b, bob, dave):
    """Team A: bob enrolled long ago (7 patient-days), dave 3.5 days ago (3.5 patient-days)."""
    bob.enrolled_at = NOW - timedelta(days=60)
    bob.save()
    dave.enrolled_at = NOW - timedelta(days=3, hours=12)
    dave.save()
    urgent1, urgent2 = data.rule("RPT-U1", "URGENT"), data.rule("RPT-U2", "URGENT")
    contact1, contact2 = data.rule("RPT-C1", "CONTACT"), data.rule("RPT-C2", "CONTACT")
    watch = data.rule("RPT-W1", "WATCH")
    e_start, e_mon, e_mon2, e_before, e_end, d_tue, d_before_enrol = data.entries(
        [
            (bob, START),  # the first instant of the period: in
            (bob, NOW - 2 * 24 * H),  # Monday 9 March noon
            (bob, NOW - 2 * 24 * H + H),  # the same day again
            (bob, START - timedelta(seconds=1)),  # before the period: out
            (bob, NOW),  # the end is exclusive: out
            (dave, NOW - 24 * H),  # Tuesday 10 March noon
            (dave, NOW - 5 * 24 * H),  # before dave's enrolment: out
        ]
    )
    mon_noon, tue_noon = NOW - 48 * H, NOW - 24 * H
    alerts = {
        # Monday noon, acknowledged Tuesday 10:00 (6 + 2 = 8 working hours), resolved
        # Tuesday noon (6 + 4 = 10 working hours).
        "contact_slow": data.alert(
            bob,
            contact1,
            fired_at=mon_noon,
            entry=e_mon,
            acknowledged_at=tue_noon - 2 * H,
            resolved_at=tue_noon,
        ),
        # Friday 17:00, acknowledged Monday 09:00: 64 hours on the clock, 2 working hours.
        "contact_weekend": data.alert(
            bob,
            contact2,
            fired_at=datetime(2026, 3, 6, 17, tzinfo=UTC),
            acknowledged_at=datetime(2026, 3, 9, 9, tzinfo=UTC),
        ),
        "watch": data.alert(bob, watch, fired_at=mon_noon, entry=e_mon),
        # A de-duplicated firing: the entry raised an alert, the team was not notified.
        "dedup": data.alert(bob, contact1, fired_at=mon_noon + H, entry=e_mon2, team_alert=False),
        "urgent_fast": data.alert(
            dave,
            urgent1,
            fired_at=tue_noon,
            entry=d_tue,
            acknowledged_at=tue_noon + 10 * M,
            resolved_at=tue_noon + 60 * M,
        ),
        "urgent_late": data.alert(
            dave, urgent2, fired_at=tue_noon, entry=d_tue, acknowledged_at=tue_noon + 30 * M
        ),
        "before": data.alert(bob, urgent1, fired_at=START - M, entry=e_before),
    }
    data.escalation(
        alerts["contact_slow"], step=1, processed_at=mon_noon + 4 * H, outcome="renotified"
    )
    data.escalation(
        alerts["contact_slow"], step=2, processed_at=mon_noon + 8 * H, outcome="acknowledged"
    )
    data.escalation(alerts["before"], step=1, processed_at=START - M, outcome="renotified")
    # Team B's clinic must not leak into team A's figures.
    (other,) = data.patients(team_b, 1, enrolled_at=NOW - timedelta(days=60), prefix="b")
    (b_entry,) = data.entries([(other, NOW - H)])
    data.alert(other, urgent1, fired_at=NOW - H, entry=b_entry)
    return alerts


def test_it_computes_diary_use_from_enrolment_or_period_start(team_a, clinic):
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    assert report.patients == 2
    assert report.patient_days == pytest.approx(7 + 3.5)
    assert report.patient_weeks == pytest.approx(1.5)
    assert report.entries == 4  # e_start, e_mon, e_mon2, d_tue
    assert report.entries_per_patient_week == pytest.approx(4 / 1.5)
    assert report.entry_days == 3  # bob 4 and 9 March, dave 10 March
    assert report.adherence == pytest.approx(3 / 10.5)


def test_it_counts_entries_that_raised_any_alert_and_team_alerts(team_a, clinic):
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    assert report.alerting_entries == 3  # e_mon, e_mon2 (de-duplicated), d_tue
    assert report.team_alerting_entries == 2  # e_mon, d_tue
    assert report.alerting_share == pytest.approx(3 / 4)


def test_it_rates_alerts_per_100_patient_weeks_by_level_and_rule(team_a, clinic):
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    rates = {level: (n, rate) for level, n, rate in report.level_rates}
    assert rates["URGENT"] == (2, pytest.approx(200 / 1.5))
    assert rates["CONTACT"] == (2, pytest.approx(200 / 1.5))  # not the de-duplicated one
    assert rates["WATCH"] == (1, pytest.approx(100 / 1.5))
    by_rule = {r.rule_id: r.count for r in report.rules}
    assert by_rule == {"RPT-U1": 1, "RPT-U2": 1, "RPT-C1": 1, "RPT-C2": 1, "RPT-W1": 1}
    assert [r.level for r in report.rules] == ["URGENT", "URGENT", "CONTACT", "CONTACT", "WATCH"]


def test_it_times_urgent_in_minutes_and_contact_in_working_hours(team_a, clinic):
    urgent, contact = report_build(team_ids=[team_a.pk], days=7, now=NOW).responses
    assert (urgent.level, urgent.unit, urgent.target) == ("URGENT", "minutes", 15)
    assert (urgent.alerts, urgent.acknowledged, urgent.resolved) == (2, 2, 1)
    assert urgent.ack_median == pytest.approx(20)  # 10 and 30 minutes
    assert urgent.ack_p90 == pytest.approx(10 + 0.9 * 20)  # linear interpolation
    # urgent_late is still open at NOW: it counts with its 24 hours so far (1,440 minutes).
    assert urgent.open_unresolved == 1 and urgent.open_unacknowledged == 0
    assert urgent.resolve_median == pytest.approx((60 + 1440) / 2)
    assert urgent.resolve_p90 == pytest.approx(60 + 0.9 * 1380)
    assert urgent.within_target == 1
    assert (contact.unit, contact.target) == ("working hours", 4)
    assert contact.ack_median == pytest.approx((8 + 2) / 2)
    assert contact.ack_p90 == pytest.approx(2 + 0.9 * 6)
    # contact_weekend is still open: Friday 17-18, Monday and Tuesday 10 h each, Wednesday
    # 08-12 = 25 working hours so far, beside contact_slow's 10.
    assert contact.open_unresolved == 1
    assert contact.resolve_median == pytest.approx((10 + 25) / 2)
    assert contact.resolve_p90 == pytest.approx(10 + 0.9 * 15)
    assert contact.within_target == 1  # the weekend one: 2 working hours
    assert contact.within_target_share == pytest.approx(0.5)


def test_an_alert_nobody_acknowledged_counts_with_its_time_so_far(team_a, clinic, dave):
    """The team never answered one URGENT: leaving it out would make the team look fast."""
    data.alert(dave, data.rule("RPT-U3", "URGENT"), fired_at=NOW - 50 * M)
    urgent, _contact = report_build(team_ids=[team_a.pk], days=7, now=NOW).responses
    assert (urgent.alerts, urgent.acknowledged, urgent.open_unacknowledged) == (3, 2, 1)
    assert urgent.ack_median == pytest.approx(30)  # 10, 30 and 50 so far
    assert urgent.ack_p90 == pytest.approx(30 + 0.8 * 20)
    assert urgent.within_target == 1  # an open one is never within target


def test_targets_are_settings(team_a, clinic, settings):
    settings.RESPONSE_TARGET_URGENT_MINUTES = 30
    settings.RESPONSE_TARGET_CONTACT_WORKING_HOURS = 8
    urgent, contact = report_build(team_ids=[team_a.pk], days=7, now=NOW).responses
    assert (urgent.target, urgent.within_target) == (30, 2)
    assert (contact.target, contact.within_target) == (8, 2)


def test_it_counts_renotified_escalations_in_the_period_only(team_a, clinic):
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    assert report.escalations == {"CONTACT": 1}


def test_an_empty_clinic_shows_no_rates_rather_than_failing(team_b):
    report = report_build(team_ids=[team_b.pk], days=30, now=NOW)
    assert report.patients == 0
    assert report.adherence is None and report.entries_per_patient_week is None
    assert all(r.ack_median is None and r.alerts == 0 for r in report.responses)


@pytest.mark.parametrize("days", [7, 30, 90])
@pytest.mark.parametrize(
    ("offset", "counted"),
    [
        (timedelta(seconds=-1), False),  # a second before the period starts
        (timedelta(0), True),  # the first instant
        (None, True),  # a second before the end
        ("end", False),  # the end: exclusive
    ],
)
def test_period_boundaries(team_a, bob, days, offset, counted):
    bob.enrolled_at = NOW - timedelta(days=200)
    bob.save()
    start = NOW - timedelta(days=days)
    at = (
        NOW if offset == "end" else NOW - timedelta(seconds=1) if offset is None else start + offset
    )
    (entry,) = data.entries([(bob, at)])
    data.alert(bob, data.rule("RPT-C1", "CONTACT"), fired_at=at, entry=entry)
    report = report_build(team_ids=[team_a.pk], days=days, now=NOW)
    assert report.entries == int(counted)
    assert report.level_counts.get("CONTACT", 0) == int(counted)
    assert report.patient_days == pytest.approx(days)


@pytest.mark.parametrize(
    ("zone", "fired", "hours"),
    [
        ("Europe/London", datetime(2026, 3, 9, 12, tzinfo=UTC), 3),  # within one day
        ("Europe/London", datetime(2026, 3, 6, 17, tzinfo=UTC), 2),  # over a weekend
        ("Europe/London", datetime(2026, 3, 27, 16, tzinfo=UTC), 4),  # over the spring DST
        ("Europe/London", datetime(2026, 10, 23, 15, 30, tzinfo=UTC), 5.5),  # autumn DST
        ("Europe/London", datetime(2026, 3, 7, 10, tzinfo=UTC), 1),  # fired on a Saturday
        ("America/New_York", datetime(2026, 3, 6, 21, tzinfo=UTC), 2),  # 16:00 local Friday
    ],
)
def test_contact_working_hours_agree_with_the_escalation_clock(team_a, bob, zone, fired, hours):
    """The report's SQL and alerts.care.notify.add_working_hours count the same working time."""
    from alerts.care.notify import add_working_hours

    team_a.timezone = zone
    team_a.save()
    bob.enrolled_at = fired - timedelta(days=30)
    bob.save()
    acked = add_working_hours(fired, hours, team_a)
    data.alert(bob, data.rule("RPT-C1", "CONTACT"), fired_at=fired, acknowledged_at=acked)
    _urgent, contact = report_build(
        team_ids=[team_a.pk], days=7, now=fired + timedelta(days=1)
    ).responses
    assert contact.ack_median == pytest.approx(hours)
    assert contact.within_target == int(hours <= 4)


def test_check_ins_and_team_alerts_per_100_entries(team_a, clinic):
    report = report_build(team_ids=[team_a.pk], days=7, now=NOW)
    assert (report.entry_days, report.expected_check_ins) == (3, round(10.5))
    assert report.team_alerts == 4  # 2 URGENT and 2 CONTACT; WATCH and the duplicate not
    assert report.team_alerts_per_100_entries == pytest.approx(100 * 4 / 4)


def test_each_patients_check_ins_and_who_has_not_written_for_a_week(team_a, clinic, bob, dave):
    from team.adherence import patient_use

    (quiet,) = data.patients(team_a, 1, enrolled_at=NOW - timedelta(days=60), prefix="q")
    data.entries([(quiet, NOW - timedelta(days=8))])  # before the week: quiet
    (never,) = data.patients(team_a, 1, enrolled_at=NOW - timedelta(days=2), prefix="n")
    rows = {r.patient.pk: r for r in patient_use(team_ids=[team_a.pk], start=START, end=NOW)}
    # 4 to 11 March noon touches 8 local dates; bob wrote on 4 and 9 March.
    assert (rows[bob.pk].days_with_entry, rows[bob.pk].expected) == (2, 8)
    # Dave, enrolled 8 March at midnight: 8 to 11 March, 4 dates.
    assert (rows[dave.pk].days_with_entry, rows[dave.pk].expected) == (1, 4)
    assert rows[bob.pk].last_entry == NOW - 47 * H  # the end itself is outside
    assert (rows[quiet.pk].days_with_entry, rows[never.pk].expected) == (0, 3)
    # Enrolled two days ago and not written yet: new, not quiet. The 7 days count from the
    # latest of the last entry, enrolment and the end of a pause.
    assert [pk for pk, r in rows.items() if r.quiet(NOW)] == [quiet.pk]
    assert not rows[never.pk].quiet(NOW) and rows[never.pk].quiet(NOW + timedelta(days=6))
    ordered = list(patient_use(team_ids=[team_a.pk], start=START, end=NOW))
    assert [r.share for r in ordered] == sorted(r.share for r in ordered)  # least first
