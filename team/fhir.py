"""One patient's diary as a FHIR R4 `collection` Bundle a hospital can file.

- The Patient carries the clinic's identifiers: the hospital number under the team's own
  system URI (typed MR, a medical record number), the national health number under its
  country's published system (patients/identifiers.py), the diary's reference, birth date,
  phone and language; the team is its managing Organization.
- Temperatures are LOINC 8310-5 in the unit the patient used (UCUM `Cel` or `[degF]`);
  heart rate, breathing rate, SpO2 and systolic pressure have their LOINC codes and UCUM
  units too.
- A symptom is an Observation coded in the diary's symptom system; its grade is a
  CodeableConcept from the diary's 0–4 grade scale with the ordinal value beside the code;
  a yes-or-no symptom and a warning sign are `valueBoolean`.
- A laboratory result (clinical-rules.md §6) is a `laboratory` Observation with its LOINC
  code, the value in the unit the laboratory reported (UCUM) and its reference range, or a
  SNOMED CT positive/negative; a result withdrawn as entered in error is
  `entered-in-error`. The FHIR import reads the same shape.
- Each team alert is a Flag with its priority (URGENT high, CONTACT medium, WATCH low).
- Every entry's `fullUrl` is a `urn:uuid:` derived from the diary's own row, so the same
  reading keeps its identity across exports (a receiver can de-duplicate).

The Bundle is checked against the FHIR models (fhir.resources, R4B: the R4-compatible
release; none of these resources changed between R4 and R4B) before it is served: an
export that would not validate is refused, never sent on.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Alert, Level
from patients.identifiers import national_system
from patients.lab_tests import SNOMED, SNOMED_DISPLAY, SNOMED_RESULT, UCUM_CODE
from patients.models import LabResult, Patient, phone_for_tel
from symptoms.models import GRADE_LABELS, DiaryEntry, Symptom, SymptomReport
from team.exports import entries_of

logger = logging.getLogger(__name__)

SYSTEM_BASE = "https://kesimpta-diary.example/fhir"
SYMPTOM_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/symptom"
GRADE_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/symptom-grade"
RULE_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/alert-rule"
REFERENCE_SYSTEM = f"{SYSTEM_BASE}/NamingSystem/patient-reference"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_CODES = "http://terminology.hl7.org/CodeSystem/flag-priority-code"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"

# The grade scale's canonical (English) displays; the reader's words go in `text`.
GRADE_DISPLAY = {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe", 4: "Very severe"}
PRIORITY = {
    Level.URGENT: ("PH", "High priority"),
    Level.CONTACT: ("PM", "Medium priority"),
    Level.WATCH: ("PL", "Low priority"),
}
# (field, LOINC code, LOINC display, UCUM code, unit shown)
VITAL_SIGNS = (
    ("heart_rate", "8867-4", "Heart rate", "/min", "beats/minute"),
    ("resp_rate", "9279-1", "Respiratory rate", "/min", "breaths/minute"),
    ("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", "%"),
    ("systolic_bp", "8480-6", "Systolic blood pressure", "mm[Hg]", "mmHg"),
)


class ExportInvalid(Exception):
    """The bundle failed FHIR validation; `problems` names where, never the values."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} FHIR validation problem(s)")
        self.problems = problems


def full_url(kind: str, pk) -> str:
    """A stable `urn:uuid:` for one of the diary's rows: the same row, the same URN."""
    return f"urn:uuid:{_uuid(kind, pk)}"


def _uuid(kind: str, pk) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.DIARY_BASE_URL}/{kind}/{pk}"))


def fhir_bundle(patient: Patient, *, since: datetime | None = None) -> dict:
    """The Bundle, validated. Raises ExportInvalid if any resource is not valid FHIR."""
    bundle = build_bundle(patient, since=since)
    validate(bundle)
    return bundle


