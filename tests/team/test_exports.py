"""Exports: streamed CSV, printable and PDF summary, FHIR bundle validated; scoped and logged."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alerts.care import recording
from alerts.care.concerns import concern_resolve
from patients.models import AccessLog
from symptoms.models import DiaryEntry, Symptom
from tests.alerts.factories import make_entry

EXPORTS = ["export_csv", "summary", "summary_pdf", "export_fhir"]


@pytest.fixture
def story(bob):
    now = timezone.now()
    bob.injections.create(given_at=now - timedelta(days=6), dose_number=7, site="thigh")
    make_entry(bob, now - timedelta(days=2), temp="99.1", unit="F", symptoms={"cough": 1})
    fever = make_entry(
        bob,
        now - timedelta(hours=3),
        temp="38.4",
        symptoms={"chills": 2},
        red_flags=("might_die",),
        note='=HYPERLINK("x")',
    )
    recording.entry_evaluate(fever.pk)
    return fever


def url(name, patient):
    return reverse(f"team:{name}", args=[patient.pk])


@pytest.mark.django_db
def test_csv_has_every_entry_in_local_time_and_defuses_formulas(client, alice, bob, story):
    client.force_login(alice)
    response = client.get(url("export_csv", bob))
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet reads UTF-8, "°C" intact
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[0]["Temperatures"] == "99.1 °F (37.3 °C)"
    assert rows[0]["Highest temperature (°C)"] == "37.3"
    labels = dict(Symptom.objects.values_list("code", "label"))
    assert rows[0]["Symptoms (how bad)"] == f"{labels['cough']}: Mild"
    assert rows[1]["Symptoms (how bad)"] == f"{labels['chills']}: Moderate"
    assert rows[1]["Warning signs"] == f"{labels['might_die']}: yes, reported"
    assert rows[1]["Reported by"] == "Patient" and rows[1]["Feels fine"] == "No"
    assert rows[1]["Note"].startswith("'=")  # not run as a formula in a spreadsheet
    # What the patient was told, from the record: an entry never evaluated says so.
    assert rows[0]["Advice recorded"] == "Not assessed yet"
    assert rows[1]["Advice recorded"] == (
        "Seek medical attention now: Possible sepsis signs; Fever; "
        "Chills or aches with a raised temperature; Symptom clearly worse"
    )


@pytest.mark.django_db
def test_csv_headers_carry_units_and_no_codes(client, alice, bob, story):
    client.force_login(alice)
    response = client.get(url("export_csv", bob))
    body = b"".join(response.streaming_content).decode()
    header = next(csv.reader(io.StringIO(body)))
    assert "Highest temperature (°C)" in header and "Systolic blood pressure (mmHg)" in header
    assert not any("_" in column for column in header)  # words, not field names
    for code in ("might_die", "chills=", "True", "False"):
        assert code not in body


@pytest.mark.django_db
def test_csv_of_10000_entries_streams_in_chunks(client, alice, bob, django_assert_max_num_queries):
    now = timezone.now()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(patient=bob, recorded_at=now - timedelta(minutes=i), local_day=bob.today())
        for i in range(10_000)
    )
    client.force_login(alice)
    response = client.get(url("export_csv", bob))
    stream = iter(response.streaming_content)
    header = next(stream)
    assert header.startswith("\ufeffHospital number,".encode())
    # The first rows arrive after reading one chunk, not the whole table.
    with django_assert_max_num_queries(4):
        first = next(stream)
    assert first.count(b",") >= 10
    rest = sum(1 for _ in stream)
    assert rest == 9_999


@pytest.mark.django_db
def test_fhir_bundle_validates_and_carries_loinc_and_ucum(client, alice, bob, story):
    from fhir.resources.R4B.bundle import Bundle

    client.force_login(alice)
    response = client.get(url("export_fhir", bob))
    data = json.loads(response.content)
    bundle = Bundle.model_validate(data)  # raises on any invalid resource
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Patient") == 1
    assert "MedicationAdministration" in kinds and "Flag" in kinds
    temps = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "8310-5"
    ]
    units = sorted((t["valueQuantity"]["value"], t["valueQuantity"]["code"]) for t in temps)
    assert units == [(38.4, "Cel"), (99.1, "[degF]")]
    assert all(t["valueQuantity"]["system"] == "http://unitsofmeasure.org" for t in temps)


@pytest.mark.django_db
def test_printable_and_pdf_summaries(client, alice, bob, story):
    fever = bob.alerts.get(rule__rule_id="T-FEV-1")
    concern_resolve(
        patient=bob, by=alice, action="phoned_patient", note="Paracetamol, call back at 6."
    )
    client.force_login(alice)
    html = client.get(url("summary", bob), {"days": 90}).content.decode()
    assert "Last 90 days" in html and "@media print" in html
    assert fever.snapshot["title"] in html and "T-FEV-1" not in html  # words, not codes
    assert "Resolved by Alice" in html and "Paracetamol, call back at 6." in html
    pdf = client.get(url("summary_pdf", bob), {"days": 30})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 1000


@pytest.mark.django_db
def test_each_export_is_logged(client, alice, bob, story):
    client.force_login(alice)
    for name in EXPORTS:
        response = client.get(url(name, bob))
        if response.streaming:
            b"".join(response.streaming_content)
    actions = sorted(AccessLog.objects.values_list("action", flat=True))
    assert actions == ["export_csv", "export_fhir", "export_pdf", "export_print"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
def test_charlie_and_patients_get_404(client, charlie, bob, dave, story, name):
    for user in (charlie, dave.user, bob.user):
        client.force_login(user)
        assert client.get(url(name, bob)).status_code == 404
    assert not AccessLog.objects.exists()


def _csv(client, name, patient, *, language="en-gb", machine=False):
    query = {"for": "machine"} if machine else {}
    response = client.get(url(name, patient), query, HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, in every style
    return body.decode("utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "machine", "delimiter", "highest", "reading", "header"),
    [
        ("en-gb", False, ",", "38.4", "99.1 °F (37.3 °C)", "Highest temperature (°C)"),
        ("de", False, ";", "38,4", "99,1 °F (37,3 °C)", "Höchste Temperatur (°C)"),
        ("es", False, ";", "38,4", "99,1 °F (37,3 °C)", "Temperatura máxima (°C)"),
        # For another program: commas, points and English, whatever the reader's language.
        ("de", True, ",", "38.4", "99.1 °F (37.3 °C)", "Highest temperature (°C)"),
        ("es", True, ",", "38.4", "99.1 °F (37.3 °C)", "Highest temperature (°C)"),
    ],
)
def test_the_csv_has_the_readers_separators(
    client, alice, bob, story, language, machine, delimiter, highest, reading, header
):
    alice.language = ""  # the page's language follows the browser's
    alice.save()
    bob.hospital_number, bob.national_number = "RX4 118 552", "9434765919"
    bob.save()
    client.force_login(alice)
    body = _csv(client, "export_csv", bob, language=language, machine=machine)
    bob.hospital_number = "=HYPERLINK(1)"  # free text: defused as every other cell
    bob.save()
    defused = _csv(client, "export_alerts_csv", bob, language=language, machine=machine)
    assert "'=HYPERLINK(1)" in defused
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=delimiter))
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)
    column = dict(zip(rows[0], range(len(rows[0])), strict=True))
    assert header in column
    assert rows[2][column[header]] == highest and rows[1][1] != reading
    assert reading in rows[1]
    assert rows[1][:3] == ["RX4 118 552", "9434765919", bob.reference]
    assert rows[1][3] == "Bob Baker"


@pytest.mark.django_db
def test_the_alerts_csv_says_what_was_done_and_how_long_it_took(client, alice, bob, story):
    fever = bob.alerts.get(rule__rule_id="T-FEV-1")
    Alert = type(fever)
    Alert.objects.filter(patient=bob).update(acknowledged_at=fever.fired_at + timedelta(minutes=42))
    concern_resolve(patient=bob, by=alice, action="phoned_patient", note="=Call back at 6.")
    client.force_login(alice)
    body = _csv(client, "export_alerts_csv", bob, language="de")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    team_alerts = Alert.objects.filter(patient=bob, team_alert=True)
    assert len(rows) == team_alerts.count() >= 1
    with translation.override("de"):
        title = fever.title_words
    (row,) = [r for r in rows if r["Alarm"] == title]
    assert row["Minuten bis zur Bestätigung"] == "42"
    assert row["Abschlussnotiz"] == "'=Call back at 6."
    assert "38,4 °C" in row["Werte"]
    assert AccessLog.objects.filter(action="export_alerts").count() == 1


@pytest.mark.django_db
def test_the_export_menu_offers_every_file(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    for name in ("export_csv", "export_alerts_csv", "export_fhir"):
        assert url(name, bob) in page
    assert url("export_csv", bob) + "?for=machine" in page
