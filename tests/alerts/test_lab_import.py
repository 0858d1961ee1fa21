"""Importing laboratory results from CSV and FHIR (alerts/care/lab_import.py): every refused
row has its number and reason, a dry run writes nothing, and an import is all or nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError

from alerts.care import lab_import
from alerts.care.lab_import import (
    CSV,
    FHIR,
    ImportFailed,
    ImportFileError,
    lab_import_check,
    lab_import_record,
)
from alerts.models import Alert
from patients.models import LabResult, Patient
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HEADER = "hospital_number,test,value,unit,collected_on,reference_low,reference_high"


@pytest.fixture
def numbered(bob, dave):
    bob.hospital_number = "RX1001"
    bob.save()
    dave.hospital_number = "RX1002"
    dave.national_number = "9434765919"
    dave.save()
    return bob, dave


@pytest.fixture
def theirs(team_b):
    """A patient of team B (Charlie's): Alice's imports never find her."""
    user = make_user("erica", first_name="Erica")
    return Patient.objects.create(user=user, team=team_b, hospital_number="RX9001")


def day(days_ago: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def check(text, alice, fmt=CSV):
    return lab_import_check(text=text, fmt=fmt, by=alice)


def test_it_imports_nine_of_ten_and_names_the_refused_row(numbered, alice):
    rows = [
        f"RX1001,IgG,7.2,g/L,{day(30)},5.65,16",
        f"RX1001,IgM,0.9,g/L,{day(30)},,",
        f"RX1001,IgA,1.8,g/L,{day(30)},0.7,4",
        f"RX1001,751-8,3.1,10^9/L,{day(30)},1.5,7.5",
        f"RX1001,lymphocytes,1.6,10*9/L,{day(30)},,",
        f"RX1001,HBsAg,negative,,{day(30)},,",
        f"RX1002,anti-HBc,negative,,{day(10)},,",
        f"RX1002,IgG,850,mg/dL,{day(10)},,",
        f"RX1002,IgG,7.5,g/L,{day(2)},,",
        f"RX1002,IgM,0.5,mmol/L,{day(2)},,",  # row 11: a unit IgM is never measured in
    ]
    report = lab_import_record(text=csv_of(*rows), fmt=CSV, by=alice)
    assert len(report.recorded) == 9
    assert [(r.row, r.reason) for r in report.refused] == [
        (11, "unit “mmol/L” does not convert: IgM is measured in g/L, mg/dL")
    ]
    assert LabResult.objects.filter(source=LabResult.Source.CSV).count() == 9
    assert LabResult.objects.get(test="2465-3", value=Decimal(850)).unit == "mg/dL"
    assert set(LabResult.objects.values_list("recorded_by__username", flat=True)) == {"alice"}


BAD_ROWS = [
    ("RX4040,IgG,4.4,g/L,{past},,", "unknown patient"),
    ("RX9001,IgG,4.4,g/L,{past},,", "unknown patient"),  # another team's patient
    (",IgG,4.4,g/L,{past},,", "no patient identifier"),
    ("RX1001,1234-5,4.4,g/L,{past},,", "unknown test code “1234-5”"),
    (
        "RX1001,IgG,4.4,mmol/L,{past},,",
        "unit “mmol/L” does not convert: IgG is measured in g/L, mg/dL",
    ),
    (
        "RX1001,neutrophils,2.0,g/L,{past},,",
        "unit “g/L” does not convert: neutrophils is measured in 10^9/L",
    ),
    ("RX1001,IgG,4.4,,{past},,", "unit “none” does not convert: IgG is measured in g/L, mg/dL"),
    ("RX1001,IgG,4.4,g/L,{future},,", "date collected is in the future"),
    ("RX1001,IgG,4.4,g/L,,,", "date collected is missing"),
    (
        "RX1001,IgG,4.4,g/L,31/02/2026,,",
        "date collected “31/02/2026” is not a date (yyyy-mm-dd or dd/mm/yyyy)",
    ),
    ("RX1001,IgG,4.4,g/L,1999-12-31,,", "date collected is before the year 2000"),
    ("RX1001,IgG,low,g/L,{past},,", "value “low” is not a number"),
    ("RX1001,IgG,-1,g/L,{past},,", "value out of bounds: IgG is between 0 and 100 g/L"),
    ("RX1001,IgG,100.001,g/L,{past},,", "value out of bounds: IgG is between 0 and 100 g/L"),
    ("RX1001,IgG,10001,mg/dL,{past},,", "value out of bounds: IgG is between 0 and 100 g/L"),
    ("RX1001,IgG,4.4444,g/L,{past},,", "value has more than 3 decimal places"),
    ("RX1001,HBsAg,equivocal,,{past},,", "HBsAg must be positive or negative"),
    ("RX1001,IgG,4.4,g/L,{past},x,", "reference low is not a number"),
    ("RX1001,IgG,4.4,g/L,{past},6,5", "reference low is above reference high"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_it_refuses_each_bad_row_with_its_reason(numbered, theirs, alice, row, reason):
    tomorrow = (numbered[0].today() + timedelta(days=1)).isoformat()
    text = csv_of(row.format(past=day(3), future=tomorrow))
    report = lab_import_record(text=text, fmt=CSV, by=alice)
    assert [(r.row, r.reason) for r in report.refused] == [(2, reason)]
    assert report.recorded == []
    assert not LabResult.objects.exists()


@pytest.mark.parametrize(
    ("row", "accepted"),
    [
        ("RX1001,IgG,100,g/L,{past},,", True),  # at the bound
        ("RX1001,IgG,0,g/L,{past},,", True),
        ("RX1001,IgG,10000,mg/dL,{past},,", True),
        ("RX1001,IgG,4.444,g/L,{past},,", True),
        ("rx 1001,igg,4.4,G/L,{past},,", True),  # spacing and case of the number, test, unit
        ("RX1001,IgG,4.4,g/L,2000-01-01,,", True),
        ("RX1001,HBsAg,Positive,,{past},,", True),
        ("RX1001,anti-HBc,NEG,,{past},,", True),
        ("RX1001,lymphocytes,1.2,10*3/uL,{past},,", True),
    ],
)
def test_it_accepts_rows_at_the_limits(numbered, alice, row, accepted):
    report = check(csv_of(row.format(past=day(3))), alice)
    assert (len(report.accepted) == 1) is accepted, report.refused


@pytest.mark.parametrize(
    ("zone", "ok"), [("Pacific/Kiritimati", True), ("Pacific/Pago_Pago", False)]
)
def test_the_future_is_the_patients_today(numbered, alice, zone, ok):
    """At 12:00 UTC it is already tomorrow in Kiritimati (UTC+14), still today in Pago Pago."""
    bob = numbered[0]
    bob.timezone = zone
    bob.save()
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    text = csv_of("RX1001,IgG,7,g/L,2026-12-01,,")
    report = lab_import_check(text=text, fmt=CSV, by=alice, now=now)
    assert (len(report.accepted) == 1) is ok


def test_a_result_already_recorded_is_refused_whatever_its_unit(numbered, alice):
    lab_import_record(text=csv_of(f"RX1001,IgG,4.4,g/L,{day(3)},,"), fmt=CSV, by=alice)
    again = csv_of(
        f"RX1001,IgG,440,mg/dL,{day(3)},,",
        f"RX1001,IgG,4.5,g/L,{day(3)},,",
        f"RX1001,IgG,4.5,g/L,{day(3)},,",
    )
    report = lab_import_record(text=again, fmt=CSV, by=alice)
    assert [(r.row, r.reason) for r in report.refused] == [
        (2, "already recorded"),
        (4, "repeats row 3 of this file"),
    ]
    assert LabResult.objects.count() == 2


def test_a_withdrawn_result_is_not_imported_again(numbered, alice):
    from alerts.care.labs import lab_result_withdraw

    first = lab_import_record(text=csv_of(f"RX1001,IgG,4.4,g/L,{day(3)},,"), fmt=CSV, by=alice)
    lab_result_withdraw(result=first.recorded[0].result, by=alice)
    report = check(csv_of(f"RX1001,IgG,4.4,g/L,{day(3)},,"), alice)
    assert [r.reason for r in report.refused] == ["this result was withdrawn as entered in error"]


def test_identifiers_must_name_one_patient(numbered, alice):
    header = "hospital_number,national_number,test,value,unit,collected_on"
    text = csv_of(
        f"RX1001,943 476 5919,IgG,7,g/L,{day(3)}",  # dave's national number
        f",9434765919,IgG,7,g/L,{day(3)}",
        f"RX1002,9434765919,IgG,7.1,g/L,{day(3)}",
        header=header,
    )
    report = check(text, alice)
    assert [(r.row, r.reason) for r in report.refused] == [
        (2, "the hospital number and the national number name different patients")
    ]
    assert [(a.row, a.patient.pk) for a in report.accepted] == [
        (3, numbered[1].pk),
        (4, numbered[1].pk),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("hospital_number,test,value\r\n", "Missing: collected_on"),
        ("name,test,value,collected_on\r\nBob,IgG,4,2026-01-01\r\n", "Missing: hospital_number"),
        (HEADER + "\r\n", "a header row but no results"),
    ],
)
def test_a_file_without_its_columns_is_refused_whole(numbered, alice, text, message):
    with pytest.raises(ImportFileError, match=message):
        check(text, alice)


def test_a_semicolon_file_reads_decimal_commas(numbered, alice):
    text = csv_of(f"RX1001;IgG;4,4;g/L;{day(3)};5,65;", header=HEADER.replace(",", ";"))
    [row] = check(text, alice).accepted
    assert (row.data.value, row.data.reference_low) == (Decimal("4.4"), Decimal("5.65"))


def test_a_comma_file_never_guesses_a_decimal_comma(numbered, alice):
    report = check(csv_of(f'RX1001,IgG,"1,234",mg/dL,{day(3)},,'), alice)
    assert [r.reason for r in report.refused] == ["value “1,234” is not a number"]


def test_the_dry_run_writes_nothing_and_shows_the_flags_that_would_change(numbered, alice):
    bob = numbered[0]
    before = (LabResult.objects.count(), Alert.objects.count(), bob.history.count())
    report = check(
        csv_of(f"RX1001,IgG,4.4,g/L,{day(3)},5.65,", f"RX1001,HBsAg,positive,,{day(3)},,"), alice
    )
    assert len(report.accepted) == 2
    [change] = report.changes
    assert change.patient.pk == bob.pk
    assert (change.before, change.added, change.removed) == ((), ("hbv_risk", "low_ig"), ())
    assert (LabResult.objects.count(), Alert.objects.count(), bob.history.count()) == before
    bob.refresh_from_db()
    assert bob.risk_flags == []


def test_the_import_sets_the_flags_it_showed(numbered, alice):
    text = csv_of(f"RX1001,IgG,4.4,g/L,{day(3)},5.65,")
    shown = check(text, alice).changes
    done = lab_import_record(text=text, fmt=CSV, by=alice).changes
    assert [(c.before, c.after) for c in shown] == [(c.before, c.after) for c in done]
    assert Patient.objects.get(pk=numbered[0].pk).risk_flags == ["low_ig"]


def test_a_normal_result_shows_a_flag_cleared(numbered, alice):
    lab_import_record(text=csv_of(f"RX1001,IgG,4.4,g/L,{day(10)},,"), fmt=CSV, by=alice)
    [change] = check(csv_of(f"RX1001,IgG,7.0,g/L,{day(3)},,"), alice).changes
    assert change.removed == ("low_ig",)


def test_nothing_is_half_written_when_one_row_fails(numbered, alice, monkeypatch):
    real = lab_import.lab_result_record
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(lab_import, "lab_result_record", failing)
    text = csv_of(
        f"RX1001,IgG,4.4,g/L,{day(3)},,",
        f"RX1001,HBsAg,positive,,{day(3)},,",
        f"RX1002,IgG,3.0,g/L,{day(3)},,",
        f"RX1002,IgM,0.2,g/L,{day(3)},,",
    )
    with pytest.raises(ImportFailed) as failed:
        lab_import_record(text=text, fmt=CSV, by=alice)
    # Recorded patient by patient, each one's newest first (rows of a day in file order):
    # RX1002's rows 4 and 5, then RX1001's row 2 — the third, which fails.
    assert failed.value.row == 2
    assert len(calls) == 3
    assert not LabResult.objects.exists()
    assert not Alert.objects.exists()
    assert [p.risk_flags for p in Patient.objects.order_by("pk")] == [[], []]


# FHIR ------------------------------------------------------------------------------------


def observation(oid, code, *, value=None, subject=None, when=None, status="final", **more):
    obs = {
        "resourceType": "Observation",
        "id": oid,
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": subject or {"reference": "urn:uuid:bob"},
        "effectiveDateTime": when or day(3),
    }
    if value is not None:
        obs["valueQuantity"] = value
    obs.update(more)
    return obs


def ucum(value, code):
    return {"value": value, "unit": code, "system": "http://unitsofmeasure.org", "code": code}


def bundle(*observations, kind="collection"):
    patient = {
        "resourceType": "Patient",
        "id": "bob",
        "identifier": [{"system": "https://hospital.example/mrn", "value": "RX1001"}],
    }
    entries = [{"fullUrl": "urn:uuid:bob", "resource": patient}]
    entries += [{"fullUrl": f"urn:uuid:{o['id']}", "resource": o} for o in observations]
    return json.dumps({"resourceType": "Bundle", "type": kind, "entry": entries})


def test_it_imports_a_fhir_bundle(numbered, alice):
    text = bundle(
        observation(
            "igg", "2465-3", value=ucum(440, "mg/dL"), referenceRange=[{"low": ucum(565, "mg/dL")}]
        ),
        observation("neut", "751-8", value=ucum(1.2, "10*3/uL"), when=f"{day(3)}T08:30:00+01:00"),
        observation(
            "hbs",
            "5196-1",
            valueCodeableConcept={
                "coding": [{"system": "http://snomed.info/sct", "code": "10828004"}]
            },
            subject={"identifier": {"value": "RX1002"}},
        ),
        observation(
            "hbc",
            "16933-4",
            valueString="Negative",
            effectiveDateTime=None,
            effectivePeriod={"start": day(4)},
        ),
    )
    report = lab_import_record(text=text, fmt=FHIR, by=alice)
    assert report.refused == []
    assert len(report.recorded) == 4
    igg = LabResult.objects.get(source_ref="igg")
    assert (igg.value, igg.unit, igg.reference_low, igg.source) == (
        Decimal(440),
        "mg/dL",
        Decimal(565),
        "fhir",
    )
    assert LabResult.objects.get(source_ref="neut").unit == "10^9/L"
    hbs = LabResult.objects.get(source_ref="hbs")
    assert (hbs.patient_id, hbs.positive) == (numbered[1].pk, True)
    assert LabResult.objects.get(source_ref="hbc").positive is False
    bob = Patient.objects.get(pk=numbered[0].pk)
    assert bob.risk_flags == ["cytopenia", "low_ig"]


@pytest.mark.parametrize(
    ("obs", "reason"),
    [
        (observation("x", "1234-5", value=ucum(4, "g/L")), "unknown test code “1234-5”"),
        (
            observation("x", "2465-3", value=ucum(4, "mmol/L")),
            "unit “mmol/L” does not convert: IgG is measured in g/L, mg/dL",
        ),
        (
            observation("x", "2465-3", value=ucum(4, "g/L"), when="2099-01-01"),
            "date collected is in the future",
        ),
        (
            observation("x", "2465-3", value=ucum(4, "g/L"), status="entered-in-error"),
            "status is entered-in-error",
        ),
        (
            observation("x", "2465-3", value=ucum(4, "g/L"), status="cancelled"),
            "status is cancelled",
        ),
        (
            observation(
                "x", "2465-3", value=ucum(4, "g/L"), subject={"identifier": {"value": "RX9001"}}
            ),
            "unknown patient",
        ),
        (
            observation(
                "x", "2465-3", value=ucum(4, "g/L"), subject={"reference": "Patient/nobody"}
            ),
            "the subject is not a Patient in this bundle",
        ),
        (observation("x", "5196-1", valueString="maybe"), "HBsAg must be positive or negative"),
        (observation("x", "2465-3", valueString="4"), "no valueQuantity: IgG is a number"),
        (
            observation("x", "2465-3", value={"value": "abc"}),
            "not a valid FHIR Observation (valueQuantity.value)",
        ),
    ],
)
def test_it_refuses_an_observation_with_its_reason(numbered, theirs, alice, obs, reason):
    text = bundle(observation("ok", "2472-9", value=ucum(1, "g/L")), obs)
    report = lab_import_record(text=text, fmt=FHIR, by=alice)
    assert [(r.row, r.ref, r.reason) for r in report.refused] == [(3, "x", reason)]
    assert list(LabResult.objects.values_list("source_ref", flat=True)) == ["ok"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Bundle", "type": "collection", "entry": [', "not valid JSON (line 1"),
        ("[1, 2]", "not a FHIR resource"),
        (
            '{"resourceType": "Observation", "status": "final"}',
            "This is a FHIR Observation, not a Bundle",
        ),
        (
            '{"resourceType": "Bundle", "type": "document", "entry": []}',
            "type “document” is not imported",
        ),
        ('{"resourceType": "Bundle", "type": "collection", "entry": []}', "holds no Observations"),
        (
            '{"resourceType": "Bundle", "type": "collection", "total": "many", "entry": [{}]}',
            "not valid FHIR R4 (total)",
        ),
    ],
)
def test_an_invalid_bundle_is_one_clear_message(numbered, alice, text, message):
    with pytest.raises(ImportFileError, match=re.escape(message)):
        check(text, alice, fmt=FHIR)


def test_a_fhir_dry_run_writes_nothing(numbered, alice):
    report = check(bundle(observation("igg", "2465-3", value=ucum(4.4, "g/L"))), alice, fmt=FHIR)
    assert [c.added for c in report.changes] == [("low_ig",)]
    assert not LabResult.objects.exists()


def test_a_bundle_imported_twice_is_already_recorded(numbered, alice):
    text = bundle(observation("igg", "2465-3", value=ucum(4.4, "g/L")))
    lab_import_record(text=text, fmt=FHIR, by=alice)
    report = lab_import_record(text=text, fmt=FHIR, by=alice)
    assert [(r.ref, r.reason) for r in report.refused] == [("igg", "already recorded")]
    assert LabResult.objects.count() == 1


# Found in review -------------------------------------------------------------------------


def test_an_old_low_row_in_a_file_whose_latest_is_normal_opens_no_review(numbered, alice):
    """Each patient's newest row is recorded first: an older low row is a late report."""
    report = lab_import_record(
        text=csv_of(
            f"RX1001,IgG,4.0,g/L,{day(400)},,",
            f"RX1001,IgG,7.0,g/L,{day(200)},,",
            f"RX1001,IgG,8.0,g/L,{day(5)},,",
        ),
        fmt=CSV,
        by=alice,
    )
    assert len(report.recorded) == 3
    assert not Alert.objects.filter(patient=numbered[0]).exists()
    assert Patient.objects.get(pk=numbered[0].pk).lab_flags == frozenset()


def test_a_file_whose_latest_is_low_still_tells_the_team(numbered, alice):
    lab_import_record(
        text=csv_of(f"RX1001,IgG,8.0,g/L,{day(200)},,", f"RX1001,IgG,4.0,g/L,{day(5)},,"),
        fmt=CSV,
        by=alice,
    )
    rules = set(Alert.objects.filter(patient=numbered[0]).values_list("rule__rule_id", flat=True))
    assert rules == {"LAB-IG-LOW", "LAB-IG-REVIEW"}
    assert Patient.objects.get(pk=numbered[0].pk).lab_flags == {"low_ig"}


@pytest.mark.parametrize(
    ("low", "reason"),
    [("0", "reference range out of bounds"), ("99", "reference range out of bounds")],
)
def test_a_reference_range_no_laboratory_gives_is_refused(numbered, alice, low, reason):
    report = check(csv_of(f"RX1001,IgM,0.3,g/L,{day(3)},{low},"), alice)
    assert report.accepted == [] and reason in report.refused[0].reason


def test_trailing_zeros_are_not_extra_decimal_places(numbered, alice):
    report = check(csv_of(f"RX1001,IgG,4.4000,g/L,{day(3)},5.6500,"), alice)
    assert len(report.accepted) == 1 and report.refused == []


def test_a_value_with_a_comparator_is_refused_not_read_as_the_number(numbered, alice):
    text = bundle(
        observation("igm", "2472-9", value={**ucum(0.40, "g/L"), "comparator": "<"}),
    )
    report = check(text, alice, fmt=FHIR)
    assert report.accepted == []
    assert "record it by hand" in report.refused[0].reason


@pytest.mark.parametrize("identifier", ["RX1001", ["RX1001"], [None], {"value": 1}])
def test_a_malformed_patient_identifier_is_a_refused_row_not_an_error(numbered, alice, identifier):
    data = json.loads(bundle(observation("igg", "2465-3", value=ucum(7.0, "g/L"))))
    data["entry"][0]["resource"]["identifier"] = identifier
    report = check(json.dumps(data), alice, fmt=FHIR)
    assert report.accepted == [] and len(report.refused) == 1
