"""Importing laboratory results from a CSV file or a FHIR R4 Bundle of Observations
(docs/clinical-rules.md §6), for the care team's "Import blood results" page.

Two steps over the same text: `lab_import_check` (the dry run: what each accepted row would
record, how each patient's risk flags would change, and every refused row with its reason;
nothing is written) and `lab_import_record` (the same check again, then every accepted row
through `alerts.care.labs.lab_result_record` inside ONE transaction: if any accepted row
fails to record, nothing of the file is written).

- Patients are matched only among the importing clinician's teams
  (`Patient.objects.for_clinician`): another team's patient is an unknown patient.
- The tests, their units and their bounds are patients/lab_tests.py's.
- A refused row never stops the others; a problem with the file itself (no header, not a
  Bundle, not JSON) is one `ImportFileError` with a message for the page.
- Row numbers are a spreadsheet's (the header is row 1); a bundle's are its entries' (the
  first entry is 1). Nothing here logs a value: health data never reaches the logs.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import rules
from alerts.care.concerns import lock_patient
from alerts.care.labs import LabData, LabRecorded, lab_result_record, rule_results
from alerts.rules import labs
from alerts.ruleset.loading import rule_configs
from patients.identifiers import compact
from patients.lab_tests import BY_LOINC, BY_NAME, FLAG_OF, NEGATIVE, POSITIVE, LabTest, UnitError
from patients.models import CLINICAL_EARLIEST, LabImport, LabResult, Patient, User

logger = logging.getLogger(__name__)

CSV, FHIR = LabImport.Format.CSV, LabImport.Format.FHIR
MAX_ROWS = 1000  # one transaction; a larger file is split (the page says so)
DECIMAL_PLACES = 3  # LabResult.value's
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
SNOMED_PRESENCE = {"10828004": True, "260385009": False}
BUNDLE_TYPES = ("collection", "transaction", "batch", "searchset")
REFUSED_STATUS = ("entered-in-error", "cancelled")
NO_RESULT_STATUS = ("registered", "unknown")

# The CSV's columns (the header's words, lower case, spaces and dashes as "_") to the
# field each fills. The first name of each is the example file's.
COLUMNS = {
    "hospital_number": ("hospital_number", "hospital_no", "mrn", "patient", "patient_id"),
    "national_number": ("national_number", "nhs_number", "national_health_number"),
    "test": ("test", "loinc", "test_code", "code"),
    "value": ("value", "result"),
    "unit": ("unit", "units"),
    "collected_on": ("collected_on", "date_collected", "collected", "date"),
    "reference_low": ("reference_low", "ref_low", "lln", "lower_limit"),
    "reference_high": ("reference_high", "ref_high", "uln", "upper_limit"),
}
REQUIRED = ("test", "value", "collected_on")
PRESENCE_WORDS = {
    "positive": True,
    "pos": True,
    "reactive": True,
    "detected": True,
    "negative": False,
    "neg": False,
    "non-reactive": False,
    "nonreactive": False,
    "not detected": False,
}
CSV_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")

EXAMPLE_CSV = (
    "hospital_number,national_number,test,value,unit,collected_on,reference_low,reference_high\r\n"
    "RX1001,,IgG,4.4,g/L,2025-11-30,5.65,16.0\r\n"
    "RX1001,,IgM,35,mg/dL,2025-11-30,40,230\r\n"
    "RX1001,,751-8,2.1,10^9/L,2025-11-30,1.5,7.5\r\n"
    "RX1002,,HBsAg,negative,,28/11/2025,,\r\n"
    "RX1002,,16933-4,positive,,28/11/2025,,\r\n"
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the page (no values in it)."""


class ImportFailed(Exception):
    """An accepted row could not be recorded: nothing of the file was written."""

    def __init__(self, row: int) -> None:
        super().__init__(f"row {row} could not be recorded")
        self.row = row


class ImportChanged(Exception):
    """The upload was imported or discarded already (another tab, a double click)."""


class ImportStale(Exception):
    """What the file would record is not what the person checked (a result was recorded
    meanwhile): nothing was written; they look at the check again."""


@dataclass(frozen=True)
class Accepted:
    row: int
    patient: Patient
    data: LabData

    @property
    def shown(self) -> str:
        if self.data.test.quantitative:
            return f"{self.data.value.normalize():f} {self.data.unit}"
        return POSITIVE if self.data.positive else NEGATIVE


