"""Parse and validate scenario files (docs/clinical-rules.md §4).

Pure: no ORM. `parse_scenario` turns the JSON document into typed events or raises
ScenarioError naming the event and the field, so `replay_scenario` can exit 2 with a
message a clinical lead can act on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.rules import DEFAULT_RULES
from patients.lab_tests import BY_NAME as LAB_TESTS
from patients.lab_tests import NEGATIVE, POSITIVE, UnitError
from patients.timezones import DEFAULT_ZONE
from symptoms.readings import TEMPERATURE_LIMITS, VITAL_LIMITS, temperature_problem, vital_problem

ELEVATED_RISK = ("immunosuppressant", "low_ig", "recurrent_infection", "cytopenia")
# Whom a "reached" event says the patient reached (§5; alerts.models.Concern.Reached).
REACHED = ("gp", "111", "ed", "team")
# Top-level keys for the people and tests reading a file; replay ignores them.
ANNOTATIONS = ("notes", "description", "covers", "expect", "expected")


class ScenarioError(ValueError):
    """A problem in a scenario file; str() names the event and the field."""

    def __init__(
        self,
        message: str,
        *,
        event: int | None = None,
        at: str | None = None,
        field_name: str | None = None,
    ) -> None:
        where = []
        if event is not None:
            where.append(f"event {event}" + (f" (at {at})" if at else ""))
        if field_name:
            where.append(f"field '{field_name}'")
        self.event = event
        self.field_name = field_name
        super().__init__((": ".join(where) + ": " if where else "") + message)


@dataclass(frozen=True)
class Catalogue:
    """Symptom codes by kind, read from the database by the caller."""

    graded: frozenset[str]
    flags: frozenset[str]
    red_flags: frozenset[str]


@dataclass(frozen=True)
class ScenarioTemperature:
    value: Decimal
    unit: str
    confirmed: bool = False
    site: str = ""


@dataclass(frozen=True)
class ScenarioVital:
    value: int
    confirmed: bool = False


@dataclass(frozen=True)
class ScenarioEvent:
    index: int  # 1-based, as people count
    at_text: str
    at: datetime  # aware, in the patient's zone
    type: str  # entry | injection | tick | injection_form | resolve | acknowledge | reached
    temperatures: tuple[ScenarioTemperature, ...] = ()
    symptoms: dict[str, int] = field(default_factory=dict)
    red_flags: frozenset[str] = frozenset()
    vitals: dict[str, ScenarioVital] = field(default_factory=dict)
    antipyretic_6h: bool = False
    planned_vaccine: str = ""
    planned_vaccine_live: bool = False
    reported_by: str = "patient"
    note: str = ""
    dose: int | None = None
    site: str = ""
    rules: tuple[str, ...] = ()  # resolve: which rules' alerts (empty: all)
    who: str = ""  # reached: whom the patient reached
    # lab (§6): the test's name, a value in `lab_unit` or a presence result, the lab's LLN
    test: str = ""
    lab_value: Decimal | None = None
    lab_unit: str = ""
    lab_positive: bool | None = None
    lab_lln: Decimal | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    timezone: str
    elevated_risk: frozenset[str]
    hbv_risk: bool
    events: tuple[ScenarioEvent, ...]
    first_dose_at: datetime | None = None


def load_scenario(text: str, catalogue: Catalogue) -> Scenario:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    return parse_scenario(data, catalogue)


def parse_scenario(data: Any, catalogue: Catalogue) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("the file must hold one JSON object with 'patient' and 'events'")
    _refuse_unknown(data, {"name", "patient", "events", *ANNOTATIONS}, "")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise ScenarioError("must be text", field_name="name")
    patient = data.get("patient", {})
    if not isinstance(patient, dict):
        raise ScenarioError("must be an object", field_name="patient")
    _refuse_unknown(patient, {"timezone", "elevated_risk", "hbv_risk", "first_dose_at"}, "patient")
    tz_name = patient.get("timezone", DEFAULT_ZONE)
    try:
        if not isinstance(tz_name, str):
            raise ZoneInfoNotFoundError
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScenarioError(
            f"unknown time zone {tz_name!r}", field_name="patient.timezone"
        ) from exc
    risk = patient.get("elevated_risk", [])
    if not isinstance(risk, list) or any(
        not isinstance(r, str) or r not in ELEVATED_RISK for r in risk
    ):
        raise ScenarioError(
            f"must be a list of: {', '.join(ELEVATED_RISK)} (got {risk!r})",
            field_name="patient.elevated_risk",
        )
    hbv = patient.get("hbv_risk", False)
    if not isinstance(hbv, bool):
        raise ScenarioError("must be true or false", field_name="patient.hbv_risk")
    first_dose_at = None
    if patient.get("first_dose_at") is not None:
        first_dose_at = _local_time(patient["first_dose_at"], zone)
        if first_dose_at is None:
            raise ScenarioError(
                "must be a local time like 2026-03-02T08:00 (the first dose the team planned)",
                field_name="patient.first_dose_at",
            )
    raw_events = data.get("events")
    if not isinstance(raw_events, list) or not raw_events:
        raise ScenarioError("must be a non-empty list", field_name="events")
    events: list[ScenarioEvent] = []
    for index, raw in enumerate(raw_events, start=1):
        event = _parse_event(index, raw, zone, catalogue)
        if events and event.at < events[-1].at:
            raise ScenarioError(
                "events must be in time order; this one is earlier than the one before",
                event=index,
                at=event.at_text,
                field_name="at",
            )
        events.append(event)
    return Scenario(
        name=name,
        timezone=tz_name,
        elevated_risk=frozenset(risk),
        hbv_risk=hbv,
        events=tuple(events),
        first_dose_at=first_dose_at,
    )


def _refuse_unknown(raw: dict, allowed: set[str], where: str) -> None:
    """An unknown key is a typo that would silently change the story: refuse it."""
    unknown = sorted(set(raw) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise ScenarioError(
            f"unknown field {unknown[0]!r}; expected one of: {', '.join(sorted(allowed))}",
            field_name=prefix + unknown[0],
        )


def _local_time(text: Any, zone: ZoneInfo) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def _parse_event(index: int, raw: Any, zone: ZoneInfo, catalogue: Catalogue) -> ScenarioEvent:
    if not isinstance(raw, dict):
        raise ScenarioError("must be an object", event=index)
    at_text = raw.get("at")
    if not isinstance(at_text, str):
        raise ScenarioError(
            'missing local time, e.g. "2026-03-10T08:00"', event=index, field_name="at"
        )

    def fail(message: str, field_name: str) -> ScenarioError:
        return ScenarioError(message, event=index, at=at_text, field_name=field_name)

    try:
        at = datetime.fromisoformat(at_text)
    except ValueError as exc:
        raise fail(
            f"{at_text!r} is not an ISO 8601 local time like 2026-03-10T08:00", "at"
        ) from exc
    at = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
    kind = raw.get("type")
    allowed = {
        "entry": {
            "at",
            "type",
            "temperature",
            "symptoms",
            "red_flags",
            "vitals",
            "antipyretic_6h",
            "planned_vaccine",
            "reported_by",
            "note",
        },
        "injection": {"at", "type", "dose", "site"},
        "tick": {"at", "type"},
        # The patient opens the injection form (the pre-dose check, INJ-DUE-INF).
        "injection_form": {"at", "type"},
        # The care team resolves the patient's open team alerts (all, or of these rules).
        "resolve": {"at", "type", "rules"},
        # The care team acknowledges the open concern (§5).
        "acknowledge": {"at", "type"},
        # The patient says they reached someone (§5).
        "reached": {"at", "type", "who"},
        # A laboratory result, `at` when the sample was taken (§6).
        "lab": {"at", "type", "test", "value", "unit", "lln"},
    }
    if not isinstance(kind, str) or kind not in allowed:
        raise fail(f"must be one of {', '.join(allowed)} (got {kind!r})", "type")
    unknown = set(raw) - allowed[kind]
    if unknown:
        raise fail(
            f"unknown field(s) for a {kind} event: {', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    if kind in ("tick", "injection_form", "acknowledge"):
        return ScenarioEvent(index=index, at_text=at_text, at=at, type=kind)
    if kind == "reached":
        who = raw.get("who")
        if who not in REACHED:
            raise fail(f"must be one of {', '.join(REACHED)} (got {who!r})", "who")
        return ScenarioEvent(index=index, at_text=at_text, at=at, type=kind, who=who)
    if kind == "lab":
        return _parse_lab(index, at_text, at, raw, fail)
    if kind == "resolve":
        codes = raw.get("rules", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise fail('must be a list of rule ids like ["GU-UTI"]', "rules")
        unknown = sorted(set(codes) - set(DEFAULT_RULES))
        if unknown:
            raise fail(f"unknown rule id(s): {', '.join(unknown)}", "rules")
        return ScenarioEvent(index=index, at_text=at_text, at=at, type=kind, rules=tuple(codes))
    if kind == "injection":
        dose = raw.get("dose")
        if dose is not None and (isinstance(dose, bool) or not isinstance(dose, int) or dose < 1):
            raise fail(f"must be a whole number from 1 (got {dose!r})", "dose")
        site = raw.get("site", "")
        if site not in ("", "thigh", "abdomen", "upper_arm"):
            raise fail(f"must be thigh, abdomen or upper_arm (got {site!r})", "site")
        return ScenarioEvent(index=index, at_text=at_text, at=at, type=kind, dose=dose, site=site)

    temperatures = _parse_temperatures(raw.get("temperature"), fail)
    symptoms, extra_red_flags = _parse_symptoms(raw.get("symptoms", {}), catalogue, fail)
    red_flags = _parse_red_flags(raw.get("red_flags", []), catalogue, fail) | extra_red_flags
    vitals = _parse_vitals(raw.get("vitals", {}), fail)
    antipyretic = raw.get("antipyretic_6h", False)
    if not isinstance(antipyretic, bool):
        raise fail("must be true or false", "antipyretic_6h")
    vaccine, live = _parse_vaccine(raw.get("planned_vaccine"), fail)
    reported_by = raw.get("reported_by", "patient")
    if reported_by not in ("patient", "proxy"):
        raise fail(f"must be patient or proxy (got {reported_by!r})", "reported_by")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise fail("must be text", "note")
    return ScenarioEvent(
        index=index,
        at_text=at_text,
        at=at,
        type=kind,
        temperatures=temperatures,
        symptoms=symptoms,
        red_flags=red_flags,
        vitals=vitals,
        antipyretic_6h=antipyretic,
        planned_vaccine=vaccine,
        planned_vaccine_live=live,
        reported_by=reported_by,
        note=note,
    )


def _parse_lab(index: int, at_text: str, at: datetime, raw: dict, fail) -> ScenarioEvent:
    name = raw.get("test")
    test = LAB_TESTS.get(name) if isinstance(name, str) else None
    if test is None:
        raise fail(f"must be one of {', '.join(LAB_TESTS)} (got {name!r})", "test")
    common = {"index": index, "at_text": at_text, "at": at, "type": "lab", "test": test.name}
    if not test.quantitative:
        for absent in ("unit", "lln"):
            if absent in raw:
                raise fail(f"a {test.name} result has no {absent}", absent)
        value = raw.get("value")
        if value not in (POSITIVE, NEGATIVE):
            raise fail(f'must be "{POSITIVE}" or "{NEGATIVE}" (got {value!r})', "value")
        return ScenarioEvent(**common, lab_positive=value == POSITIVE)
    units = " or ".join(test.units)
    if "unit" not in raw:
        raise fail(f"missing: a {test.name} result needs its unit ({units})", "unit")
    unit = raw.get("unit")
    if not isinstance(unit, str) or unit not in test.units:
        raise fail(f"must be {units} for {test.name} (got {unit!r})", "unit")
    value = _number(raw.get("value"))
    if value is None or value < 0:
        raise fail(f"must be a number from 0 (got {raw.get('value')!r})", "value")
    try:
        converted = test.converted(value, unit)
    except UnitError as exc:  # pragma: no cover — the unit was checked above
        raise fail(str(exc), "unit") from exc
    if converted > test.high:
        raise fail(f"{value} {unit} is above any {test.name} result; check the unit", "value")
    lln = None
    if raw.get("lln") is not None:
        lln = _number(raw.get("lln"))
        if lln is None or lln <= 0:
            raise fail(f"must be a number above 0, in {unit} (got {raw.get('lln')!r})", "lln")
        if test.converted(lln, unit) > test.high:
            raise fail(f"{lln} {unit} is above any {test.name} limit; check the unit", "lln")
    return ScenarioEvent(**common, lab_value=value, lab_unit=unit, lab_lln=lln)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_temperatures(raw: Any, fail) -> tuple[ScenarioTemperature, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    readings = []
    for position, item in enumerate(items):
        name = "temperature" if not isinstance(raw, list) else f"temperature[{position}]"
        if not isinstance(item, dict):
            raise fail('must be an object like {"value": 38.2, "unit": "C"}', name)
        unknown = set(item) - {"value", "unit", "confirmed", "site"}
        if unknown:
            raise fail(f"unknown field(s): {', '.join(sorted(unknown))}", name)
        unit = item.get("unit", "C")
        if not isinstance(unit, str) or unit not in TEMPERATURE_LIMITS:
            raise fail(f"unit must be C or F (got {unit!r})", f"{name}.unit")
        value = _number(item.get("value"))
        if value is None:
            raise fail(f"value must be a number (got {item.get('value')!r})", f"{name}.value")
        # Exactly what the diary form accepts: no rounding on the way in.
        problem = temperature_problem(value, unit)
        if problem:
            raise fail(f"{value} °{unit}: {problem}", f"{name}.value")
        confirmed = item.get("confirmed", False)
        if not isinstance(confirmed, bool):
            raise fail("must be true or false", f"{name}.confirmed")
        site = item.get("site", "")
        if site not in ("", "mouth", "armpit", "ear"):
            raise fail(f"must be mouth, armpit or ear (got {site!r})", f"{name}.site")
        readings.append(ScenarioTemperature(value=value, unit=unit, confirmed=confirmed, site=site))
    return tuple(readings)


def _parse_symptoms(raw: Any, catalogue: Catalogue, fail) -> tuple[dict[str, int], frozenset[str]]:
    if not isinstance(raw, dict):
        raise fail('must be an object like {"cough": 2}', "symptoms")
    grades: dict[str, int] = {}
    red_flags: set[str] = set()
    for code, value in raw.items():
        name = f"symptoms.{code}"
        if code in catalogue.graded:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
                raise fail(f"grade must be a whole number 0–4 (got {value!r})", name)
            grades[code] = value
        elif code in catalogue.flags or code in catalogue.red_flags:
            if not isinstance(value, bool):
                raise fail(f"is a present/absent symptom: use true or false (got {value!r})", name)
            if value and code in catalogue.red_flags:
                # A red flag listed among symptoms still counts (never drop a red flag).
                red_flags.add(code)
            elif value:
                grades[code] = 1
        else:
            raise fail(f"unknown symptom code {code!r}", name)
    return grades, frozenset(red_flags)


def _parse_red_flags(raw: Any, catalogue: Catalogue, fail) -> frozenset[str]:
    if not isinstance(raw, list):
        raise fail('must be a list of codes like ["seizure"]', "red_flags")
    for code in raw:
        if code not in catalogue.red_flags:
            raise fail(f"unknown red-flag code {code!r}", "red_flags")
    return frozenset(raw)


def _parse_vitals(raw: Any, fail) -> dict[str, ScenarioVital]:
    if not isinstance(raw, dict):
        raise fail('must be an object like {"heart_rate": {"value": 104}}', "vitals")
    vitals = {}
    for name, item in raw.items():
        if name not in VITAL_LIMITS:
            raise fail(
                f"unknown vital sign {name!r}; use {', '.join(VITAL_LIMITS)}", f"vitals.{name}"
            )
        if not isinstance(item, dict):
            item = {"value": item}
        unknown = set(item) - {"value", "confirmed"}
        if unknown:
            raise fail(f"unknown field(s): {', '.join(sorted(unknown))}", f"vitals.{name}")
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"value must be a whole number (got {value!r})", f"vitals.{name}.value")
        problem = vital_problem(name, value)
        if problem:
            raise fail(problem, f"vitals.{name}.value")
        confirmed = item.get("confirmed", False)
        if not isinstance(confirmed, bool):
            raise fail("must be true or false", f"vitals.{name}.confirmed")
        vitals[name] = ScenarioVital(value=value, confirmed=confirmed)
    return vitals


def _parse_vaccine(raw: Any, fail) -> tuple[str, bool]:
    """The plan's text and the patient's "it is a live vaccine" tick (false unless given):
    VAC-LIVE reads the text too, as it does for the form."""
    if raw is None or raw == "":
        return "", False
    if isinstance(raw, str):
        return raw, False
    if isinstance(raw, dict):
        unknown = set(raw) - {"text", "name", "vaccine", "live"}
        if unknown:
            raise fail(f"unknown field(s): {', '.join(sorted(unknown))}", "planned_vaccine")
        text = raw.get("text", raw.get("name", raw.get("vaccine", "")))
        live = raw.get("live", False)
        if not isinstance(text, str):
            raise fail("text must be text", "planned_vaccine.text")
        if not isinstance(live, bool):
            raise fail("live must be true or false", "planned_vaccine.live")
        if live and not text.strip():
            # As the diary form asks: "Please say which vaccine you plan to have."
            raise fail("say which vaccine is planned", "planned_vaccine.text")
        return text, live
    raise fail(
        'must be text or an object like {"text": "yellow fever", "live": true}', "planned_vaccine"
    )
