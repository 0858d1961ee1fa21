"""The on-call rota: who is on call at an instant (midnight, swaps, clock changes), and the
paging chain of an URGENT concern nobody acknowledges (alerts/care/oncall.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts.care import oncall
from alerts.care.concerns import concern_acknowledge, concern_resolve, concern_snooze
from alerts.delivery import send
from alerts.delivery.transports import TRANSPORTS
from alerts.models import Concern, ConcernEvent, Notification, PageStep, RotaShift, RotaSwap
from alerts.tasks import sweep_escalations, sweep_pages
from patients.models import CareTeamMembership
from reach.models import Phone, Preference, PushDevice
from tests.alerts.factories import submit_entry
from tests.conftest import make_clinician

# Push and SMS are configured: a device or a verified phone reaches its person.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels_on")]
LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def sam(team_a):
    return make_clinician("sam", team_a, "backup")


@pytest.fixture
def rota(team_a, alice, erin, sam):
    """Days 08:00–19:00 Alice (backup Erin); nights 19:00–08:00 Erin (backup Sam)."""
    team_a.timezone = "Europe/London"
    team_a.urgent_escalation_minutes = 15
    team_a.save()
    for day in range(7):
        RotaShift.objects.create(
            team=team_a, weekday=day, starts=time(8), ends=time(19), on_call=alice, backup=erin
        )
        RotaShift.objects.create(
            team=team_a, weekday=day, starts=time(19), ends=time(8), on_call=erin, backup=sam
        )
    return team_a


def names(pair) -> tuple:
    return tuple(p.username if p else None for p in pair)


# Who is on call --------------------------------------------------------------------------


def test_it_finds_the_night_shift_on_both_sides_of_midnight(rota):
    # Wednesday 2026-06-10.
    assert names(oncall.on_call(rota, london(2026, 6, 10, 18, 59))) == ("alice", "erin")
    assert names(oncall.on_call(rota, london(2026, 6, 10, 19, 0))) == ("erin", "sam")
    assert names(oncall.on_call(rota, london(2026, 6, 10, 23, 59))) == ("erin", "sam")
    assert names(oncall.on_call(rota, london(2026, 6, 11, 0, 0))) == ("erin", "sam")
    assert names(oncall.on_call(rota, london(2026, 6, 11, 7, 59))) == ("erin", "sam")
    assert names(oncall.on_call(rota, london(2026, 6, 11, 8, 0))) == ("alice", "erin")


def test_a_night_crossing_into_the_next_day_belongs_to_the_day_it_started(team_a, erin, sam):
    """Only Sunday's night: Monday morning is covered, Sunday morning is not."""
    RotaShift.objects.create(
        team=team_a, weekday=6, starts=time(22), ends=time(6), on_call=erin, backup=sam
    )
    assert names(oncall.on_call(team_a, london(2026, 6, 15, 5, 0))) == ("erin", "sam")  # Mon
    assert names(oncall.on_call(team_a, london(2026, 6, 14, 5, 0))) == (None, None)  # Sun
    assert names(oncall.on_call(team_a, london(2026, 6, 15, 6, 0))) == (None, None)


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Spring: the night of Saturday 28 March 2026, clocks go forward at 01:00 GMT.
        (datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC")), "erin"),  # 00:30 GMT
        (datetime(2026, 3, 29, 6, 30, tzinfo=ZoneInfo("UTC")), "erin"),  # 07:30 BST
        (datetime(2026, 3, 29, 7, 30, tzinfo=ZoneInfo("UTC")), "alice"),  # 08:30 BST
        # Autumn: the night of Saturday 24 October 2026, clocks go back at 01:00 GMT.
        (datetime(2026, 10, 24, 17, 30, tzinfo=ZoneInfo("UTC")), "alice"),  # 18:30 BST
        (datetime(2026, 10, 24, 18, 30, tzinfo=ZoneInfo("UTC")), "erin"),  # 19:30 BST
        (datetime(2026, 10, 25, 7, 30, tzinfo=ZoneInfo("UTC")), "erin"),  # 07:30 GMT
        (datetime(2026, 10, 25, 8, 0, tzinfo=ZoneInfo("UTC")), "alice"),  # 08:00 GMT
    ],
)
def test_it_reads_the_pattern_in_the_teams_wall_time_across_clock_changes(rota, utc, expected):
    assert names(oncall.on_call(rota, utc))[0] == expected


