"""The scenario parser names the event and the field for every kind of mistake."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from alerts.authoring.scenario import Catalogue, ScenarioError, load_scenario

CATALOGUE = Catalogue(
    graded=frozenset({"cough", "chills", "dysuria"}),
    flags=frozenset({"cold_sore", "jaundice"}),
    red_flags=frozenset({"seizure", "might_die"}),
)


def doc(*events, **patient) -> str:
    return json.dumps(
        {"name": "t", "patient": {"timezone": "Europe/London", **patient}, "events": list(events)}
    )


def entry(**fields) -> dict:
    return {"at": "2026-03-10T08:00", "type": "entry", **fields}


def test_it_parses_a_valid_scenario():
    scenario = load_scenario(
        doc(
            {"at": "2026-03-02T08:00", "type": "injection"},
            entry(
                temperature={"value": 100.4, "unit": "F", "confirmed": True},
                symptoms={"cough": 2, "cold_sore": True},
                red_flags=["seizure"],
                vitals={"heart_rate": {"value": 104}, "spo2": 93},
                planned_vaccine={"text": "yellow fever", "live": True},
            ),
            {"at": "2026-03-13T00:30", "type": "tick"},
            elevated_risk=["low_ig"],
        ),
        CATALOGUE,
    )
    injection, e, tick = scenario.events
    assert injection.type == "injection" and tick.type == "tick"
    assert e.temperatures[0].value == Decimal("100.4") and e.temperatures[0].unit == "F"
    assert e.temperatures[0].confirmed is True
    assert e.symptoms == {"cough": 2, "cold_sore": 1}
    assert e.red_flags == frozenset({"seizure"})
    assert e.vitals["heart_rate"].value == 104 and e.vitals["spo2"].value == 93
    assert e.planned_vaccine_live is True
    assert str(e.at.tzinfo) == "Europe/London"
    assert scenario.elevated_risk == frozenset({"low_ig"})


@pytest.mark.parametrize(
    ("event", "message_part", "field"),
    [
        (entry(symptoms={"coughing": 1}), "unknown symptom code 'coughing'", "symptoms.coughing"),
        (entry(symptoms={"cough": 5}), "0–4", "symptoms.cough"),
        (entry(symptoms={"cough": -1}), "0–4", "symptoms.cough"),
        (entry(symptoms={"cough": 1.5}), "0–4", "symptoms.cough"),
        (entry(symptoms={"cough": True}), "0–4", "symptoms.cough"),
        (entry(symptoms={"cold_sore": 2}), "true or false", "symptoms.cold_sore"),
        (entry(red_flags=["dizzy"]), "unknown red-flag code", "red_flags"),
        (
            entry(temperature={"value": 29.9, "unit": "C"}),
            "not a body temperature",
            "temperature.value",
        ),
        (
            entry(temperature={"value": 45.1, "unit": "C"}),
            "not a body temperature",
            "temperature.value",
        ),
        (
            entry(temperature={"value": 85.9, "unit": "F"}),
            "not a body temperature",
            "temperature.value",
        ),
        # What the form refuses, replay refuses: never rounded on the way in (99.45 °F is
        # 37.5 °C, T-LOW-1; rounded to 99.4 it would be 37.4, no alert).
        (
            entry(temperature={"value": 99.45, "unit": "F"}),
            "one decimal place",
            "temperature.value",
        ),
        (
            entry(temperature={"value": 37.55, "unit": "C"}),
            "one decimal place",
            "temperature.value",
        ),
        (entry(temperature={"value": "hot", "unit": "C"}), "number", "temperature.value"),
        (entry(temperature={"value": 38, "unit": "K"}), "C or F", "temperature.unit"),
        (entry(vitals={"heart_rate": {"value": 400}}), "outside", "vitals.heart_rate.value"),
        (entry(vitals={"pulse": 80}), "unknown vital", "vitals.pulse"),
        (entry(reported_by="neighbour"), "patient or proxy", "reported_by"),
        ({"at": "yesterday", "type": "entry"}, "ISO 8601", "at"),
        ({"at": "2026-03-10T08:00", "type": "visit"}, "entry, injection, tick", "type"),
        (entry(planned_vaccine={"text": "MMR", "when": "May"}), "unknown field", "planned_vaccine"),
        ({"at": "2026-03-10T08:00", "type": "injection", "dose": 0}, "whole number", "dose"),
        (
            {"at": "2026-03-10T08:00", "type": "tick", "temperature": {}},
            "unknown field",
            "temperature",
        ),
    ],
)
def test_it_names_the_event_and_field_of_each_mistake(event, message_part, field):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(doc({"at": "2026-03-01T08:00", "type": "injection"}, event), CATALOGUE)
    message = str(caught.value)
    assert caught.value.event == 2
    assert message.startswith("event 2")
    assert f"field '{field}'" in message
    assert message_part in message


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "one JSON object"),
        (json.dumps({"patient": {}, "events": []}), "non-empty list"),
        (json.dumps({"patient": {"timezone": "Mars/Base"}, "events": [{}]}), "unknown time zone"),
        (json.dumps({"patient": {"elevated_risk": ["smoker"]}, "events": [{}]}), "elevated_risk"),
        # A misspelt key would silently replay another patient: refused, naming it.
        (
            json.dumps({"patient": {"elevated_risks": ["low_ig"]}, "events": [{}]}),
            "field 'patient.elevated_risks'",
        ),
        (json.dumps({"patient": {}, "event": [{}], "events": [{}]}), "field 'event'"),
        (
            json.dumps({"patient": {"first_dose_at": "soon"}, "events": [{}]}),
            "patient.first_dose_at",
        ),
    ],
)
def test_it_rejects_malformed_files_clearly(text, message_part):
    with pytest.raises(ScenarioError, match=message_part):
        load_scenario(text, CATALOGUE)


def test_it_refuses_events_out_of_time_order():
    with pytest.raises(ScenarioError, match="time order"):
        load_scenario(
            doc(entry(), {"at": "2026-03-09T08:00", "type": "tick"}),
            CATALOGUE,
        )


def test_it_keeps_a_red_flag_listed_among_symptoms():
    scenario = load_scenario(doc(entry(symptoms={"might_die": True})), CATALOGUE)
    assert scenario.events[0].red_flags == frozenset({"might_die"})


def test_it_keeps_the_vaccine_text_and_the_patients_own_tick_apart():
    """VAC-LIVE reads both (alerts.rules.vaccine_plan_is_live), as it does for the form."""
    plain = load_scenario(doc(entry(planned_vaccine="MMR booster")), CATALOGUE).events[0]
    assert (plain.planned_vaccine, plain.planned_vaccine_live) == ("MMR booster", False)
    ticked = load_scenario(
        doc(entry(planned_vaccine={"text": "holiday jabs", "live": True})), CATALOGUE
    ).events[0]
    assert (ticked.planned_vaccine, ticked.planned_vaccine_live) == ("holiday jabs", True)


def test_it_reads_the_first_dose_the_team_planned_in_local_time():
    text = json.dumps(
        {
            "patient": {"timezone": "Australia/Sydney", "first_dose_at": "2026-03-02T09:00"},
            "events": [{"at": "2026-03-01T08:00", "type": "tick"}],
        }
    )
    scenario = load_scenario(text, CATALOGUE)
    assert scenario.first_dose_at.isoformat() == "2026-03-02T09:00:00+11:00"


def test_it_reads_the_injection_form_event():
    scenario = load_scenario(doc({"at": "2026-03-02T08:00", "type": "injection_form"}), CATALOGUE)
    assert scenario.events[0].type == "injection_form"


@pytest.mark.parametrize(
    ("event", "message_part", "field"),
    [
        (
            {"at": "2026-03-02T08:00", "type": "resolve", "rules": ["GU-UIT"]},
            "unknown rule id",
            "rules",
        ),
        (
            entry(planned_vaccine={"text": "", "live": True}),
            "which vaccine",
            "planned_vaccine.text",
        ),
    ],
)
def test_it_refuses_what_the_form_and_the_rule_table_would(event, message_part, field):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(doc(event), CATALOGUE)
    assert f"field '{field}'" in str(caught.value) and message_part in str(caught.value)


@pytest.mark.parametrize(
    "scenario",
    [
        # Found by the fuzzer: a list where a word belongs was a TypeError, not a message.
        doc(entry(temperature={"value": 38, "unit": []})),
        doc({"at": "2026-03-02T08:00", "type": ["entry"]}),
        doc(elevated_risk=[["low_ig"]]),
    ],
)
def test_a_list_where_a_word_belongs_is_a_clear_error(scenario):
    with pytest.raises(ScenarioError):
        load_scenario(scenario, CATALOGUE)


def lab(**fields) -> dict:
    return {"at": "2026-03-10T08:00", "type": "lab", **fields}


def test_it_reads_laboratory_events():
    scenario = load_scenario(
        doc(
            lab(test="IgG", value=440, unit="mg/dL", lln=700),
            lab(test="HBsAg", value="positive"),
            lab(test="lymphocytes", value=0.8, unit="10^9/L"),
        ),
        CATALOGUE,
    )
    igg, hbv, lymph = scenario.events
    assert (igg.test, igg.lab_value, igg.lab_unit, igg.lab_lln) == (
        "IgG",
        Decimal(440),
        "mg/dL",
        Decimal(700),
    )
    assert (hbv.test, hbv.lab_positive, hbv.lab_value) == ("HBsAg", True, None)
    assert lymph.lab_lln is None


@pytest.mark.parametrize(
    ("event", "message_part", "field"),
    [
        (lab(test="IgE", value=1, unit="g/L"), "must be one of IgG", "test"),
        (lab(value=1, unit="g/L"), "must be one of IgG", "test"),
        (lab(test="IgG", value=5), "needs its unit", "unit"),
        (lab(test="IgG", value=5, unit="mmol/L"), "must be g/L or mg/dL", "unit"),
        (lab(test="neutrophils", value=1, unit="g/L"), "must be 10^9/L", "unit"),
        (lab(test="IgG", value="low", unit="g/L"), "must be a number", "value"),
        (lab(test="IgG", value=-1, unit="g/L"), "must be a number from 0", "value"),
        (lab(test="IgG", value=440, unit="g/L"), "check the unit", "value"),
        (lab(test="IgG", value=5, unit="g/L", lln=0), "above 0", "lln"),
        (lab(test="IgG", value=5, unit="g/L", lln="x"), "above 0", "lln"),
        (lab(test="HBsAg", value=True), 'must be "positive" or "negative"', "value"),
        (lab(test="anti-HBc", value="positive", unit="g/L"), "has no unit", "unit"),
        (lab(test="HBsAg", value="negative", lln=1), "has no lln", "lln"),
        (lab(test="IgG", value=5, unit="g/L", date="x"), "unknown field", "date"),
    ],
)
def test_it_names_the_field_of_each_laboratory_mistake(event, message_part, field):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(doc(event), CATALOGUE)
    assert message_part in str(caught.value)
    assert caught.value.field_name == field
    assert caught.value.event == 1