def validate(bundle: dict) -> None:
    """Check the Bundle and each resource in it against its FHIR model. Only the problems'
    places and kinds are kept: pydantic's messages quote the values, which are health data."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    problems: list[str] = []
    for index, item in enumerate([{"resource": bundle}, *bundle.get("entry", [])]):
        resource = item["resource"]
        try:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        except ValidationError as error:
            for problem in error.errors(include_input=False, include_url=False):
                where = ".".join(str(part) for part in problem["loc"])
                problems.append(f"{resource['resourceType']}[{index}] {where}: {problem['type']}")
    if problems:
        logger.error("FHIR export refused: %s", "; ".join(problems[:20]))
        raise ExportInvalid(problems)


def build_bundle(patient: Patient, *, since: datetime | None = None) -> dict:
    patient_url = full_url("patient", patient.pk)
    team_url = full_url("team", patient.team_id)
    subject = {"reference": patient_url}
    resources: list[tuple[str, dict]] = [
        (patient_url, _patient(patient, team_url)),
        (team_url, _organization(patient.team)),
    ]
    symptoms_shown = {}
    for entry in entries_of(patient, since):
        for reading in entry.temperatures.all():
            url = full_url("temperature", reading.pk)
            resources.append((url, _temperature(reading, url, subject)))
        for field, code, display, ucum, unit in VITAL_SIGNS:
            value = getattr(entry, field)
            if value is not None:
                url = full_url(f"{field}", entry.pk)
                resources.append(
                    (
                        url,
                        _observation(
                            url,
                            subject,
                            category="vital-signs",
                            coding={"system": LOINC, "code": code, "display": display},
                            effective=entry.recorded_at,
                            value={
                                "valueQuantity": {
                                    "value": value,
                                    "unit": unit,
                                    "system": UCUM,
                                    "code": ucum,
                                }
                            },
                        ),
                    )
                )
        for report in entry.reports.all():
            if report.grade:
                url = full_url("symptom", report.pk)
                symptoms_shown[report.symptom.code] = report.symptom
                resources.append((url, _symptom(report, entry, url, subject)))
    injections = patient.injections.order_by("given_at")
    if since is not None:
        injections = injections.filter(given_at__gte=since)
    for injection in injections:
        url = full_url("injection", injection.pk)
        resources.append((url, _injection(injection, url, subject)))
    results = LabResult.objects.filter(patient=patient).order_by("collected_on", "pk")
    if since is not None:
        results = results.filter(recorded_at__gte=since)
    for result in results:
        url = full_url("lab", result.pk)
        resources.append((url, _lab_result(result, url, subject)))
    alerts = Alert.objects.filter(patient=patient, team_alert=True).select_related("rule")
    if since is not None:
        alerts = alerts.filter(fired_at__gte=since)
    for alert in alerts.order_by("fired_at"):
        url = full_url("alert", alert.pk)
        resources.append((url, _flag(alert, url, subject)))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
    }


def _id(url: str) -> str:
    return url.removeprefix("urn:uuid:")


def _patient(patient: Patient, team_url: str) -> dict:
    team = patient.team
    identifiers = []
    if patient.hospital_number:
        identifiers.append(
            {
                "use": "usual",
                "type": {
                    "coding": [
                        {
                            "system": V2_IDENTIFIER_TYPE,
                            "code": "MR",
                            "display": "Medical record number",
                        }
                    ],
                    "text": _("Hospital number"),
                },
                "system": team.hospital_number_system
                or f"{SYSTEM_BASE}/NamingSystem/team-{team.pk}-hospital-number",
                "value": patient.hospital_number,
            }
        )
    national = team.national_number_system or national_system(team.country)
    if patient.national_number and national:
        identifiers.append(
            {
                "use": "official",
                "type": {
                    "coding": [
                        {
                            "system": V2_IDENTIFIER_TYPE,
                            "code": "NH",
                            "display": "National Health Plan Identifier",
                        }
                    ]
                },
                "system": national,
                "value": patient.national_number,
            }
        )
    identifiers.append({"use": "secondary", "system": REFERENCE_SYSTEM, "value": patient.reference})
    user = patient.user
    resource = {
        "resourceType": "Patient",
        "id": _id(full_url("patient", patient.pk)),
        "identifier": identifiers,
        "active": patient.discharged_at is None and user.is_active,
        "name": [
            {
                "use": "official",
                "text": user.get_full_name() or patient.reference,
                **({"family": user.last_name} if user.last_name else {}),
                **({"given": [user.first_name]} if user.first_name else {}),
            }
        ],
        "managingOrganization": {"reference": team_url},
    }
    if patient.phone:
        resource["telecom"] = [
            {"system": "phone", "value": phone_for_tel(patient.phone), "use": "mobile"}
        ]
    if patient.date_of_birth:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    if user.language:
        resource["communication"] = [
            {
                "language": {
                    "coding": [{"system": LANGUAGE_SYSTEM, "code": _bcp47(user.language)}],
                    "text": str(dict(settings.LANGUAGES).get(user.language, user.language)),
                },
                "preferred": True,
            }
        ]
    return resource


def _bcp47(code: str) -> str:
    """Django's "en-gb" as BCP 47 writes it: "en-GB"."""
    language, _sep, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def _organization(team) -> dict:
    telecom = [{"system": "phone", "value": team.phone, "use": "work"}] if team.phone else []
    if team.urgent_phone:
        telecom.append({"system": "phone", "value": team.urgent_phone, "rank": 1})
    return {
        "resourceType": "Organization",
        "id": _id(full_url("team", team.pk)),
        "active": True,
        "name": team.name,
        **({"telecom": telecom} if telecom else {}),
        "address": [{"country": team.country}],
    }


def _observation(url, subject, *, category, coding, effective, value, text=None) -> dict:
    return {
        "resourceType": "Observation",
        "id": _id(url),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]}],
        "code": {"coding": [coding], "text": text or coding["display"]},
        "subject": subject,
        "effectiveDateTime": effective.isoformat(),
        **value,
    }