def test_it_reads_another_zone_as_that_teams_clocks(rota):
    rota.timezone = "America/New_York"
    rota.save()
    # 20:00 in New York is the night shift there, 01:00 in London.
    at = datetime(2026, 6, 10, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert names(oncall.on_call(rota, at)) == ("erin", "sam")


def test_a_swap_wins_over_the_pattern_only_for_whom_it_names(rota, alice, erin, sam):
    RotaSwap.objects.create(
        team=rota, starts_at=london(2026, 6, 10, 19), ends_at=london(2026, 6, 11, 8), on_call=sam
    )
    assert names(oncall.on_call(rota, london(2026, 6, 10, 23))) == ("sam", None)
    RotaSwap.objects.create(
        team=rota, starts_at=london(2026, 6, 10, 22), ends_at=london(2026, 6, 11, 1), backup=alice
    )
    assert names(oncall.on_call(rota, london(2026, 6, 10, 23))) == ("sam", "alice")
    # After the swaps end, the pattern again.
    assert names(oncall.on_call(rota, london(2026, 6, 11, 19, 30))) == ("erin", "sam")


def test_someone_who_left_the_team_is_not_on_call(rota, erin):
    CareTeamMembership.objects.filter(user=erin).delete()
    assert names(oncall.on_call(rota, london(2026, 6, 10, 23))) == (None, "sam")


def test_only_active_members_of_the_team_may_be_put_on_call(team_a, alice, charlie, erin):
    with pytest.raises(ValidationError) as error:
        RotaShift(
            team=team_a, weekday=0, starts=time(8), ends=time(9), on_call=charlie
        ).full_clean()
    assert "on_call" in error.value.message_dict
    erin.is_active = False
    erin.save()
    with pytest.raises(ValidationError) as error:
        RotaShift(
            team=team_a, weekday=0, starts=time(8), ends=time(9), on_call=alice, backup=erin
        ).full_clean()
    assert "backup" in error.value.message_dict
    with pytest.raises(ValidationError):
        RotaSwap(
            team=team_a,
            starts_at=london(2026, 6, 1),
            ends_at=london(2026, 6, 2),
            on_call=charlie,
        ).full_clean()


# The paging chain ------------------------------------------------------------------------


@pytest.fixture
def reachable(erin, sam, alice):
    """Erin has a phone for push and a verified number; Sam push only; Alice nothing."""
    PushDevice.objects.create(
        user=erin, name="Erin's phone", endpoint="https://push.example/erin", p256dh="k", auth="a"
    )
    Phone.objects.create(user=erin, number="+447700900123", verified_at=timezone.now())
    PushDevice.objects.create(
        user=sam, name="Sam's phone", endpoint="https://push.example/sam", p256dh="k", auth="a"
    )


def urgent(bob, at) -> Concern:
    """38.6 °C with low immunoglobulins: T-FEV-ER-1, an URGENT concern, saved at `at`."""
    bob.er_low_ig = True
    bob.save()
    submit_entry(bob, at, temp="38.6")
    concern = Concern.objects.get(patient=bob, status="open")
    assert concern.level == "URGENT"
    return concern


def rows(concern, kind) -> set[tuple[str, str]]:
    return set(
        Notification.objects.filter(concern=concern, kind=kind).values_list(
            "recipient__username", "channel"
        )
    )


SEVEN = london(2026, 6, 10, 19, 0)


@pytest.fixture
def night(rota, bob, reachable):
    """An URGENT concern at 19:00 on a Wednesday, Alice the team's lead."""
    rota.lead = CareTeamMembership.objects.get(team=rota, user__username="alice").user
    rota.save()
    return urgent(bob, SEVEN)


def test_it_plans_three_steps_one_interval_apart(night):
    steps = PageStep.objects.filter(concern=night).order_by("step")
    assert [(s.step, s.due_at) for s in steps] == [
        (1, SEVEN + timedelta(minutes=15)),
        (2, SEVEN + timedelta(minutes=30)),
        (3, SEVEN + timedelta(minutes=45)),
    ]


def test_a_night_pages_the_on_call_then_the_backup_then_shows_the_route(night):
    concern = night
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=14)) == 0
    assert not Notification.objects.filter(concern=concern, kind="paged").exists()

    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=15)) == 1
    assert rows(concern, "paged") == {("erin", "in_app"), ("erin", "push"), ("erin", "sms")}
    page = ConcernEvent.objects.get(concern=concern, kind="paged")
    assert page.page_words == "Erin (on call) by push and text message"

    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=30)) == 1
    assert rows(concern, "paged") - {("erin", "in_app"), ("erin", "push"), ("erin", "sms")} == {
        ("sam", "in_app"),
        ("sam", "push"),
    }
    assert oncall.out_of_hours_shown([concern.pk]) == set()

    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=45)) == 1
    shown = ConcernEvent.objects.get(concern=concern, kind="out_of_hours")
    assert shown.detail["lead"] is True
    # Alice (the lead) is told on the channels she chose for concerns past their target.
    assert rows(concern, "out_of_hours") == {("alice", "in_app"), ("alice", "email")}
    assert oncall.out_of_hours_shown([concern.pk]) == {concern.pk}
    # Nothing more to do, however often beat runs.
    assert oncall.pages_sweep(now=SEVEN + timedelta(hours=3)) == 0


