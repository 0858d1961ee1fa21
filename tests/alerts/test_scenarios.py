"""Replay every scenario file in tests/scenarios through replay_scenario and check it.

Each file is a clinical-rules.md §4 scenario plus "expect": one {level, rules,
team_alerts[, suppressed, standing, concern, flags]} per event, derived by hand from the
specification (§5 for standing and concern). Entries go through the same recording path as
the diary's (alerts.care.recording.entry_submit).
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alerts.models import Alert
from symptoms.models import DiaryEntry

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.json"))


def replay_json(path: Path) -> dict:
    out = StringIO()
    call_command("replay_scenario", str(path), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_it_replays_the_scenario_as_the_specification_says(path):
    scenario = json.loads(path.read_text())
    result = replay_json(path)
    assert len(result["results"]) == len(scenario["events"])
    problems = []
    for index, (got, want) in enumerate(zip(result["results"], scenario["expect"], strict=True)):
        for key in ("level", "rules", "team_alerts", "suppressed", "standing", "concern", "flags"):
            if key in want and got[key] != want[key]:
                problems.append(
                    f"event {index + 1} ({got['at']}) {key}: got {got[key]}, want {want[key]}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_leaves_nothing_behind():
    replay_json(SCENARIOS[0])
    assert DiaryEntry.objects.count() == 0
    assert Alert.objects.count() == 0


def test_every_rule_is_covered_by_some_scenario():
    from alerts.rules import DEFAULT_RULES, Kind

    fired = set()
    # LAB-DUE is a schedule the team reads, never a firing: it is not replayed (§6).
    fired.update(r for r, d in DEFAULT_RULES.items() if r == "LAB-DUE" and d.kind is Kind.LAB)
    for path in SCENARIOS:
        for item in json.loads(path.read_text())["expect"]:
            fired.update(item["rules"])
    assert sorted(set(DEFAULT_RULES) - fired) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"symptoms": {"cuogh": 1}}, "symptoms.cuogh"),
        # The form refuses two decimals; replay must not round 99.45 °F (37.5 °C) to 99.4.
        ({"temperature": {"value": 99.45, "unit": "F"}}, "temperature.value"),
        ({"temperature": {"value": 46, "unit": "C"}}, "temperature.value"),
        ({"vitals": {"spo2": {"value": 101}}}, "vitals.spo2.value"),
    ],
)
def test_it_exits_2_naming_event_and_field_for_what_the_form_would_refuse(tmp_path, event, field):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "patient": {"timezone": "Europe/London"},
                "events": [{"at": "2026-03-01T08:00", "type": "entry", **event}],
            }
        )
    )
    with pytest.raises(CommandError) as caught:
        call_command("replay_scenario", str(bad))
    # manage.py exits with the CommandError's returncode.
    assert caught.value.returncode == 2
    assert "event 1" in str(caught.value)
    assert f"'{field}'" in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "unit", "accepted"),
    [
        ("99.45", "F", False),
        ("99.5", "F", True),
        ("37.55", "C", False),
        ("46.0", "C", False),
        ("30.0", "C", True),
    ],
)
def test_the_form_and_replay_accept_the_same_readings(bob, value, unit, accepted, tmp_path):
    from symptoms.forms import EntryForm
    from symptoms.models import Symptom

    form = EntryForm(
        {
            "client_key": "7d2e2c52-5a8e-4a0c-9d1e-1f4d7c1a0b9e",
            "temperature": value,
            "unit": unit,
            "confirm_unusual": f"{value}{unit}",  # "Yes, this reading is right"
        },
        symptoms=list(Symptom.objects.all()),
        patient_zone=bob.zone,
    )
    scenario = tmp_path / "one.json"
    scenario.write_text(
        f'{{"events": [{{"at": "2026-03-01T08:00", "type": "entry", '
        f'"temperature": {{"value": {value}, "unit": "{unit}"}}}}]}}'
    )
    try:
        replay_json(scenario)
        replayed = True
    except CommandError:
        replayed = False
    assert form.is_valid() is accepted
    assert replayed is accepted


@pytest.mark.django_db
def test_it_prints_a_readable_timeline():
    out = StringIO()
    call_command("replay_scenario", str(SCENARIOS[0]), stdout=out, no_color=True)
    text = out.getvalue()
    assert "UTI with flank pain and fever" in text
    assert "GU-UPPER" in text and "team alerts" in text


@pytest.mark.django_db
def test_every_result_says_what_stands_and_the_concern():
    """§5: every result, of any event, gains "standing" and "concern" (§6: "flags")."""
    for path in SCENARIOS:
        for item in replay_json(path)["results"]:
            assert item["standing"] in ("NONE", "CONTACT", "URGENT"), path.stem
            concern = item["concern"]
            assert concern is None or set(concern) == {"level", "lead", "acknowledged", "reached"}
            assert item["flags"] == sorted(item["flags"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "reached", "who": "neighbour"}, "who"),
        ({"type": "reached"}, "who"),
        ({"type": "acknowledge", "who": "gp"}, "who"),
    ],
)
def test_it_refuses_a_bad_acknowledge_or_reached_event(tmp_path, event, field):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"events": [{"at": "2026-03-01T08:00", **event}]}))
    with pytest.raises(CommandError) as caught:
        call_command("replay_scenario", str(bad))
    assert caught.value.returncode == 2
    assert "event 1" in str(caught.value) and f"'{field}'" in str(caught.value)


def test_a_reached_answer_means_the_same_in_a_scenario_and_on_the_concern():
    from alerts.authoring.scenario import REACHED
    from alerts.models import Concern

    assert set(REACHED) == set(Concern.Reached.values)