@dataclass(frozen=True)
class Refused:
    row: int
    reason: str
    ref: str = ""  # a FHIR Observation's id


@dataclass(frozen=True)
class FlagChange:
    """A patient's risk flags in force (ticked by hand or held by a result), before and
    after the file's results."""

    patient: Patient
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(f for f in self.after if f not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(f for f in self.before if f not in self.after)


@dataclass
class ImportReport:
    format: str
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    changes: list[FlagChange] = field(default_factory=list)
    recorded: list[LabRecorded] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    @property
    def patients(self) -> list[Patient]:
        seen: dict[int, Patient] = {}
        for row in self.accepted:
            seen.setdefault(row.patient.pk, row.patient)
        return list(seen.values())


# The file -----------------------------------------------------------------------------


def file_text(raw: bytes) -> str:
    """The uploaded bytes as text: UTF-8 (with or without a byte-order mark), else the
    Windows encoding a spreadsheet may save in; anything binary is refused."""
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This looks like a spreadsheet workbook. Save it as “CSV (UTF-8)” and upload that.")
        )
    if b"\x00" in raw:
        raise ImportFileError(_("This is not a text file. Upload a CSV file or a FHIR JSON file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("This is not a text file. Upload a CSV file or a FHIR JSON file."))


def detect_format(text: str) -> str:
    """FHIR when the text is a JSON object, else CSV."""
    return FHIR if text.lstrip().startswith("{") else CSV


# Patients -------------------------------------------------------------------------------


class _Patients:
    """The clinician's patients by their identifiers (compacted: spaces, dashes and case
    do not matter)."""

    def __init__(self, user: User) -> None:
        self.hospital: dict[str, list[Patient]] = defaultdict(list)
        self.national: dict[str, list[Patient]] = defaultdict(list)
        for patient in Patient.objects.for_clinician(user).select_related("user", "team"):
            if patient.hospital_number:
                self.hospital[compact(patient.hospital_number)].append(patient)
            if patient.national_number:
                self.national[compact(patient.national_number)].append(patient)

    def find(self, *, hospital: str = "", national: str = "") -> tuple[Patient | None, str]:
        """The one patient these identifiers name, or None and why not. Both given: they
        must name the same patient (a number the patient has not on record is no match)."""
        if not hospital and not national:
            return None, _("no patient identifier")
        by_hospital = (
            {p.pk: p for p in self.hospital.get(compact(hospital), [])} if hospital else {}
        )
        by_national = (
            {p.pk: p for p in self.national.get(compact(national), [])} if national else {}
        )
        different = _("the hospital number and the national number name different patients")
        if by_hospital and by_national and set(by_hospital) != set(by_national):
            return None, different
        found = by_hospital or by_national
        if not found:
            return None, _("unknown patient")
        if len(found) > 1:
            return None, _("more than one patient has this identifier")
        patient = next(iter(found.values()))
        if (hospital and not by_hospital and patient.hospital_number) or (
            national and not by_national and patient.national_number
        ):
            return None, different
        return patient, ""

    def any_of(self, values: Iterable[str]) -> tuple[Patient | None, str]:
        """The one patient any of `values` names (as a hospital or national number)."""
        found: dict[int, Patient] = {}
        for value in values:
            for patient in self.hospital.get(compact(value), []) + self.national.get(
                compact(value), []
            ):
                found[patient.pk] = patient
        if not found:
            return None, _("unknown patient")
        if len(found) > 1:
            return None, _("the identifiers name more than one patient")
        return next(iter(found.values())), ""


# One result, whatever the format ----------------------------------------------------------


def _test_named(text: str) -> LabTest | None:
    text = (text or "").strip()
    if text in BY_LOINC:
        return BY_LOINC[text]
    lowered = {name.lower(): test for name, test in BY_NAME.items()}
    return lowered.get(text.lower())


def _quantity_problem(test: LabTest, value: Decimal, unit: str) -> str:
    """Why a measured value cannot be recorded ("" when it can)."""
    try:
        in_test_unit = test.converted(value, unit)
    except UnitError:
        accepted = ", ".join(test.units)
        return _("unit “%(unit)s” does not convert: %(test)s is measured in %(accepted)s") % {
            "unit": unit or _("none"),
            "test": test.name,
            "accepted": accepted,
        }
    if -value.normalize().as_tuple().exponent > DECIMAL_PLACES:
        return _("value has more than %(n)s decimal places") % {"n": DECIMAL_PLACES}
    if not test.low <= in_test_unit <= test.high:
        return _("value out of bounds: %(test)s is between %(low)s and %(high)s %(unit)s") % {
            "test": test.name,
            "low": f"{test.low.normalize():f}",
            "high": f"{test.high.normalize():f}",
            "unit": test.unit,
        }
    return ""


def _date_problem(collected: date, patient: Patient, now: datetime) -> str:
    if collected > patient.today(now=now):
        return _("date collected is in the future")
    if collected < CLINICAL_EARLIEST.date():
        return _("date collected is before the year 2000")
    return ""


def _decimal(text: str, *, decimal_comma: bool) -> Decimal | None:
    """A number as a laboratory writes it; None when it is not one. A decimal comma only in
    a file whose cells are separated by ";" (where "1,234" cannot be a thousand)."""
    text = (text or "").strip().replace(" ", "")
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# CSV -----------------------------------------------------------------------------------


def _header_key(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _columns(header: list[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    names = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        name = names.get(_header_key(cell))
        if name and name not in found:
            found[name] = index
        elif cell.strip():
            ignored.append(cell.strip())
    missing = [c for c in REQUIRED if c not in found]
    if "hospital_number" not in found and "national_number" not in found:
        missing.insert(0, "hospital_number")
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns. Missing: %(missing)s. "
                "See the format below, or download the example file."
            )
            % {"missing": ", ".join(missing)}
        )
    return found, tuple(ignored)


def _csv_rows(text: str) -> tuple[list[list[str]], bool]:
    """The rows, and whether cells are separated by ";" (then a decimal comma is read)."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    if not first.count(delimiter):
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(_("This CSV file cannot be read: %(why)s") % {"why": error}) from None
    return rows, delimiter == ";"


def _csv_candidates(
    text: str, patients: _Patients, now: datetime, report: ImportReport, *, name: str
) -> list[Accepted]:
    rows, decimal_comma = _csv_rows(text)
    if not rows:
        raise ImportFileError(_("The file is empty."))
    columns, report.ignored_columns = _columns(rows[0])
    body = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if not body:
        raise ImportFileError(_("The file has a header row but no results."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s results; import at most %(max)s at a time.")
            % {"n": len(body), "max": MAX_ROWS}
        )
    accepted = []
    for number, row in body:

        def cell(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        outcome = _checked(
            number,
            patients.find(hospital=cell("hospital_number"), national=cell("national_number")),
            test_text=cell("test"),
            value_text=cell("value"),
            unit=cell("unit"),
            date_text=cell("collected_on"),
            low_text=cell("reference_low"),
            high_text=cell("reference_high"),
            decimal_comma=decimal_comma,
            now=now,
            source=LabResult.Source.CSV,
            source_ref=f"{name}, row {number}",
        )
        if isinstance(outcome, Refused):
            report.refused.append(outcome)
        else:
            accepted.append(outcome)
    return accepted


def _csv_date(text: str) -> date | None:
    for fmt in CSV_DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _checked(
    number: int,
    found: tuple[Patient | None, str],
    *,
    test_text: str,
    value_text: str,
    unit: str,
    date_text: str,
    low_text: str,
    high_text: str,
    decimal_comma: bool,
    now: datetime,
    source: str,
    source_ref: str,
) -> Accepted | Refused:
    """One CSV row checked, in the order a person would fix it."""
    patient, why = found
    if patient is None:
        return Refused(number, why)
    test = _test_named(test_text)
    if test is None:
        return Refused(number, _("unknown test code “%(code)s”") % {"code": test_text[:40]})
    if not date_text:
        return Refused(number, _("date collected is missing"))
    collected = _csv_date(date_text)
    if collected is None:
        return Refused(
            number,
            _("date collected “%(date)s” is not a date (yyyy-mm-dd or dd/mm/yyyy)")
            % {"date": date_text[:20]},
        )
    if problem := _date_problem(collected, patient, now):
        return Refused(number, problem)
    if not test.quantitative:
        positive = PRESENCE_WORDS.get(value_text.strip().lower())
        if positive is None:
            return Refused(number, _("%(test)s must be positive or negative") % {"test": test.name})
        data = LabData(
            test=test,
            collected_on=collected,
            positive=positive,
            source=source,
            source_ref=source_ref,
        )
        return Accepted(number, patient, data)
    value = _decimal(value_text, decimal_comma=decimal_comma)
    if value is None:
        return Refused(number, _("value “%(value)s” is not a number") % {"value": value_text[:20]})
    bounds = []
    for label, text in ((_("reference low"), low_text), (_("reference high"), high_text)):
        limit = _decimal(text, decimal_comma=decimal_comma) if text else None
        if text and (limit is None or limit < 0):
            return Refused(number, _("%(which)s is not a number") % {"which": label})
        bounds.append(limit)
    return _measured(number, patient, test, value, unit, collected, *bounds, source, source_ref)


def _measured(
    number: int,
    patient: Patient,
    test: LabTest,
    value: Decimal,
    unit: str,
    collected: date,
    low: Decimal | None,
    high: Decimal | None,
    source: str,
    source_ref: str,
    ref: str = "",
) -> Accepted | Refused:
    if problem := _quantity_problem(test, value, unit):
        return Refused(number, problem, ref)
    for limit in (low, high):
        if limit is not None and -limit.normalize().as_tuple().exponent > DECIMAL_PLACES:
            return Refused(number, _("reference range has more than 3 decimal places"), ref)
    for limit in (low, high):
        if limit is not None and not (0 < test.converted(limit, unit) <= test.high):
            return Refused(
                number,
                _(
                    "reference range out of bounds: a %(test)s limit is above 0 and at most "
                    "%(high)s %(unit)s"
                )
                % {"test": test.name, "high": f"{test.high.normalize():f}", "unit": test.unit},
                ref,
            )
    if low is not None and high is not None and low > high:
        return Refused(number, _("reference low is above reference high"), ref)
    data = LabData(
        test=test,
        collected_on=collected,
        value=value,
        unit=test.unit_named(unit),
        reference_low=low,
        reference_high=high,
        source=source,
        source_ref=source_ref,
    )
    return Accepted(number, patient, data)


# FHIR ----------------------------------------------------------------------------------


def _fhir_problems(model: str, resource: dict) -> list[str]:
    """Where `resource` breaks its FHIR R4 model (places and kinds only, never values)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(model).model_validate(resource)
    except ValidationError as error:
        return [
            ".".join(str(p) for p in problem["loc"]) or problem["type"]
            for problem in error.errors(include_input=False, include_url=False)
        ]
    except (KeyError, TypeError, ValueError, AttributeError):
        return [_("not a FHIR resource")]
    return []


def _bundle(text: str) -> dict:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("This file is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    if not isinstance(data, dict) or "resourceType" not in data:
        raise ImportFileError(_("This JSON file is not a FHIR resource."))
    if data["resourceType"] != "Bundle":
        raise ImportFileError(
            _("This is a FHIR %(type)s, not a Bundle of Observations.")
            % {"type": str(data["resourceType"])[:40]}
        )
    if data.get("type") not in BUNDLE_TYPES:
        raise ImportFileError(
            _("A Bundle of type “%(type)s” is not imported: use %(types)s.")
            % {"type": str(data.get("type"))[:40], "types": ", ".join(BUNDLE_TYPES)}
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ImportFileError(_("This Bundle is not valid FHIR R4: its entries are not a list."))
    shell = {**data, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}
    if problems := _fhir_problems("Bundle", shell):
        raise ImportFileError(
            _("This Bundle is not valid FHIR R4 (%(where)s).") % {"where": ", ".join(problems[:3])}
        )
    return data


def _fhir_patients(entries: list[dict]) -> dict[str, dict]:
    """The bundle's Patient resources by every name a reference may use."""
    found = {}
    for entry in entries:
        resource = entry.get("resource")
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            if entry.get("fullUrl"):
                found[entry["fullUrl"]] = resource
            if resource.get("id"):
                found[f"Patient/{resource['id']}"] = resource
    return found


def _fhir_subject(obs: dict, in_bundle: dict[str, dict], patients: _Patients):
    subject = obs.get("subject") or {}
    if not isinstance(subject, dict):
        return None, _("no patient identifier")
    values = []
    if subject.get("reference"):
        resource = in_bundle.get(subject["reference"])
        if resource is None:
            return None, _("the subject is not a Patient in this bundle")
        identifiers = resource.get("identifier") or []
        if not isinstance(identifiers, list):
            identifiers = []
        values = [i.get("value", "") for i in identifiers if isinstance(i, dict)]
    elif isinstance(subject.get("identifier"), dict) and subject["identifier"].get("value"):
        values = [subject["identifier"]["value"]]
    values = [v for v in values if isinstance(v, str) and v.strip()]
    if not values:
        return None, _("no patient identifier")
    return patients.any_of(values)


def _fhir_code(obs: dict) -> tuple[LabTest | None, str]:
    codes = [
        c.get("code", "")
        for c in (obs.get("code") or {}).get("coding") or []
        if c.get("system") == LOINC
    ]
    if not codes:
        return None, _("no LOINC code")
    for code in codes:
        if code in BY_LOINC:
            return BY_LOINC[code], ""
    return None, _("unknown test code “%(code)s”") % {"code": codes[0][:40]}


def _fhir_date(obs: dict, patient: Patient) -> date | None:
    from fhir.resources.R4B.observation import Observation

    model = Observation.model_validate(obs)
    when = model.effectiveDateTime or (model.effectivePeriod and model.effectivePeriod.start)
    if isinstance(when, datetime):
        return when.astimezone(patient.zone).date() if when.tzinfo else when.date()
    if isinstance(when, date):
        return when
    return None


def _fhir_presence(obs: dict) -> bool | None:
    concept = obs.get("valueCodeableConcept")
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if coding.get("system") == SNOMED and coding.get("code") in SNOMED_PRESENCE:
                return SNOMED_PRESENCE[coding["code"]]
        return PRESENCE_WORDS.get(str(concept.get("text", "")).strip().lower())
    if isinstance(obs.get("valueString"), str):
        return PRESENCE_WORDS.get(obs["valueString"].strip().lower())
    return None


def _quantity_unit(quantity: dict) -> str:
    if quantity.get("system") == UCUM and quantity.get("code"):
        return quantity["code"]
    return quantity.get("unit") or quantity.get("code") or ""


def _fhir_candidates(
    text: str, patients: _Patients, now: datetime, report: ImportReport
) -> list[Accepted]:
    bundle = _bundle(text)
    entries = bundle.get("entry") or []
    in_bundle = _fhir_patients(entries)
    observations = [
        (n, e["resource"])
        for n, e in enumerate(entries, start=1)
        if isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "Observation"
    ]
    if not observations:
        raise ImportFileError(_("This Bundle holds no Observations."))
    if len(observations) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s results; import at most %(max)s at a time.")
            % {"n": len(observations), "max": MAX_ROWS}
        )
    accepted = []
    for number, obs in observations:
        outcome = _fhir_observation(number, obs, in_bundle, patients, now)
        if isinstance(outcome, Refused):
            report.refused.append(outcome)
        else:
            accepted.append(outcome)
    return accepted


def _fhir_observation(
    number: int, obs: dict, in_bundle: dict, patients: _Patients, now: datetime
) -> Accepted | Refused:
    ref = str(obs.get("id") or "")[:64]

    def refused(reason: str) -> Refused:
        return Refused(number, reason, ref)

    if problems := _fhir_problems("Observation", obs):
        return refused(
            _("not a valid FHIR Observation (%(where)s)") % {"where": ", ".join(problems[:3])}
        )
    status = obs.get("status")
    if status in REFUSED_STATUS:
        return refused(_("status is %(status)s") % {"status": status})
    if status in NO_RESULT_STATUS:
        return refused(_("status is %(status)s: no result yet") % {"status": status})
    patient, why = _fhir_subject(obs, in_bundle, patients)
    if patient is None:
        return refused(why)
    test, why = _fhir_code(obs)
    if test is None:
        return refused(why)
    collected = _fhir_date(obs, patient)
    if collected is None:
        return refused(_("no date collected (effectiveDateTime or effectivePeriod.start)"))
    if problem := _date_problem(collected, patient, now):
        return refused(problem)
    source_ref = ref or f"entry {number}"
    if not test.quantitative:
        positive = _fhir_presence(obs)
        if positive is None:
            return refused(_("%(test)s must be positive or negative") % {"test": test.name})
        data = LabData(
            test=test,
            collected_on=collected,
            positive=positive,
            source=LabResult.Source.FHIR,
            source_ref=source_ref,
        )
        return Accepted(number, patient, data)
    quantity = obs.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        return refused(_("no valueQuantity: %(test)s is a number") % {"test": test.name})
    if quantity.get("comparator"):
        # "<0.40 g/L" is not 0.40: the rules cannot compare it; a person reads it.
        return refused(
            _("the value is given as “%(comparator)s” a number: record it by hand")
            % {"comparator": str(quantity["comparator"])[:2]}
        )
    value = Decimal(str(quantity["value"]))
    unit = _quantity_unit(quantity)
    ranges = obs.get("referenceRange") or []
    bounds: list[Decimal | None] = [None, None]
    if ranges:
        for index, end in enumerate(("low", "high")):
            limit = ranges[0].get(end)
            if isinstance(limit, dict) and limit.get("value") is not None:
                limit_value = Decimal(str(limit["value"]))
                limit_unit = _quantity_unit(limit) or unit
                try:
                    # The range in the result's unit (exact: the factors are powers of ten).
                    bounds[index] = test.converted(limit_value, limit_unit) / test.converted(
                        Decimal(1), unit
                    )
                except UnitError:
                    return refused(_("the reference range's unit does not convert"))
    # Observation.id is the import's reference to it (LabResult.source_ref).
    return _measured(
        number,
        patient,
        test,
        value,
        unit,
        collected,
        *bounds,
        LabResult.Source.FHIR,
        source_ref,
        ref,
    )


# Both ----------------------------------------------------------------------------------


def _result_key(patient_pk: int, test: LabTest, collected: date, value, unit, positive):
    if test.quantitative:
        return (patient_pk, test.loinc, collected, test.converted(value, unit))
    return (patient_pk, test.loinc, collected, bool(positive))


def _without_duplicates(accepted: list[Accepted], report: ImportReport) -> list[Accepted]:
    """Refuse a result already recorded (same patient, test, date and value, whatever the
    unit), or withdrawn as entered in error, and a row repeating an earlier one."""
    if not accepted:
        return []
    existing = LabResult.objects.filter(
        patient__in={a.patient.pk for a in accepted},
        collected_on__in={a.data.collected_on for a in accepted},
    ).values_list("patient_id", "test", "collected_on", "value", "unit", "positive", "withdrawn_at")
    recorded, withdrawn = set(), set()
    for patient_pk, loinc, collected, value, unit, positive, withdrawn_at in existing:
        key = _result_key(patient_pk, BY_LOINC[loinc], collected, value, unit, positive)
        (withdrawn if withdrawn_at else recorded).add(key)
    kept, seen = [], {}
    for row in accepted:
        d = row.data
        key = _result_key(row.patient.pk, d.test, d.collected_on, d.value, d.unit, d.positive)
        if key in recorded:
            report.refused.append(Refused(row.row, _("already recorded"), _ref(row)))
        elif key in withdrawn:
            report.refused.append(
                Refused(row.row, _("this result was withdrawn as entered in error"), _ref(row))
            )
        elif key in seen:
            report.refused.append(
                Refused(row.row, _("repeats row %(n)s of this file") % {"n": seen[key]}, _ref(row))
            )
        else:
            seen[key] = row.row
            kept.append(row)
    return kept


def _ref(row: Accepted) -> str:
    return row.data.source_ref if row.data.source == LabResult.Source.FHIR else ""


def _flag_changes(accepted: list[Accepted], ruleset: rules.RuleSet, now: datetime):
    """How each patient's flags in force would change with the file's results: the §6 rules
    (alerts.rules.labs.flags_from) over the current results and the new ones."""
    by_patient: dict[int, list[Accepted]] = defaultdict(list)
    for row in accepted:
        by_patient[row.patient.pk].append(row)
    changes = []
    for rows in by_patient.values():
        patient = Patient.objects.get(pk=rows[0].patient.pk)
        new = [
            labs.LabResult(
                key=("new", row.row),
                test=row.data.test.name,
                collected=row.data.collected_on,
                value=row.data.value,
                unit=row.data.unit,
                positive=row.data.positive,
                lln=row.data.reference_low,
                order=(now, row.row),
            )
            for row in rows
            if row.data.test.name in FLAG_OF
        ]
        hbv = patient.lab_hbv_risk_id
        if hbv is None and ruleset.active[labs.HBV_RULE]:
            positives = [r for r in new if r.test in labs.HBV_MARKERS and r.positive]
            hbv = positives[0].key if positives else None
        held = labs.flags_from(rule_results(patient) + new, hbv, ruleset).names()
        hand = patient.hand_flags
        after = tuple(sorted(hand | held))
        changes.append(FlagChange(rows[0].patient, tuple(patient.risk_flags), after))
    return changes


def _name(upload: LabImport | None) -> str:
    return f"CSV import {upload.pk}" if upload is not None else "CSV"


def _report(text: str, fmt: str, by: User, now: datetime, *, name: str = "CSV") -> ImportReport:
    report = ImportReport(format=fmt)
    patients = _Patients(by)
    if fmt == FHIR:
        accepted = _fhir_candidates(text, patients, now, report)
    else:
        accepted = _csv_candidates(text, patients, now, report, name=name)
    report.accepted = sorted(_without_duplicates(accepted, report), key=lambda a: a.row)
    report.refused.sort(key=lambda r: r.row)
    return report


def lab_import_check(
    *, text: str, fmt: str, by: User, now: datetime | None = None, upload: LabImport | None = None
) -> ImportReport:
    """The dry run: what would be recorded, how flags would change, what is refused and
    why. Writes nothing. Raises ImportFileError when the file cannot be read at all."""
    now = now or timezone.now()
    report = _report(text, fmt, by, now, name=_name(upload))
    report.changes = [
        c for c in _flag_changes(report.accepted, rule_configs(), now) if c.added or c.removed
    ]
    return report


def lab_import_record(
    *,
    text: str,
    fmt: str,
    by: User,
    now: datetime | None = None,
    upload: LabImport | None = None,
    expected: int | None = None,
) -> ImportReport:
    """Check the file again and record every accepted row, all or nothing (ImportFailed:
    nothing was written). With `upload`, it is claimed in the same transaction
    (ImportChanged when it was imported or discarded already) and keeps what was recorded;
    its text is cleared. With `expected` (the count the person saw), ImportStale when the
    check now accepts another number of rows."""
    now = now or timezone.now()
    with transaction.atomic():
        if upload is not None:
            claimed = LabImport.objects.select_for_update().get(pk=upload.pk)
            if claimed.status != LabImport.Status.CHECKED:
                raise ImportChanged
        report = _report(text, fmt, by, now, name=_name(upload))
        # Lock the patients (in one order: no deadlock), then check again: a result another
        # import committed meanwhile is "already recorded", never recorded twice.
        for patient in sorted(report.patients, key=lambda p: p.pk):
            lock_patient(patient)
        report = _report(text, fmt, by, now, name=_name(upload))
        if expected is not None and len(report.accepted) != expected:
            raise ImportStale
        before = {p.pk: Patient.objects.get(pk=p.pk).risk_flags for p in report.patients}
        # Each patient's newest result first: an older row of the file is then a late
        # report, which sets nothing and tells nobody (a year-old low IgG in a file whose
        # latest is normal must not open a review). The rules are read under the locks
        # (lab_result_record), as for a typed result.
        ordered = sorted(
            report.accepted, key=lambda row: (row.patient.pk, row.data.collected_on), reverse=True
        )
        for row in ordered:
            try:
                report.recorded.append(
                    lab_result_record(patient=row.patient, data=row.data, by=by, now=now)
                )
            except Exception as error:
                # Only the row and the error's kind: the values are health data.
                logger.error("lab import: row %s not recorded (%s)", row.row, type(error).__name__)
                raise ImportFailed(row.row) from error
        for patient in report.patients:
            fresh = Patient.objects.get(pk=patient.pk)
            change = FlagChange(patient, tuple(before[patient.pk]), tuple(fresh.risk_flags))
            if change.added or change.removed:
                report.changes.append(change)
        if upload is not None:
            LabImport.objects.filter(pk=upload.pk).update(
                status=LabImport.Status.IMPORTED,
                finished_at=now,
                text="",
                recorded=[r.result.pk for r in report.recorded],
                refused=[{"row": r.row, "ref": r.ref, "reason": r.reason} for r in report.refused],
            )
    return report