def test_the_lead_cannot_mute_the_last_step(night, alice):
    """Nobody answered a page about an URGENT concern: the lead is told on URGENT's
    channels, which she cannot turn off, whatever she chose for other late concerns."""
    for channel in ("email", "push"):
        Preference.objects.create(user=alice, topic="overdue", channel=channel, enabled=False)
        Preference.objects.create(user=alice, topic="urgent", channel=channel, enabled=False)
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=45))
    assert ("alice", "email") in rows(night, "out_of_hours")


def test_a_page_to_someone_with_no_phone_or_device_goes_by_email(rota, bob, alice):
    """Erin on call with nothing push or SMS can reach: the page still leaves the
    building, by e-mail, and says so."""
    concern = urgent(bob, SEVEN)
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=15))
    assert rows(concern, "paged") == {("erin", "in_app"), ("erin", "email")}
    page = ConcernEvent.objects.get(concern=concern, kind="paged")
    assert page.detail["channels"] == ["email"]


def test_push_and_sms_count_only_while_this_server_can_send_them(night, settings):
    settings.WEBPUSH_ENABLED = False
    settings.SMS_ACCOUNT_SID = ""
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=15))
    assert rows(night, "paged") == {("erin", "in_app"), ("erin", "email")}


def test_a_snooze_does_not_hold_the_pages(night, bob, alice):
    """Snoozing holds the team's reminders; only an acknowledgement stops the chain."""
    assert concern_snooze(
        patient=bob, by=alice, until=SEVEN + timedelta(hours=4), now=SEVEN + timedelta(minutes=5)
    )
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=15)) == 1
    assert ("erin", "sms") in rows(night, "paged")
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=30)) == 1


def test_without_a_lead_the_primaries_are_told(rota, bob, reachable, alice):
    concern = urgent(bob, SEVEN)
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=45))
    assert rows(concern, "out_of_hours") == {("alice", "in_app"), ("alice", "email")}
    assert ConcernEvent.objects.get(concern=concern, kind="out_of_hours").detail["lead"] is False


def test_an_acknowledgement_by_the_on_call_stops_the_chain(night, bob, erin):
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=15))
    assert concern_acknowledge(patient=bob, by=erin, now=SEVEN + timedelta(minutes=20))
    before = Notification.objects.count()
    assert oncall.pages_sweep(now=SEVEN + timedelta(hours=2)) == 0
    assert Notification.objects.count() == before
    assert not ConcernEvent.objects.filter(concern=night, kind__in=["out_of_hours"]).exists()
    assert set(PageStep.objects.filter(concern=night).values_list("step", "outcome")) == {
        (1, "paged"),
        (2, "acknowledged"),
        (3, "acknowledged"),
    }
    assert oncall.out_of_hours_shown([night.pk]) == set()


def test_a_step_found_due_after_an_acknowledgement_is_not_needed(night, bob, erin):
    """The acknowledgement did not reach the steps (a row written by hand, an old plan)."""
    Concern.objects.filter(pk=night.pk).update(acknowledged_at=SEVEN + timedelta(minutes=5))
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=15)) == 0
    assert PageStep.objects.get(concern=night, step=1).outcome == "not needed"
    assert not Notification.objects.filter(concern=night, kind="paged").exists()


