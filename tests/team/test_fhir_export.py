"""The FHIR Bundle a hospital can file: validated when made, the clinic's identifiers,
LOINC/UCUM temperatures in either unit, every symptom coded with its scale, alerts as Flags,
`urn:uuid` references that resolve inside the Bundle."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from patients.identifiers import validate_national_number
from patients.models import AccessLog
from symptoms.models import Symptom
from team import fhir
from tests.alerts.factories import make_entry


def _bundle(client, user, patient) -> dict:
    client.force_login(user)
    response = client.get(reverse("team:export_fhir", args=[patient.pk]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def _of(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture
def zolc(bob, team_a):
    """A patient with a non-Latin name, every identifier, readings in °F, every symptom."""
    team_a.country = "GB"
    team_a.hospital_number_system = "https://fhir.example-hospital.org/Id/mrn"
    team_a.save()
    user = bob.user
    user.first_name, user.last_name, user.language = "Łukasz", "Żółć", "es"
    user.save()
    bob.temperature_unit = "F"
    bob.hospital_number, bob.national_number = "RX4 118 552", "9434765919"
    bob.date_of_birth, bob.phone = date(1984, 2, 29), "+44 7700 900123"
    bob.save()
    now = timezone.now()
    graded = {
        s.code: 1 + i % 4
        for i, s in enumerate(Symptom.objects.filter(is_red_flag=False, active=True))
    }
    flags = tuple(Symptom.objects.filter(is_red_flag=True).values_list("code", flat=True))
    entry = make_entry(
        bob,
        now - timedelta(hours=2),
        temp="102.2",
        unit="F",
        symptoms=graded,
        red_flags=flags,
        vitals={
            "heart_rate": (118, False),
            "resp_rate": (24, False),
            "spo2": (93, False),
            "systolic_bp": (88, False),
        },
    )
    make_entry(bob, now - timedelta(days=1), temp="98.6", unit="F")
    bob.injections.create(given_at=now - timedelta(days=3), dose_number=4, site="thigh")
    recording.entry_evaluate(entry.pk)
    return bob


@pytest.mark.django_db
def test_the_bundle_validates_and_every_reference_resolves(client, alice, zolc):
    from fhir.resources.R4B.bundle import Bundle

    data = _bundle(client, alice, zolc)
    Bundle.model_validate(data)
    fhir.validate(data)  # each resource against its own model too
    assert data["type"] == "collection" and data["timestamp"]
    urls = [e["fullUrl"] for e in data["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls) and len(set(urls)) == len(urls)
    for entry in data["entry"]:
        assert entry["fullUrl"] == "urn:uuid:" + entry["resource"]["id"]
    text = json.dumps(data)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert references and references <= set(urls)
    assert "/fhir/Patient/" not in text  # no endpoint that does not exist
    # The same rows keep the same identities in a second export.
    again = _bundle(client, alice, zolc)
    assert [e["fullUrl"] for e in again["entry"]] == urls
    assert again["id"] != data["id"]


@pytest.mark.django_db
def test_the_patient_carries_the_clinics_identifiers(client, alice, zolc):
    (patient,) = _of(_bundle(client, alice, zolc), "Patient")
    by_system = {i["system"]: i for i in patient["identifier"]}
    mrn = by_system["https://fhir.example-hospital.org/Id/mrn"]
    assert mrn["value"] == "RX4 118 552" and mrn["type"]["coding"][0]["code"] == "MR"
    assert by_system["https://fhir.nhs.uk/Id/nhs-number"]["value"] == "9434765919"
    assert by_system[fhir.REFERENCE_SYSTEM]["value"] == zolc.reference
    assert patient["birthDate"] == "1984-02-29"
    assert patient["name"][0] == {
        "use": "official",
        "text": "Łukasz Żółć",
        "family": "Żółć",
        "given": ["Łukasz"],
    }
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "es"
    assert patient["telecom"][0]["value"] == "+447700900123"
    (team,) = _of(_bundle(client, alice, zolc), "Organization")
    assert patient["managingOrganization"]["reference"] == "urn:uuid:" + team["id"]


@pytest.mark.django_db
def test_a_team_without_its_own_system_still_types_the_number(client, alice, bob, team_a):
    team_a.country = "ES"  # no published national system: the number is left out
    team_a.save()
    bob.hospital_number, bob.national_number = "H-77", "12345678Z"
    bob.save()
    (patient,) = _of(_bundle(client, alice, bob), "Patient")
    systems = [i["system"] for i in patient["identifier"]]
    assert len(systems) == 2 and "birthDate" not in patient
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["identifier"][0]["system"].endswith(f"team-{team_a.pk}-hospital-number")
    team_a.national_number_system = "urn:oid:2.16.724.4.40"
    team_a.save()
    (patient,) = _of(_bundle(client, alice, bob), "Patient")
    assert {"system": "urn:oid:2.16.724.4.40", "value": "12345678Z"}.items() <= (
        patient["identifier"][1].items()
    )


@pytest.mark.django_db
def test_temperatures_and_vital_signs_are_loinc_and_ucum(client, alice, zolc):
    observations = _of(_bundle(client, alice, zolc), "Observation")
    by_loinc = {}
    for o in observations:
        coding = o["code"]["coding"][0]
        if coding["system"] == "http://loinc.org":
            by_loinc.setdefault(coding["code"], []).append(o["valueQuantity"])
    temps = sorted((q["value"], q["code"], q["unit"]) for q in by_loinc["8310-5"])
    assert temps == [(98.6, "[degF]", "°F"), (102.2, "[degF]", "°F")]
    assert by_loinc["8867-4"] == [
        {
            "value": 118,
            "unit": "beats/minute",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        }
    ]
    assert by_loinc["9279-1"][0]["code"] == "/min" and by_loinc["9279-1"][0]["value"] == 24
    assert by_loinc["59408-5"][0]["code"] == "%" and by_loinc["59408-5"][0]["value"] == 93
    assert by_loinc["8480-6"][0]["code"] == "mm[Hg]" and by_loinc["8480-6"][0]["value"] == 88
    vital = [o for o in observations if o["code"]["coding"][0]["system"] == "http://loinc.org"]
    assert all(o["category"][0]["coding"][0]["code"] == "vital-signs" for o in vital)


@pytest.mark.django_db
def test_every_symptom_is_coded_with_its_scale(client, alice, zolc):
    observations = [
        o
        for o in _of(_bundle(client, alice, zolc), "Observation")
        if o["code"]["coding"][0]["system"] == fhir.SYMPTOM_SYSTEM
    ]
    reported = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert set(reported) == set(
        Symptom.objects.filter(active=True).values_list("code", flat=True)
    ) | set(Symptom.objects.filter(is_red_flag=True).values_list("code", flat=True))
    for code, o in reported.items():
        symptom = Symptom.objects.get(code=code)
        if symptom.kind == Symptom.Kind.GRADED and not symptom.is_red_flag:
            (coding,) = o["valueCodeableConcept"]["coding"]
            assert coding["system"] == fhir.GRADE_SYSTEM
            assert coding["display"] == fhir.GRADE_DISPLAY[int(coding["code"])]
            assert coding["extension"] == [
                {"url": fhir.ORDINAL_VALUE, "valueDecimal": int(coding["code"])}
            ]
            assert "valueInteger" not in o
        else:
            assert o["valueBoolean"] is True
        if symptom.is_red_flag:
            assert o["interpretation"][0]["text"] == "Warning sign"


@pytest.mark.django_db
def test_alerts_are_flags_with_their_priority(client, alice, zolc):
    bundle = _bundle(client, alice, zolc)
    flags = _of(bundle, "Flag")
    assert flags and all(f["status"] == "active" for f in flags)
    priorities = {
        f["code"]["text"].split(":")[0]: f["extension"][0]["valueCodeableConcept"]["coding"][0][
            "code"
        ]
        for f in flags
    }
    assert priorities["URGENT"] == "PH"
    (given,) = _of(bundle, "MedicationAdministration")
    assert given["dosage"]["dose"] == {
        "value": 20,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }


@pytest.mark.django_db
def test_an_invalid_bundle_is_refused_and_the_log_holds_no_values(
    client, alice, zolc, monkeypatch, caplog
):
    real = fhir.build_bundle

    def broken(patient, since=None):
        bundle = real(patient, since=since)
        for entry in bundle["entry"]:
            if entry["resource"]["resourceType"] == "Patient":
                entry["resource"]["birthDate"] = "Żółć 29/02"  # not a FHIR date
        return bundle

    monkeypatch.setattr(fhir, "build_bundle", broken)
    client.force_login(alice)
    with caplog.at_level(logging.ERROR, logger="team.fhir"):
        response = client.get(reverse("team:export_fhir", args=[zolc.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("team:patient", args=[zolc.pk])
    assert "The FHIR file could not be made" in response.content.decode()
    assert "Patient[1] birthDate" in caplog.text and "Żółć" not in caplog.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT_FHIR).exists()


@pytest.mark.parametrize(
    ("typed", "country", "kept"),
    [
        ("943 476 5919", "GB", "9434765919"),
        ("943-476-5919", "GB", "9434765919"),
        ("X123456789", "DE", "X123456789"),
    ],
)
def test_national_numbers_are_kept_compact(typed, country, kept):
    assert validate_national_number(typed, country) == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943 476 5918", "not a valid NHS number"),  # the check digit is 9
        ("943 476 591", "10 digits"),
        ("943 476 591A", "10 digits"),
        ("4010232170", "not a valid NHS number"),  # its check digit would be 10: never issued
        ("0000000000", "not a valid NHS number"),  # a check digit of 0 passes the sum
        ("²²²²²²²²²²", "letters and digits only"),  # str.isdigit() says yes; no one's number
        ("٤٨٥٧٧٧٣٠٠٧", "letters and digits only"),  # Arabic-Indic digits
    ],
)
def test_a_wrong_nhs_number_says_what_is_wrong(typed, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        validate_national_number(typed, "GB")


@pytest.mark.django_db
def test_laboratory_results_are_loinc_observations_in_the_reported_unit(client, alice, bob):
    from decimal import Decimal

    from alerts.care.labs import LabData, lab_result_record, lab_result_withdraw
    from patients.lab_tests import BY_NAME

    def record(test, **data):
        return lab_result_record(
            patient=bob,
            data=LabData(test=BY_NAME[test], collected_on=date(2026, 11, 2), **data),
            by=alice,
        ).result

    record("IgG", value=Decimal("440"), unit="mg/dL", reference_low=Decimal("700"))
    record("neutrophils", value=Decimal("1.2"), unit="10^9/L")
    wrong = record("anti-HBc", positive=True)
    lab_result_withdraw(result=wrong, by=alice)
    record("HBsAg", positive=False)
    labs = [
        o
        for o in _of(_bundle(client, alice, bob), "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    ]
    by_code = {o["code"]["coding"][0]["code"]: o for o in labs}
    assert set(by_code) == {"2465-3", "751-8", "16933-4", "5196-1"}
    igg = by_code["2465-3"]
    assert igg["valueQuantity"] == {
        "value": 440.0,
        "unit": "mg/dL",
        "system": "http://unitsofmeasure.org",
        "code": "mg/dL",
    }
    assert igg["referenceRange"][0]["low"]["value"] == 700.0
    assert igg["effectiveDateTime"] == "2026-11-02"
    assert by_code["751-8"]["valueQuantity"]["code"] == "10*9/L"
    assert by_code["5196-1"]["valueCodeableConcept"]["coding"][0]["code"] == "260385009"
    assert by_code["16933-4"]["status"] == "entered-in-error"
