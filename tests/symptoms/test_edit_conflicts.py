"""Two copies of one entry open at once (two tabs, a patient and their caregiver): one
change is accepted, the other gets "this entry changed while you were editing" with both
versions and everything typed kept; never two readings on one entry (issue 31)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.care.recording import entry_amend
from symptoms.models import DiaryEntry, EntryAmendment, TemperatureReading
from symptoms.services import EntryData, Reading
from tests.alerts.factories import make_entry

CHANGED = "This entry changed while you were editing"


def edit_url(entry) -> str:
    return reverse("symptoms:edit", args=[entry.pk])


def opened_version(client, entry) -> str:
    """The version the change page carries, as a browser would post it back."""
    html = client.get(edit_url(entry)).content.decode()
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def change(entry, version: str, temperature: str, note: str = "") -> dict:
    return {
        "client_key": str(entry.client_key),
        "version": version,
        "unit": "C",
        "temperature": temperature,
        "note": note,
        "action": "save",
    }


def readings(entry) -> list[str]:
    return [
        str(v)
        for v in TemperatureReading.objects.filter(entry=entry).values_list("value", flat=True)
    ]


@pytest.fixture
def entry(bob):
    return make_entry(bob, timezone.now(), temp="37.0")


@pytest.mark.django_db
def test_the_second_tab_gets_both_versions_and_keeps_what_it_typed(client, bob, entry):
    client.force_login(bob.user)
    first_tab = opened_version(client, entry)
    second_tab = opened_version(client, entry)
    assert first_tab == second_tab == "1"

    saved = client.post(edit_url(entry), change(entry, first_tab, "38.4", "shivery"))
    assert saved.status_code == 302
    stale = client.post(edit_url(entry), change(entry, second_tab, "36.4", "feeling better"))

    assert stale.status_code == 409
    html = stale.content.decode()
    assert CHANGED in html
    assert "Saved now: <strong>38.4 °C</strong>" in html
    assert "You typed: <strong>36.4 °C</strong>" in html
    assert 'value="36.4"' in html and "feeling better" in html  # the form as typed
    assert 'name="version" value="2"' in html  # Save again means "mine, over that one"
    assert "Keep the saved entry" in html
    assert readings(entry) == ["38.4"]
    assert DiaryEntry.objects.get(pk=entry.pk).note == "shivery"

    again = client.post(edit_url(entry), change(entry, "2", "36.4", "feeling better"))
    assert again.status_code == 302
    assert readings(entry) == ["36.4"]
    amendments = list(EntryAmendment.objects.filter(entry=entry).values_list("summary", flat=True))
    assert amendments == [
        "Temperature: 37.0 °C → 38.4 °C; Note changed",
        "Temperature: 38.4 °C → 36.4 °C; Note changed",
    ]
    assert DiaryEntry.objects.get(pk=entry.pk).version == 3


@pytest.mark.django_db
def test_the_page_names_the_caregiver_who_saved_first(client, bob, carol, entry):
    client.force_login(bob.user)
    version = opened_version(client, entry)
    entry_amend(
        entry=entry,
        data=EntryData(readings=(Reading(value="38.9"),), recorded_at=entry.recorded_at),
        by=carol.user,
    )
    html = client.post(edit_url(entry), change(entry, version, "37.1")).content.decode()
    assert "Carol saved a change to it at" in html
    assert readings(entry) == ["38.9"]


@pytest.mark.django_db
def test_a_re_measure_tick_alone_is_a_difference_to_choose(client, bob, entry):
    """Only the tick differs: it can turn the same reading URGENT (T-HYPO-2), so the person
    is never told "saved" when their tick was not."""
    client.force_login(bob.user)
    version = opened_version(client, entry)
    client.post(edit_url(entry), change(entry, version, "38.4"))
    response = client.post(edit_url(entry), {**change(entry, version, "38.4"), "confirmed": "on"})
    assert response.status_code == 409
    assert "You typed: <strong>38.4 °C (re-measure)</strong>" in response.content.decode()
    assert not TemperatureReading.objects.get(entry=entry).confirmed


@pytest.mark.django_db
def test_saving_an_unchanged_entry_writes_nothing(client, bob, entry):
    client.force_login(bob.user)
    version = opened_version(client, entry)
    html = client.get(edit_url(entry)).content.decode()
    measured = re.search(r'name="measured_at" value="([^"]+)"', html).group(1)
    response = client.post(
        edit_url(entry), {**change(entry, version, "37.0"), "measured_at": measured}
    )
    assert response.status_code == 302
    saved = DiaryEntry.objects.get(pk=entry.pk)
    assert saved.version == 1 and not EntryAmendment.objects.filter(entry=entry).exists()


@pytest.mark.django_db
def test_the_same_change_from_two_tabs_is_simply_saved(client, bob, entry):
    client.force_login(bob.user)
    version = opened_version(client, entry)
    client.post(edit_url(entry), change(entry, version, "38.0"))
    response = client.post(edit_url(entry), change(entry, version, "38.0"))
    assert response.status_code == 302
    assert readings(entry) == ["38.0"]
    assert EntryAmendment.objects.filter(entry=entry).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999", "1.5", "²", "١"])
def test_a_missing_or_odd_version_still_saves_under_the_lock(client, bob, entry, version):
    client.force_login(bob.user)
    response = client.post(edit_url(entry), change(entry, version, "37.6"))
    assert response.status_code == 302
    assert readings(entry) == ["37.6"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_saves_give_one_change_and_one_changed_page(bob, attempt):
    entry = make_entry(bob, timezone.now(), temp="37.0")
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}
    errors: list[str] = []

    def tab(temperature: str, note: str) -> None:
        try:
            client = Client()
            client.force_login(bob.user)
            barrier.wait()
            response = client.post(edit_url(entry), change(entry, "1", temperature, note))
            statuses[temperature] = response.status_code
        except Exception as exc:  # noqa: BLE001 — asserted below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=tab, args=("38.4", "tab one")),
        threading.Thread(target=tab, args=("36.4", "tab two")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(statuses.values()) == [302, 409]
    winner = next(t for t, status in statuses.items() if status == 302)
    saved = DiaryEntry.objects.get(pk=entry.pk)
    assert readings(entry) == [winner]  # never "38.4, 36.4"
    assert saved.note == {"38.4": "tab one", "36.4": "tab two"}[winner]
    assert saved.version == 2
    assert EntryAmendment.objects.filter(entry=entry).count() == 1


# The night the clocks go back (Europe/London, 2026-10-25: 01:00-02:00 happens twice).

BACK = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 BST becomes 01:00 GMT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("saved_at", "now"),
    [
        (BACK - timedelta(minutes=50), BACK + timedelta(minutes=20)),  # 01:10 BST, the first
        (BACK + timedelta(minutes=10), BACK + timedelta(minutes=20)),  # 01:10 GMT, the second
    ],
)
def test_an_entry_from_the_hour_that_happens_twice_can_be_changed(client, bob, saved_at, now):
    with time_machine.travel(now, tick=False):
        entry = make_entry(bob, saved_at, temp="37.0")
        client.force_login(bob.user)
        version = opened_version(client, entry)
        html = client.get(edit_url(entry)).content.decode()
        assert 'name="measured_at" value="2026-10-25T01:10"' in html
        response = client.post(
            edit_url(entry),
            {**change(entry, version, "38.2"), "measured_at": "2026-10-25T01:10"},
        )
        assert response.status_code == 302
        saved = DiaryEntry.objects.get(pk=entry.pk)
        assert saved.recorded_at == saved_at  # the same instant, not an hour moved
        assert readings(saved) == ["38.2"]
