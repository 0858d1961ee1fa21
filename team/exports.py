"""Exports of one patient's diary for the care team: CSV (streamed), PDF summary, FHIR.

Every export is written to the AccessLog by the view that serves it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from alerts.models import Alert
from alerts.rules import vaccine_plan_is_live
from patients.models import Patient
from symptoms.models import DiaryEntry, SymptomReport

CSV_HEADER = [
    "recorded_at_local",
    "local_day",
    "reported_by",
    "temperatures",
    "max_temperature_c",
    "symptoms",
    "red_flags",
    "heart_rate",
    "resp_rate",
    "spo2",
    "systolic_bp",
    "antipyretic_6h",
    "planned_vaccine",
    "planned_vaccine_live",
    "feels_fine",
    "note",
]
SYMPTOM_SYSTEM = "https://kesimpta-diary.example/fhir/CodeSystem/symptom"
RULE_SYSTEM = "https://kesimpta-diary.example/fhir/CodeSystem/alert-rule"
REFERENCE_SYSTEM = "https://kesimpta-diary.example/fhir/NamingSystem/patient-reference"


class _Echo:
    """A file-like object whose write() returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def _entries(patient: Patient, since: datetime | None = None):
    entries = DiaryEntry.objects.for_patient(patient).order_by("recorded_at")
    if since is not None:
        entries = entries.since(since)
    return entries.prefetch_related(
        "temperatures",
        Prefetch("reports", queryset=SymptomReport.objects.select_related("symptom")),
    )


def csv_rows(patient: Patient, *, chunk_size: int = 500) -> Iterator[str]:
    """Yield the CSV a line at a time; entries are read in chunks, never all at once."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in _entries(patient).iterator(chunk_size=chunk_size):
        temps = list(entry.temperatures.all())
        reports = [r for r in entry.reports.all() if r.grade]
        yield writer.writerow(
            [
                entry.recorded_at.astimezone(patient.zone).isoformat(timespec="minutes"),
                entry.local_day.isoformat(),
                entry.reported_by,
                "; ".join(
                    f"{t.value} {t.unit}{' (re-measure)' if t.confirmed else ''}" for t in temps
                ),
                max((t.value_c for t in temps), default=""),
                "; ".join(
                    f"{r.symptom.code}={r.grade}" for r in reports if not r.symptom.is_red_flag
                ),
                "; ".join(r.symptom.code for r in reports if r.symptom.is_red_flag),
                entry.heart_rate or "",
                entry.resp_rate or "",
                entry.spo2 or "",
                entry.systolic_bp or "",
                entry.antipyretic_6h,
                _safe(entry.planned_vaccine),
                # Live as VAC-LIVE reads it: the patient's tick, or a live vaccine named.
                vaccine_plan_is_live(entry.planned_vaccine, entry.planned_vaccine_live),
                entry.feels_fine,
                _safe(entry.note),
            ]
        )


def _safe(text: str) -> str:
    """Stop a spreadsheet from running a patient's text as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# FHIR R4 -------------------------------------------------------------------------------


def fhir_bundle(patient: Patient, *, since: datetime | None = None) -> dict:
    """A FHIR `collection` Bundle: Patient, temperature and symptom Observations,
    MedicationAdministration per injection, and a Flag per team alert."""
    patient_id = f"patient-{patient.pk}"
    subject = {"reference": f"Patient/{patient_id}"}
    resources: list[dict] = [
        {
            "resourceType": "Patient",
            "id": patient_id,
            "identifier": [{"system": REFERENCE_SYSTEM, "value": patient.reference}],
            "name": [{"family": patient.user.last_name, "given": [patient.user.first_name]}],
        }
    ]
    for entry in _entries(patient, since):
        for t in entry.temperatures.all():
            resources.append(
                {
                    "resourceType": "Observation",
                    "id": f"temperature-{t.pk}",
                    "status": "final",
                    "category": [_vital_signs()],
                    "code": {
                        "coding": [
                            {
                                "system": "http://loinc.org",
                                "code": "8310-5",
                                "display": "Body temperature",
                            }
                        ],
                        "text": "Body temperature",
                    },
                    "subject": subject,
                    "effectiveDateTime": t.measured_at.isoformat(),
                    "valueQuantity": _temperature(t.value, t.unit),
                }
            )
        for r in entry.reports.all():
            if not r.grade:
                continue
            observation = {
                "resourceType": "Observation",
                "id": f"symptom-{r.pk}",
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": "survey",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {
                            "system": SYMPTOM_SYSTEM,
                            "code": r.symptom.code,
                            "display": r.symptom.label,
                        }
                    ],
                    "text": r.symptom.label,
                },
                "subject": subject,
                "effectiveDateTime": entry.recorded_at.isoformat(),
            }
            graded = r.symptom.kind == "graded" and not r.symptom.is_red_flag
            observation["valueInteger" if graded else "valueBoolean"] = r.grade if graded else True
            resources.append(observation)
    injections = patient.injections.order_by("given_at")
    if since is not None:
        injections = injections.filter(given_at__gte=since)
    for injection in injections:
        resources.append(
            {
                "resourceType": "MedicationAdministration",
                "id": f"injection-{injection.pk}",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Ofatumumab 20 mg subcutaneous (Kesimpta)"},
                "subject": subject,
                "effectiveDateTime": injection.given_at.isoformat(),
                "dosage": {
                    "route": {"text": "Subcutaneous"},
                    "site": {"text": injection.get_site_display() or "not recorded"},
                },
            }
        )
    alerts = Alert.objects.filter(patient=patient, team_alert=True).select_related("rule")
    if since is not None:
        alerts = alerts.filter(fired_at__gte=since)
    for alert in alerts.order_by("fired_at"):
        resources.append(
            {
                "resourceType": "Flag",
                "id": f"alert-{alert.pk}",
                "status": "inactive" if alert.status == Alert.Status.RESOLVED else "active",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                                "code": "clinical",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {
                            "system": RULE_SYSTEM,
                            "code": alert.snapshot.get("rule_id", ""),
                            "display": alert.snapshot.get("title", ""),
                        }
                    ],
                    "text": f"{alert.level}: {alert.snapshot.get('title', '')}",
                },
                "subject": subject,
                "period": {
                    "start": alert.fired_at.isoformat(),
                    **({"end": alert.resolved_at.isoformat()} if alert.resolved_at else {}),
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"{settings.DIARY_BASE_URL}/fhir/{r['resourceType']}/{r['id']}",
                "resource": r,
            }
            for r in resources
        ],
    }