def test_a_pending_page_is_not_sent_once_acknowledged(night, bob, erin, monkeypatch):
    sent = []
    monkeypatch.setitem(TRANSPORTS, "push", mock.Mock(notify=sent.append))
    monkeypatch.setitem(TRANSPORTS, "sms", mock.Mock(notify=sent.append))
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=15))
    concern_acknowledge(patient=bob, by=erin, now=SEVEN + timedelta(minutes=16))
    send.notifications_sweep(now=SEVEN + timedelta(minutes=17))
    assert sent == []
    assert set(
        Notification.objects.filter(concern=night, kind="paged")
        .exclude(channel="in_app")
        .values_list("status", flat=True)
    ) == {"cancelled"}


def test_resolving_ends_the_chain(night, bob, erin):
    concern_resolve(
        patient=bob,
        by=erin,
        action="phoned_patient",
        note="Called.",
        now=SEVEN + timedelta(minutes=5),
    )
    assert oncall.pages_sweep(now=SEVEN + timedelta(hours=2)) == 0
    assert not Notification.objects.filter(concern=night, kind="paged").exists()


def test_with_nobody_on_call_it_goes_straight_to_the_backup_and_says_why(night, erin):
    RotaSwap.objects.create(
        team=night.patient.team,
        starts_at=SEVEN,
        ends_at=SEVEN + timedelta(hours=1),
        on_call=erin,
    )
    CareTeamMembership.objects.filter(user=erin).delete()  # Erin left the team
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=15)) == 2
    nobody = ConcernEvent.objects.get(concern=night, kind="not_paged")
    assert nobody.detail == {"step": 1, "role": "on_call"}
    assert rows(night, "paged") == {("sam", "in_app"), ("sam", "push")}
    # The backup's step is done: it does not page Sam a second time at +30.
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=30)) == 0
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=45)) == 1


