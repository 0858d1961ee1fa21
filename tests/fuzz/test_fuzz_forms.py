"""Generated input for every form and the scenario parser: no 500, nothing partial, a message."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alerts.authoring.scenario import Catalogue, ScenarioError, parse_scenario
from patients.models import Injection, Patient
from symptoms.models import DiaryEntry, SymptomReport, TemperatureReading

pytestmark = pytest.mark.django_db

TEXT = st.text(max_size=40)
NUMBERISH = st.one_of(
    st.sampled_from(["37.5", "100.4", "-1", "1e9", "NaN", "inf", "37,5", "", " 38 ", "٣٨"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    TEXT,
)
GRADE = st.one_of(st.sampled_from(["0", "1", "2", "3", "4", "5", "-1", "", "x"]), TEXT)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "client_key": st.one_of(st.uuids().map(str), TEXT),
        "temperature": NUMBERISH,
        "unit": st.one_of(st.sampled_from(["C", "F", "K", ""]), TEXT),
        "site": st.one_of(st.sampled_from(["mouth", "armpit", "ear", "nose"]), TEXT),
        "measured_at": st.one_of(
            st.sampled_from(["2026-11-25T08:00", "2099-01-01T00:00", "yesterday", ""]), TEXT
        ),
        "heart_rate": NUMBERISH,
        "resp_rate": NUMBERISH,
        "spo2": NUMBERISH,
        "systolic_bp": NUMBERISH,
        "note": st.text(max_size=3000),
        "planned_vaccine": st.text(max_size=200),
        "planned_vaccine_live": st.sampled_from(["on", ""]),
        "s_cough": GRADE,
        "s_chills": GRADE,
        "s_might_die": st.sampled_from(["on", "", "x"]),
        "s_unknown_code": GRADE,
        "confirm_unusual": st.sampled_from(["on", ""]),
        "action": st.sampled_from(["fine", "save", ""]),
    },
)


def counts(patient):
    return (
        DiaryEntry.objects.filter(patient=patient).count(),
        TemperatureReading.objects.filter(entry__patient=patient).count(),
        SymptomReport.objects.filter(entry__patient=patient).count(),
    )


@given(data=ENTRY)
def test_the_diary_form(client, bob, data):
    client.force_login(bob.user)
    before = counts(bob)
    response = client.post(reverse("symptoms:today"), data)
    assert response.status_code in (200, 302)
    after = counts(bob)
    if response.status_code == 200:
        assert after == before  # nothing partial saved
        assert "Please check these and save again" in response.content.decode()
    else:
        assert after[0] in (before[0], before[0] + 1)  # one entry at most (or a repeat key)


@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "given_at": TEXT
            | st.sampled_from(["2026-11-25T08:00", "2099-01-01T00:00", "2000-01-01T00:00"]),
            "site": st.sampled_from(["thigh", "abdomen", "upper_arm", "foot"]) | TEXT,
        },
    )
)
def test_the_injection_form(client, bob, data):
    client.force_login(bob.user)
    before = Injection.objects.count()
    response = client.post(reverse("patients:injections"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        # Nothing saved: either a field's error, or "Are you sure?" about an early dose.
        page = response.content.decode()
        assert Injection.objects.count() == before
        assert "invalid-feedback" in page or "is-invalid" in page or 'id="dose-question"' in page


@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "temperature_unit": st.sampled_from(["C", "F", "X"]) | TEXT,
            "timezone": st.sampled_from(["Europe/London", "Mars/Base", ""]) | TEXT,
            "reminder_time": st.sampled_from(["09:00", "23:30", "25:00", ""]) | TEXT,
            "reminders_enabled": st.sampled_from(["on", ""]),
        },
    )
)
def test_the_settings_form(client, bob, data):
    client.force_login(bob.user)
    before = Patient.objects.values_list("temperature_unit", "timezone", "reminder_time").get(
        pk=bob.pk
    )
    response = client.post(reverse("patients:settings"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        after = Patient.objects.values_list("temperature_unit", "timezone", "reminder_time").get(
            pk=bob.pk
        )
        assert after == before


@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "first_name": TEXT,
            "last_name": TEXT,
            "email": st.emails() | TEXT,
            "team": st.sampled_from(["1", "999", "x", ""]),
            "timezone": TEXT | st.just("Europe/Paris"),
            "temperature_unit": st.sampled_from(["C", "F", "?"]),
            "first_dose_at": TEXT | st.just("2026-12-01T10:00"),
        },
    )
)
def test_the_enrolment_form(client, alice, data):
    client.force_login(alice)
    before = Patient.objects.count()
    response = client.post(reverse("team:enrol"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Patient.objects.count() == before


CATALOGUE = Catalogue(
    graded=frozenset({"cough", "chills"}),
    flags=frozenset({"jaundice"}),
    red_flags=frozenset({"might_die"}),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
EVENT = st.fixed_dictionaries(
    {
        "at": st.sampled_from(["2026-03-02T08:00", "2026-13-02T08:00", "yesterday"]) | TEXT,
        "type": st.sampled_from(["entry", "injection", "tick", "party"]),
    },
    optional={
        "temperature": JSONISH | st.fixed_dictionaries({"value": JSONISH, "unit": JSONISH}),
        "symptoms": st.dictionaries(
            st.sampled_from(["cough", "chills", "jaundice", "nope"]), JSONISH, max_size=3
        ),
        "red_flags": JSONISH,
        "vitals": JSONISH,
        "planned_vaccine": JSONISH,
        "antipyretic_6h": JSONISH,
        "reported_by": JSONISH,
        "dose": JSONISH,
    },
)
SCENARIO = st.one_of(
    JSONISH,
    st.fixed_dictionaries(
        {
            "patient": st.fixed_dictionaries(
                {"timezone": st.sampled_from(["Europe/London", "Nowhere"])},
                optional={"elevated_risk": JSONISH, "hbv_risk": JSONISH},
            ),
            "events": st.lists(EVENT, max_size=5),
        },
        optional={"name": JSONISH},
    ),
)


@given(data=SCENARIO)
def test_the_scenario_parser(data):
    try:
        parse_scenario(json.loads(json.dumps(data, default=str)), CATALOGUE)
    except ScenarioError as error:
        assert str(error)  # a clear message; the event and field when there is one
    except ValueError as error:  # json itself can refuse NaN round trips
        pytest.fail(f"unexpected ValueError: {error!r}")


def test_a_uuid_key_repeat_is_not_a_second_entry(client, bob):
    client.force_login(bob.user)
    data = {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "37.0"}
    client.post(reverse("symptoms:today"), data)
    client.post(reverse("symptoms:today"), data)
    assert DiaryEntry.objects.filter(patient=bob).count() == 1
