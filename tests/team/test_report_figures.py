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
    assert (urgent.resolve_median, urgent.resolve_p90) == (pytest.approx(60), pytest.approx(60))
    assert urgent.within_target == 1
    assert (contact.unit, contact.target) == ("working hours", 4)
    assert contact.ack_median == pytest.approx((8 + 2) / 2)
    assert contact.ack_p90 == pytest.approx(2 + 0.9 * 6)
    assert contact.resolve_median == pytest.approx(10)
    assert contact.within_target == 1  # the weekend one: 2 working hours
    assert contact.within_target_share == pytest.approx(0.5)


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
    """The report's SQL and alerts.notify.add_working_hours count the same working time."""
    from alerts.notify import add_working_hours

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