def test_with_no_rota_at_all_it_shows_the_route_at_the_first_step(team_a, bob, alice):
    concern = urgent(bob, SEVEN)
    assert oncall.pages_sweep(now=SEVEN + timedelta(minutes=15)) == 3
    assert list(
        ConcernEvent.objects.filter(concern=concern, kind__in=["not_paged", "out_of_hours"])
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["not_paged", "not_paged", "out_of_hours"]
    assert oncall.out_of_hours_shown([concern.pk]) == {concern.pk}


def test_a_contact_concern_pages_nobody(rota, bob, reachable):
    submit_entry(bob, SEVEN, temp="38.5")
    concern = Concern.objects.get(patient=bob, status="open")
    assert concern.level == "CONTACT"
    assert not PageStep.objects.filter(concern=concern).exists()


def test_sweeping_twice_at_the_same_instant_takes_each_step_once(night):
    at = SEVEN + timedelta(minutes=45)
    assert oncall.pages_sweep(now=at) == 3
    assert oncall.pages_sweep(now=at) == 0
    assert ConcernEvent.objects.filter(concern=night, kind="paged").count() == 2
    assert ConcernEvent.objects.filter(concern=night, kind="out_of_hours").count() == 1
    assert Notification.objects.filter(concern=night, kind="paged").count() == 5


def test_planning_twice_keeps_one_row_per_step(night):
    wait = ConcernEvent.objects.get(concern=night, kind="opened")
    oncall.plan_paging(night, wait)
    assert PageStep.objects.filter(concern=night).count() == 3


def test_beats_paging_task_pages_even_when_the_reminder_sweep_fails(night):
    """Paging has its own task on beat's schedule: a reminder sweep that raises (or runs
    out of time) does not hold up a page."""
    assert settings.CELERY_BEAT_SCHEDULE["sweep-pages"]["task"] == "alerts.tasks.sweep_pages"
    with (
        mock.patch("alerts.tasks.escalations_sweep", side_effect=RuntimeError("broken")),
        pytest.raises(RuntimeError),
    ):
        sweep_escalations()
    with mock.patch("alerts.care.oncall.timezone.now", return_value=SEVEN + timedelta(minutes=15)):
        sweep_pages()
    assert rows(night, "paged") == {("erin", "in_app"), ("erin", "push"), ("erin", "sms")}


def test_a_redis_outage_during_paging_loses_no_step_and_repeats_none(
    night, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker is down: publishing raises. The steps and rows are written once all the
    same; the outbox sweep sends them later; sweeping again repeats nothing."""
    from diary_core import publisher

    tried = []

    def broker_down(name, args):
        tried.append((name, args))
        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(publisher, "_send_task", broker_down)
    at = SEVEN + timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert oncall.pages_sweep(now=at) == 2
    for future in [publisher.publisher.submit(lambda: None)]:
        future.result(timeout=10)  # the publisher's queue has drained
    pending = Notification.objects.filter(concern=night, kind="paged").exclude(channel="in_app")
    assert len(tried) == pending.count() == 3  # Erin push + SMS, Sam push: each tried once
    assert {args[0] for _, args in tried} == set(pending.values_list("pk", flat=True))
    assert set(pending.values_list("status", flat=True)) == {"pending"}

    with django_capture_on_commit_callbacks(execute=True):
        assert oncall.pages_sweep(now=at) == 0
    assert Notification.objects.filter(concern=night, kind="paged").count() == 5
    assert PageStep.objects.filter(concern=night, processed_at__isnull=False).count() == 2

    # The broker is back: the outbox's minute sweep sends what the lost publishes did not.
    sent = []
    monkeypatch.setitem(TRANSPORTS, "push", mock.Mock(notify=lambda n: sent.append(n.pk)))
    monkeypatch.setitem(TRANSPORTS, "sms", mock.Mock(notify=lambda n: sent.append(n.pk)))
    pages = sorted(pending.values_list("pk", flat=True))
    send.notifications_sweep(now=at + timedelta(minutes=1))  # (and the opening's e-mail)
    assert sorted(sent) == pages
    assert set(pending.values_list("status", flat=True)) == {"sent"}
    assert send.notifications_sweep(now=at + timedelta(minutes=2)) == 0
    assert sorted(sent) == pages


def test_the_route_shown_for_an_earlier_wait_is_not_shown_for_a_new_one(night, bob, erin):
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=45))
    assert oncall.out_of_hours_shown([night.pk]) == {night.pk}
    concern_acknowledge(patient=bob, by=erin, now=SEVEN + timedelta(minutes=50))
    # A new URGENT firing after the acknowledgement: a new wait, paged from the start.
    submit_entry(bob, SEVEN + timedelta(hours=2), temp="38.9")
    night.refresh_from_db()
    assert night.acknowledged_at is None
    assert oncall.out_of_hours_shown([night.pk]) == set()
    waits = PageStep.objects.filter(concern=night, processed_at__isnull=True)
    assert sorted(waits.values_list("step", flat=True)) == [1, 2, 3]


def test_the_leads_email_says_nobody_answered_and_no_health_data(night, bob, mailoutbox):
    oncall.pages_sweep(now=SEVEN + timedelta(minutes=45))
    mailoutbox.clear()
    send.notifications_sweep(now=SEVEN + timedelta(minutes=46))
    (message,) = [m for m in mailoutbox if "Nobody answered" in m.subject]
    assert message.to == ["alice@example.org"]
    assert "out-of-hours route" in message.body
    assert bob.reference in message.body
    for secret in ("38.6", "38,6", "Bob", "Baker", "T-FEV"):
        assert secret not in message.subject + message.body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_racing_take_each_step_once(rota, bob, reachable):
    """Two beat workers at the same instant (a redelivered task): every step once."""
    from tests.concurrency import race

    concern = urgent(bob, SEVEN)
    results, errors = race(lambda: oncall.pages_sweep(now=SEVEN + timedelta(minutes=45)))
    assert errors == []
    assert sum(results) == 3
    assert ConcernEvent.objects.filter(concern=concern, kind="paged").count() == 2
    assert ConcernEvent.objects.filter(concern=concern, kind="out_of_hours").count() == 1
    assert Notification.objects.filter(concern=concern, kind="paged").count() == 5


def test_the_team_lead_must_be_an_active_member(team_a, alice, charlie):
    team_a.lead = charlie
    with pytest.raises(ValidationError) as error:
        team_a.full_clean()
    assert "lead" in error.value.message_dict
    team_a.lead = alice
    team_a.full_clean()
