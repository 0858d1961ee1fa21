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

from alerts.rules import names_live_vaccine

ELEVATED_RISK = ("immunosuppressant", "low_ig", "recurrent_infection", "cytopenia")
VITAL_RANGES = {
    "heart_rate": (25, 250),
    "resp_rate": (4, 60),
    "spo2": (50, 100),
    "systolic_bp": (50, 260),
}
TEMPERATURE_RANGES = {
    "C": (Decimal("30.0"), Decimal("45.0")),
    "F": (Decimal("86.0"), Decimal("113.0")),
}


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
    type: str  # entry | injection | tick
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


@dataclass(frozen=True)
class Scenario:
    name: str
    timezone: str
    elevated_risk: frozenset[str]
    hbv_risk: bool
    events: tuple[ScenarioEvent, ...]


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
    name = data.get("name", "")
    if not isinstance(name, str):
        raise ScenarioError("must be text", field_name="name")
    patient = data.get("patient", {})
    if not isinstance(patient, dict):
        raise ScenarioError("must be an object", field_name="patient")
    tz_name = patient.get("timezone", "Europe/London")
    try:
        if not isinstance(tz_name, str):
            raise ZoneInfoNotFoundError
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScenarioError(
            f"unknown time zone {tz_name!r}", field_name="patient.timezone"
        ) from exc
    risk = patient.get("elevated_risk", [])
    if not isinstance(risk, list) or any(r not in ELEVATED_RISK for r in risk):
        raise ScenarioError(
            f"must be a list of: {', '.join(ELEVATED_RISK)} (got {risk!r})",
            field_name="patient.elevated_risk",
        )
    hbv = patient.get("hbv_risk", False)
    if not isinstance(hbv, bool):
        raise ScenarioError("must be true or false", field_name="patient.hbv_risk")
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
    )


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
    }
    if kind not in allowed:
        raise fail(f"must be one of entry, injection, tick (got {kind!r})", "type")
    unknown = set(raw) - allowed[kind]
    if unknown:
        raise fail(
            f"unknown field(s) for a {kind} event: {', '.join(sorted(unknown))}", sorted(unknown)[0]
        )
    if kind == "tick":
        return ScenarioEvent(index=index, at_text=at_text, at=at, type=kind)
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
        if unit not in TEMPERATURE_RANGES:
            raise fail(f"unit must be C or F (got {unit!r})", f"{name}.unit")
        value = _number(item.get("value"))
        if value is None:
            raise fail(f"value must be a number (got {item.get('value')!r})", f"{name}.value")
        low, high = TEMPERATURE_RANGES[unit]
        if not low <= value <= high:
            raise fail(
                f"{value} °{unit} is outside the plausible range {low}–{high} °{unit}",
                f"{name}.value",
            )
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
        if name not in VITAL_RANGES:
            raise fail(
                f"unknown vital sign {name!r}; use {', '.join(VITAL_RANGES)}", f"vitals.{name}"
            )
        if not isinstance(item, dict):
            item = {"value": item}
        unknown = set(item) - {"value", "confirmed"}
        if unknown:
            raise fail(f"unknown field(s): {', '.join(sorted(unknown))}", f"vitals.{name}")
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"value must be a whole number (got {value!r})", f"vitals.{name}.value")
        low, high = VITAL_RANGES[name]
        if not low <= value <= high:
            raise fail(
                f"{value} is outside the plausible range {low}–{high}", f"vitals.{name}.value"
            )
        confirmed = item.get("confirmed", False)
        if not isinstance(confirmed, bool):
            raise fail("must be true or false", f"vitals.{name}.confirmed")
        vitals[name] = ScenarioVital(value=value, confirmed=confirmed)
    return vitals


def _parse_vaccine(raw: Any, fail) -> tuple[str, bool]:
    if raw is None or raw == "":
        return "", False
    if isinstance(raw, str):
        lowered = raw.lower()
        return raw, names_live_vaccine(lowered)
    if isinstance(raw, dict):
        text = raw.get("text", raw.get("name", raw.get("vaccine", "")))
        live = raw.get("live", None)
        if not isinstance(text, str):
            raise fail("text must be text", "planned_vaccine.text")
        if live is None:
            live = names_live_vaccine(text)
        if not isinstance(live, bool):
            raise fail("live must be true or false", "planned_vaccine.live")
        return text, live
    raise fail(
        'must be text or an object like {"text": "yellow fever", "live": true}', "planned_vaccine"
    )
