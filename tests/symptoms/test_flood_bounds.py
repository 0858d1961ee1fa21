"""A flood cannot pass (issue 31: 1,088 entries for one patient in 12 minutes, Today at
411 KB, History at 606 KB): at most DIARY_ENTRIES_PER_HOUR entries an hour with a clear
message and nothing typed lost, a warning sign always saved, and pages whose size does not
grow with the number of entries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from symptoms import charts
from symptoms.history import POINTS_PER_DAY, thinned
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db

TODAY = reverse("symptoms:today")
HISTORY = reverse("symptoms:history")
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # Bob is in London: noon, mid-day


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=True):
        yield


def a_post(**data) -> dict:
    return {"client_key": str(uuid.uuid4()), "unit": "C", "action": "save", **data}


def saved_in_the_last_hour(patient, count: int) -> None:
    for n in range(count):
        make_entry(patient, timezone.now() - timedelta(minutes=n), temp="37.0")


@pytest.mark.parametrize(
    ("limit", "before", "saved"), [(30, 29, True), (30, 30, False), (5, 5, False), (5, 4, True)]
)
def test_the_hourly_bound_at_its_edge(client, settings, bob, at_noon, limit, before, saved):
    settings.DIARY_ENTRIES_PER_HOUR = limit
    saved_in_the_last_hour(bob, before)
    client.force_login(bob.user)
    response = client.post(TODAY, a_post(temperature="37.0"))
    assert response.status_code == (302 if saved else 429)
    assert DiaryEntry.objects.filter(patient=bob).count() == before + (1 if saved else 0)


def test_the_31st_entry_is_refused_with_its_message_and_everything_typed(client, bob, at_noon):
    saved_in_the_last_hour(bob, 30)
    client.force_login(bob.user)
    response = client.post(
        TODAY, a_post(temperature="37.2", s_cough="0", note="much better since lunch")
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert "This entry is not saved yet" in html
    assert "The diary takes at most 30 entries an hour." in html
    assert "If you feel worse, call 999 now." in html  # what to do, always
    assert 'href="tel:999"' in html
    assert 'value="37.2"' in html and "much better since lunch" in html
    assert DiaryEntry.objects.filter(patient=bob).count() == 30


def test_a_warning_sign_is_always_saved_past_the_bound(client, bob, at_noon):
    saved_in_the_last_hour(bob, 30)
    client.force_login(bob.user)
    response = client.post(TODAY, a_post(temperature="38.6", s_might_die="on"))
    assert response.status_code == 302
    entry = DiaryEntry.objects.filter(patient=bob).first()
    assert entry.reports.get(symptom__code="might_die").grade == 1


@pytest.mark.parametrize(
    ("fields", "saved"),
    [
        ({"temperature": "37.4"}, False),  # below T-LOW-1's 37.5: nothing a rule acts on
        ({"temperature": "37.5"}, True),  # T-LOW-1's line: a rule acts on it
        ({"temperature": "38.3"}, True),
        ({"temperature": "36.0"}, False),  # T-HYPO-0 is below 36.0
        ({"temperature": "35.9"}, True),
        ({"temperature": "95.0", "unit": "F"}, True),  # 35.0 °C
        ({"temperature": "99.3", "unit": "F"}, False),  # 37.4 °C
        ({"no_thermometer": "on", "spo2": "91"}, True),  # a vital sign: NEWS2 reads it
        ({"no_thermometer": "on", "s_cough": "1"}, True),  # any symptom: rules read them
        ({"temperature": "37.0", "planned_vaccine": "Shingrix"}, True),  # VAC-LIVE reads it
        ({"temperature": "37.0", "antipyretic_6h": "on"}, True),  # it can hide a fever
        ({"temperature": "37.0", "confirmed": "on"}, True),  # a re-measure asked for
        ({"no_thermometer": "on", "s_cough": "0", "action": "fine"}, False),
    ],
)
def test_past_the_bound_an_entry_a_rule_could_act_on_is_saved(client, bob, at_noon, fields, saved):
    saved_in_the_last_hour(bob, 30)
    client.force_login(bob.user)
    response = client.post(TODAY, a_post(**fields))
    assert response.status_code == (302 if saved else 429)
    assert DiaryEntry.objects.filter(patient=bob).count() == 30 + saved


def test_past_the_bound_a_re_measure_the_diary_asked_for_is_saved(client, bob, at_noon):
    from tests.alerts.factories import submit_entry

    for n in range(29):  # saved in the last hour, measured earlier in the day
        make_entry(bob, timezone.now() - timedelta(hours=2, minutes=n), temp="37.0")
    submit_entry(bob, timezone.now() - timedelta(minutes=50), temp="37.7")  # "measure again"
    client.force_login(bob.user)
    assert client.post(TODAY, a_post(temperature="37.2")).status_code == 302


def test_entries_saved_over_an_hour_ago_do_not_count(client, bob, at_noon):
    saved_in_the_last_hour(bob, 30)
    DiaryEntry.objects.filter(patient=bob).update(created_at=timezone.now() - timedelta(minutes=61))
    client.force_login(bob.user)
    assert client.post(TODAY, a_post(temperature="37.1")).status_code == 302


def test_a_repeat_of_an_entry_saved_before_the_bound_goes_to_its_advice(client, bob, at_noon):
    client.force_login(bob.user)
    first = a_post(temperature="37.9")
    client.post(TODAY, first)
    saved_in_the_last_hour(bob, 30)
    entry = DiaryEntry.objects.get(client_key=first["client_key"])
    response = client.post(TODAY, first)  # the phone's retry, sent again
    assert response.status_code == 302
    assert response["Location"] == reverse("symptoms:result", args=[entry.pk])


def test_today_lists_the_latest_ten_and_points_to_history_for_the_rest(client, bob, at_noon):
    saved_in_the_last_hour(bob, 25)
    client.force_login(bob.user)
    html = client.get(TODAY).content.decode()
    today_list = html.split('id="todays-heading"')[1]
    assert today_list.count("list-group-item") == 10
    assert "15 earlier entries today: see History" in today_list


def test_history_lists_fifty_entries_a_page(client, bob, at_noon):
    for n in range(120):
        make_entry(bob, timezone.now() - timedelta(hours=2 * n), temp="37.0")
    client.force_login(bob.user)

    def items(page) -> int:
        response = client.get(HISTORY, {"days": 30, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        return html.split('id="entries-heading"')[1].count("entry-advice"), html

    count, html = items(1)
    assert count == 50 and "Page 1 of 3" in html and "Older entries" in html
    count, html = items(3)
    assert count == 20 and "Page 3 of 3" in html and "Newer entries" in html
    assert items("abc")[0] == 50  # an odd page number is the first page
    assert items("99")[0] == 20  # past the end is the last page


def test_the_history_page_does_not_grow_with_a_flood(client, settings, bob, at_noon):
    settings.DIARY_ENTRIES_PER_HOUR = 10_000

    def size_with(count: int) -> int:
        DiaryEntry.objects.filter(patient=bob).delete()
        for n in range(count):
            make_entry(bob, timezone.now() - timedelta(minutes=n), temp=str(37 + n % 20 / 10))
        client.force_login(bob.user)
        return len(client.get(HISTORY).content)

    assert size_with(600) < 1.2 * size_with(60)


def test_a_day_of_identical_readings_is_drawn_once_without_an_error():
    same = [charts.Point(3.5, Decimal("36.8"))] * 40
    assert thinned(same) == [charts.Point(3.5, Decimal("36.8"))]


def test_a_busy_day_keeps_twelve_points_with_its_highest_lowest_and_latest():
    points = [charts.Point(0.01 * n, Decimal("37.0") + Decimal(n % 7) / 10) for n in range(90)]
    points.append(charts.Point(0.5, Decimal("40.1")))
    points.append(charts.Point(0.6, Decimal("35.2")))
    points.append(charts.Point(0.95, Decimal("37.3")))  # the day's last
    points.append(charts.Point(1.2, Decimal("36.8")))  # the next day, alone
    kept = thinned(points)
    first_day = [p for p in kept if p.day_index < 1]
    assert len(first_day) == POINTS_PER_DAY
    assert {Decimal("40.1"), Decimal("35.2")} <= {p.value for p in first_day}
    assert charts.Point(0.95, Decimal("37.3")) in first_day
    assert charts.Point(1.2, Decimal("36.8")) in kept
    assert kept == sorted(kept, key=lambda p: p.day_index)