def _temperature(reading, url, subject) -> dict:
    code, unit = ("Cel", "°C") if reading.unit == "C" else ("[degF]", "°F")
    observation = _observation(
        url,
        subject,
        category="vital-signs",
        coding={"system": LOINC, "code": "8310-5", "display": "Body temperature"},
        effective=reading.measured_at,
        value={
            "valueQuantity": {
                "value": float(reading.value),
                "unit": unit,
                "system": UCUM,
                "code": code,
            }
        },
    )
    if reading.confirmed:
        observation["note"] = [{"text": _("Measured again and confirmed by the patient.")}]
    return observation


def _symptom(report: SymptomReport, entry: DiaryEntry, url, subject) -> dict:
    symptom: Symptom = report.symptom
    graded = symptom.kind == Symptom.Kind.GRADED and not symptom.is_red_flag
    if graded:
        grade = min(report.grade, 4)
        value = {
            "valueCodeableConcept": {
                "coding": [
                    {
                        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": grade}],
                        "system": GRADE_SYSTEM,
                        "code": str(grade),
                        "display": GRADE_DISPLAY[grade],
                    }
                ],
                "text": str(GRADE_LABELS[grade]),
            }
        }
    else:
        value = {"valueBoolean": True}
    # The code system's display is its English label; the reader's words go in `text`.
    display = getattr(symptom, "label_en", None) or symptom.label
    observation = _observation(
        url,
        subject,
        category="survey",
        coding={"system": SYMPTOM_SYSTEM, "code": symptom.code, "display": display},
        text=symptom.label,
        effective=entry.recorded_at,
        value=value,
    )
    if symptom.is_red_flag:
        observation["interpretation"] = [{"text": _("Warning sign")}]
    return observation


def _lab_result(result: LabResult, url, subject) -> dict:
    test = result.definition
    if result.value is not None:
        value = {
            "valueQuantity": {
                "value": float(result.value),
                "unit": result.unit,
                "system": UCUM,
                "code": UCUM_CODE[result.unit],
            }
        }
    else:
        said = "positive" if result.positive else "negative"
        value = {
            "valueCodeableConcept": {
                "coding": [
                    {"system": SNOMED, "code": SNOMED_RESULT[said], "display": SNOMED_DISPLAY[said]}
                ],
                "text": SNOMED_DISPLAY[said],
            }
        }
    observation = {
        "resourceType": "Observation",
        "id": _id(url),
        "status": "entered-in-error" if result.withdrawn_at else "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "code": {
            "coding": [{"system": LOINC, "code": test.loinc, "display": test.name}],
            "text": str(result.get_test_display()),
        },
        "subject": subject,
        "effectiveDateTime": result.collected_on.isoformat(),
        "issued": result.recorded_at.isoformat(),
        **value,
    }
    bounds = {}
    for side, number in (("low", result.reference_low), ("high", result.reference_high)):
        if number is not None:
            bounds[side] = {
                "value": float(number),
                "unit": result.unit,
                "system": UCUM,
                "code": UCUM_CODE[result.unit],
            }
    if bounds:
        observation["referenceRange"] = [bounds]
    return observation


def _injection(injection, url, subject) -> dict:
    return {
        "resourceType": "MedicationAdministration",
        "id": _id(url),
        "status": "completed",
        "medicationCodeableConcept": {"text": "Ofatumumab 20 mg subcutaneous (Kesimpta)"},
        "subject": subject,
        "effectiveDateTime": injection.given_at.isoformat(),
        "dosage": {
            **({"site": {"text": injection.get_site_display()}} if injection.site else {}),
            "route": {"text": "Subcutaneous"},
            "dose": {"value": 20, "unit": "mg", "system": UCUM, "code": "mg"},
        },
        **(
            {"note": [{"text": _("Dose %(number)s") % {"number": injection.dose_number}}]}
            if injection.dose_number
            else {}
        ),
    }


def _flag(alert: Alert, url, subject) -> dict:
    code, display = PRIORITY[Level(alert.level)]
    title = alert.snapshot.get("title", "")
    period = {"start": alert.fired_at.isoformat()}
    if alert.resolved_at:
        period["end"] = alert.resolved_at.isoformat()
    return {
        "resourceType": "Flag",
        "id": _id(url),
        "extension": [
            {
                "url": FLAG_PRIORITY,
                "valueCodeableConcept": {
                    "coding": [{"system": FLAG_PRIORITY_CODES, "code": code, "display": display}],
                    "text": str(Level(alert.level).label),
                },
            }
        ],
        "status": "inactive" if alert.status == Alert.Status.RESOLVED else "active",
        "category": [{"coding": [{"system": FLAG_CATEGORY, "code": "clinical"}]}],
        "code": {
            "coding": [
                {
                    "system": RULE_SYSTEM,
                    "code": alert.snapshot.get("rule_id", alert.rule.rule_id),
                    **({"display": title} if title else {}),
                }
            ],
            "text": f"{alert.level}: {alert.title_words}",
        },
        "subject": subject,
        "period": period,
    }
