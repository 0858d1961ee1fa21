"""The rota page: this week, the weekly pattern and the swaps, for the team's own
clinicians (Charlie gets 404 and nothing changes); bad input keeps what was typed; the
queue says who is on call and shows the out-of-hours route when nobody answered."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from alerts.care import oncall
from alerts.models import Concern, RotaShift, RotaSwap
from tests.alerts.factories import submit_entry
from tests.conftest import make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(team_a):
    return make_clinician("sam", team_a, "backup")


@pytest.fixture
def shift(team_a, alice, erin):
    return RotaShift.objects.create(
        team=team_a, weekday=0, starts=time(19), ends=time(8), on_call=erin, backup=alice
    )


@pytest.fixture
def swap(team_a, alice):
    now = timezone.now()
    return RotaSwap.objects.create(
        team=team_a,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
        on_call=alice,
    )


def ahead(days: int, hour: int, minute: int = 0) -> str:
    """A wall time `days` from today, as the form's datetime-local field sends it."""
    day = timezone.now().date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def next_spring_forward() -> str:
    """01:30 on the next last Sunday of March: a time London's clocks skip."""
    today = timezone.now().date()
    for year in (today.year, today.year + 1):
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > today:
            return f"{day.isoformat()}T01:30"
    raise AssertionError


def pages(team, shift, swap):
    return [
        ("get", reverse("team:rota", args=[team.pk]), {}),
        (
            "post",
            reverse("team:rota_shift_add", args=[team.pk]),
            {"weekday": "2", "starts": "08:00", "ends": "19:00", "on_call": str(shift.on_call_id)},
        ),
        ("post", reverse("team:rota_shift_remove", args=[team.pk, shift.pk]), {}),
        (
            "post",
            reverse("team:rota_swap_add", args=[team.pk]),
            {
                "starts_at": ahead(10, 19),
                "ends_at": ahead(11, 8),
                "on_call": str(shift.on_call_id),
            },
        ),
        ("post", reverse("team:rota_swap_remove", args=[team.pk, swap.pk]), {}),
    ]


def test_another_teams_clinician_gets_404_and_nothing_changes(client, team_a, charlie, shift, swap):
    client.force_login(charlie)
    for method, url, data in pages(team_a, shift, swap):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert list(RotaShift.objects.values_list("pk", flat=True)) == [shift.pk]
    assert list(RotaSwap.objects.values_list("pk", flat=True)) == [swap.pk]


def test_a_missing_team_is_the_same_404(client, charlie, team_a):
    client.force_login(charlie)
    assert client.get(reverse("team:rota", args=[team_a.pk + 999])).status_code == 404


def test_a_patient_gets_404(client, bob, team_a):
    client.force_login(bob.user)
    assert client.get(reverse("team:rota", args=[team_a.pk])).status_code == 404


def test_one_teams_shift_cannot_be_removed_through_another_teams_page(
    client, team_a, team_b, charlie, shift
):
    client.force_login(charlie)
    url = reverse("team:rota_shift_remove", args=[team_b.pk, shift.pk])
    assert client.post(url).status_code == 404
    assert RotaShift.objects.filter(pk=shift.pk).exists()


def test_the_page_shows_the_zone_the_pattern_and_who_is_on_call(client, team_a, alice, shift):
    team_a.timezone = "Europe/Madrid"
    team_a.save()
    client.force_login(alice)
    page = client.get(reverse("team:rota", args=[team_a.pk])).content.decode()
    assert "Europe/Madrid" in page
    assert "Monday 19:00–08:00 (next day)" in page
    assert "On call now" in page


def test_it_adds_and_removes_a_row_of_the_pattern(client, team_a, alice, erin):
    client.force_login(alice)
    url = reverse("team:rota_shift_add", args=[team_a.pk])
    data = {
        "weekday": "4",
        "starts": "20:00",
        "ends": "07:30",
        "on_call": erin.pk,
        "backup": alice.pk,
    }
    assert client.post(url, data).status_code == 302
    row = RotaShift.objects.get(team=team_a)
    assert (row.weekday, row.starts, row.ends, row.on_call, row.backup) == (
        4,
        time(20),
        time(7, 30),
        erin,
        alice,
    )
    remove = reverse("team:rota_shift_remove", args=[team_a.pk, row.pk])
    assert client.post(remove).status_code == 302
    assert not RotaShift.objects.exists()
    # Who was to be paged stays on record: who added the row, and who removed it.
    history = RotaShift.history.filter(id=row.pk).order_by("history_date")
    assert [(h.history_type, h.history_user, h.on_call_id) for h in history] == [
        ("+", alice, erin.pk),
        ("-", alice, erin.pk),
    ]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"weekday": "9", "starts": "08:00", "ends": "09:00"}, "weekday", "valid choice"),
        ({"weekday": "1", "starts": "25:00", "ends": "09:00"}, "starts", "valid time"),
        ({"weekday": "1", "starts": "08:00", "ends": "09:00"}, "on_call", "required"),
    ],
)
def test_bad_rows_are_refused_with_what_was_typed_kept(client, team_a, alice, data, field, words):
    client.force_login(alice)
    response = client.post(reverse("team:rota_shift_add", args=[team_a.pk]), data)
    assert response.status_code == 400
    assert field in response.context["shift_form"].errors
    assert words in str(response.context["shift_form"].errors[field])
    assert f'value="{data["starts"]}"' in response.content.decode()
    assert not RotaShift.objects.exists()