def _vital_signs() -> dict:
    return {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs",
                "display": "Vital Signs",
            }
        ]
    }


def _temperature(value: Decimal, unit: str) -> dict:
    code, label = ("Cel", "°C") if unit == "C" else ("[degF]", "°F")
    return {
        "value": float(value),
        "unit": label,
        "system": "http://unitsofmeasure.org",
        "code": code,
    }


# PDF summary ---------------------------------------------------------------------------


def summary_pdf(patient: Patient, history: dict, alerts, *, generated_at: datetime) -> bytes:
    """A plain pre-visit summary: daily maxima and symptoms, alerts, injections."""
    from fpdf import FPDF

    def text(value) -> str:
        # The core fonts are Latin-1: replace what they cannot draw rather than fail.
        return (
            str(value)
            .replace("\u2014", "-")
            .replace("\u2013", "-")
            .encode("latin-1", "replace")
            .decode("latin-1")
        )

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(
        0,
        9,
        text(f"Symptom diary summary - {patient.display_name} ({patient.reference})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("helvetica", "", 10)
    start = history["day_list"][0]
    pdf.cell(
        0,
        6,
        text(
            f"Last {history['days']} days, {start:%d %b %Y} to "
            f"{history['day_list'][-1]:%d %b %Y}. Team: {patient.team.name}. "
            f"Generated {generated_at:%d %b %Y %H:%M} UTC."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    risk = ", ".join(sorted(patient.elevated_risk)) or "none"
    pdf.cell(
        0,
        6,
        text(f"Elevated-risk reasons: {risk}. HBV risk: {'yes' if patient.hbv_risk else 'no'}."),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    def heading(title: str) -> None:
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 7, text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 9)

    heading("Team alerts")
    team_alerts = [a for a in alerts if a.team_alert]
    if not team_alerts:
        pdf.cell(0, 5, "None in this period.", new_x="LMARGIN", new_y="NEXT")
    else:
        with pdf.table(col_widths=(28, 18, 90, 44), text_align="LEFT") as table:
            table.row(["When", "Level", "Rule", "Outcome"])
            for a in team_alerts:
                outcome = a.get_resolution_action_display() or a.get_status_display()
                table.row(
                    [
                        text(f"{a.fired_at.astimezone(patient.zone):%d %b %H:%M}"),
                        a.level,
                        text(f"{a.snapshot.get('rule_id')} {a.snapshot.get('title')}"),
                        text(outcome),
                    ]
                )

    heading("Days (highest temperature, symptoms graded 0-4)")
    rows = history["rows"]
    if not rows:
        pdf.cell(0, 5, "No entries in this period.", new_x="LMARGIN", new_y="NEXT")
    else:
        with pdf.table(col_widths=(30, 25, 125), text_align="LEFT") as table:
            table.row(["Day", "Max temp", "Symptoms"])
            for row in rows:
                symptoms = ", ".join(
                    f"{s['label']} ({str(s['words']).lower()})" for s in row["symptoms"]
                )
                table.row(
                    [
                        f"{row['day']:%a %d %b}",
                        f"{row['max_c']} C" if row["max_c"] is not None else "-",
                        text(symptoms or "-"),
                    ]
                )

    heading("Injections")
    injections = history["injections"]
    if not injections:
        pdf.cell(0, 5, "None logged in this period.", new_x="LMARGIN", new_y="NEXT")
    for injection in injections:
        pdf.cell(
            0,
            5,
            text(
                f"{injection.given_at.astimezone(patient.zone):%d %b %Y %H:%M} - "
                f"dose {injection.dose_number or '?'} "
                f"({injection.get_site_display() or 'site not recorded'})"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    pdf.set_font("helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        "Patient-reported data from the Kesimpta symptom diary. Alerts follow "
        "written rules and are not a diagnosis.",
    )
    return bytes(pdf.output())