def test_someone_of_another_team_cannot_be_put_on_call(client, team_a, alice, charlie):
    client.force_login(alice)
    data = {"weekday": "1", "starts": "08:00", "ends": "09:00", "on_call": charlie.pk}
    response = client.post(reverse("team:rota_shift_add", args=[team_a.pk]), data)
    assert response.status_code == 400
    assert "on_call" in response.context["shift_form"].errors
    assert not RotaShift.objects.exists()


def test_a_second_row_starting_at_the_same_time_is_refused(client, team_a, alice, shift):
    client.force_login(alice)
    data = {"weekday": "0", "starts": "19:00", "ends": "23:00", "on_call": alice.pk}
    response = client.post(reverse("team:rota_shift_add", args=[team_a.pk]), data)
    assert response.status_code == 400
    assert "remove that one first" in response.content.decode()
    assert RotaShift.objects.count() == 1


def test_a_swap_is_read_in_the_teams_zone(client, team_a, alice, erin):
    team_a.timezone = "America/New_York"
    team_a.save()
    client.force_login(alice)
    data = {"starts_at": ahead(10, 19), "ends_at": ahead(11, 8), "backup": erin.pk}
    assert client.post(reverse("team:rota_swap_add", args=[team_a.pk]), data).status_code == 302
    swap = RotaSwap.objects.get()
    zone = ZoneInfo("America/New_York")
    assert swap.starts_at == datetime.fromisoformat(ahead(10, 19)).replace(tzinfo=zone)
    assert swap.ends_at == datetime.fromisoformat(ahead(11, 8)).replace(tzinfo=zone)
    assert (swap.on_call, swap.backup, swap.created_by) == (None, erin, alice)
    remove = reverse("team:rota_swap_remove", args=[team_a.pk, swap.pk])
    assert client.post(remove).status_code == 302
    assert not RotaSwap.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_at": ahead(11, 8), "ends_at": ahead(10, 19), "on_call": "A"}, "ends_at"),
        ({"starts_at": ahead(10, 19), "ends_at": ahead(11, 8)}, "on_call"),
        ({"starts_at": ahead(-10, 19), "ends_at": ahead(-9, 8), "on_call": "A"}, "ends_at"),
        ({"starts_at": ahead(10, 19), "ends_at": ahead(80, 8), "on_call": "A"}, "ends_at"),
        ({"starts_at": ahead(400, 19), "ends_at": ahead(401, 8), "on_call": "A"}, "starts_at"),
        ({"starts_at": "tomorrow", "ends_at": ahead(11, 8), "on_call": "A"}, "starts_at"),
        # A time the clocks skip in London (team A's zone).
        (
            {"starts_at": next_spring_forward(), "ends_at": ahead(400, 8), "on_call": "A"},
            "starts_at",
        ),
    ],
)
def test_bad_swaps_are_refused_with_what_was_typed_kept(client, team_a, alice, data, field):
    client.force_login(alice)
    data = {k: (str(alice.pk) if v == "A" else v) for k, v in data.items()}
    response = client.post(reverse("team:rota_swap_add", args=[team_a.pk]), data)
    assert response.status_code == 400
    assert field in response.context["swap_form"].errors, response.context["swap_form"].errors
    assert f'value="{data["starts_at"]}"' in response.content.decode()
    assert not RotaSwap.objects.exists()


def test_the_queue_says_who_is_on_call_now(client, team_a, alice, erin):
    now = timezone.now().astimezone(team_a.zone)
    RotaSwap.objects.create(
        team=team_a,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        on_call=erin,
        backup=alice,
    )
    client.force_login(alice)
    page = client.get(reverse("team:triage")).content.decode()
    assert "On call now: <strong>Erin</strong> (backup: Alice)" in page
    assert reverse("team:rota", args=[team_a.pk]) in page


def test_the_queue_shows_the_route_on_a_concern_nobody_answered(client, team_a, bob, alice):
    bob.er_low_ig = True
    bob.save()
    at = timezone.now() - timedelta(hours=1)
    submit_entry(bob, at, temp="38.6")
    concern = Concern.objects.get(patient=bob, status="open")
    client.force_login(alice)
    assert "out-of-hours-mark" not in client.get(reverse("team:triage")).content.decode()
    oncall.pages_sweep(now=at + timedelta(minutes=team_a.urgent_escalation_minutes))
    page = client.get(reverse("team:triage")).content.decode()
    assert "Nobody answered the page." in page
    assert team_a.out_of_hours in page
    # The concern's timeline says why.
    timeline = client.get(reverse("team:concern", args=[concern.pk])).content.decode()
    assert "Nobody to page" in timeline
    assert "Out-of-hours route shown" in timeline


def test_the_same_row_sent_twice_at_once_is_a_clear_400(client, team_a, alice, erin):
    """A double tap: both requests pass the form's check, the second meets the unique
    constraint. It is answered like the form's own refusal, never a 500."""
    client.force_login(alice)
    data = {"weekday": "2", "starts": "20:00", "ends": "08:00", "on_call": erin.pk}
    with mock.patch("team.rota_views.ShiftForm.save", side_effect=IntegrityError("unique")):
        response = client.post(reverse("team:rota_shift_add", args=[team_a.pk]), data)
    assert response.status_code == 400
    assert "already has a row starting then" in response.content.decode()
