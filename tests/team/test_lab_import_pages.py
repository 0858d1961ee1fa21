"""The "Import blood results" pages: upload, the dry run, import. Only the uploader sees
an upload (Charlie and Erin get 404 and nothing changes); a patient never reaches them; a
file too big or of the wrong kind gets a clear message and is not kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import AccessLog, LabImport, LabResult, Patient

pytestmark = pytest.mark.django_db

HEADER = "hospital_number,test,value,unit,collected_on,reference_low"


def day(days_ago: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def numbered(bob):
    bob.hospital_number = "RX1001"
    bob.save()
    return bob


def csv_file(*rows: str, name: str = "results.csv") -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client, file) -> object:
    return client.post(reverse("team:lab_import"), {"file": file})


def test_it_checks_then_imports(client, alice, numbered):
    client.force_login(alice)
    response = upload(
        client,
        csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},5.65", f"RX4040,IgG,7,g/L,{day(3)},"),
    )
    made = LabImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("team:lab_import_review", args=[made.pk])
    assert "RX1001" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Import 1 result" in page
    assert "unknown patient" in page
    assert "IgG or IgM below normal: would be set" in page
    assert not LabResult.objects.exists()  # the dry run writes nothing

    done = client.post(reverse("team:lab_import_confirm", args=[made.pk]), {"expected": "1"})
    assert done.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.text) == ("imported", "")
    assert made.refused == [{"row": 3, "ref": "", "reason": "unknown patient"}]
    result = LabResult.objects.get()
    assert made.recorded == [result.pk]
    assert (result.source, result.source_ref) == ("csv", f"CSV import {made.pk}, row 2")
    assert Patient.objects.get(pk=numbered.pk).risk_flags == ["low_ig"]
    assert AccessLog.objects.filter(patient=numbered, action="lab_import").count() == 1
    page = client.get(done["Location"]).content.decode()
    assert "1 result imported." in page
    assert "4.4 g/L" in page
    assert "Row 3: unknown patient" in page

    # A second press (another tab, a double click) imports nothing more.
    client.post(reverse("team:lab_import_confirm", args=[made.pk]), {"expected": "1"})
    assert LabResult.objects.count() == 1


def test_nothing_is_imported_when_the_results_changed_since_the_check(client, alice, numbered):
    client.force_login(alice)
    upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    made = LabImport.objects.get()
    response = client.post(
        reverse("team:lab_import_confirm", args=[made.pk]), {"expected": "2"}, follow=True
    )
    assert "Nothing was imported" in response.content.decode()
    assert not LabResult.objects.exists()
    made.refresh_from_db()
    assert made.status == "checked"


def test_another_clinicians_upload_is_not_found_and_nothing_changes(
    client, alice, erin, charlie, numbered
):
    client.force_login(alice)
    upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    made = LabImport.objects.get()
    for other in (charlie, erin):  # another team's clinician; a colleague of Alice's
        client.force_login(other)
        assert client.get(reverse("team:lab_import_review", args=[made.pk])).status_code == 404
        for name in ("team:lab_import_confirm", "team:lab_import_discard"):
            assert client.post(reverse(name, args=[made.pk]), {"expected": "1"}).status_code == 404
    made.refresh_from_db()
    assert (made.status, LabResult.objects.count()) == ("checked", 0)


def test_the_check_names_the_columns_it_does_not_read(client, alice, numbered):
    client.force_login(alice)
    text = f"{HEADER},comment\r\nRX1001,IgG,4.4,g/L,{day(3)},,fasting\r\n"
    response = upload(client, SimpleUploadedFile("r.csv", text.encode()))
    assert "Columns not read: comment." in client.get(response["Location"]).content.decode()


def test_another_teams_patient_is_an_unknown_patient(client, charlie, numbered):
    client.force_login(charlie)
    response = upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    page = client.get(response["Location"]).content.decode()
    assert "unknown patient" in page
    assert "Bob" not in page
    assert "Nothing to import" in page


def test_a_patient_never_reaches_the_import(client, numbered):
    client.force_login(numbered.user)
    assert client.get(reverse("team:lab_import")).status_code == 404
    response = upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    assert response.status_code == 404
    assert not LabImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.pdf", b"%PDF-1.7", "This is a “.pdf” file. Upload a CSV file (.csv) or a FHIR"),
        ("results.xlsx", b"PK\x03\x04rest", "This is a “.xlsx” file."),
        ("results.csv", b"PK\x03\x04rest", "This looks like a spreadsheet workbook"),
        ("results.csv", b"\x00\x01\x02", "This is not a text file."),
        ("results.csv", b"", "The submitted file is empty."),
        ("results.csv", b"name,value\r\nBob,4\r\n", "Missing: hospital_number, test, collected_on"),
        (
            "bundle.json",
            b'{"resourceType": "Bundle", "type": "collection", "entry": [',
            "not valid JSON",
        ),
        ("bundle.json", b'{"resourceType": "Patient"}', "This is a FHIR Patient, not a Bundle"),
        ("results.csv", b"a" * (2 * 1024 * 1024 + 1), "This file is 2.0 MB; the limit is 2 MB."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(client, alice, name, content, message):
    client.force_login(alice)
    response = upload(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LabImport.objects.exists()


def test_the_page_documents_the_format_and_offers_an_example(client, alice, numbered):
    client.force_login(alice)
    page = client.get(reverse("team:lab_import")).content.decode()
    assert reverse("team:lab_import_example") in page
    assert "collected_on" in page and "2465-3" in page
    example = client.get(reverse("team:lab_import_example"))
    assert example["Content-Disposition"] == 'attachment; filename="blood-results-example.csv"'
    # The example is a file the import reads: its made-up numbers are nobody's.
    response = upload(client, SimpleUploadedFile("example.csv", example.content))
    review = client.get(response["Location"]).content.decode()
    assert "Import 3 results" in review  # RX1001 is Bob here; RX1002 is nobody
    assert review.count("unknown patient") == 2


def test_the_blood_tests_page_links_the_import(client, alice):
    """The menu's "Blood tests" opens the tests due, which links the import (one menu item
    for both, so the team's menu fits 1024 px)."""
    client.force_login(alice)
    menu = client.get(reverse("team:triage")).content.decode()
    assert reverse("team:tests_due") in menu
    page = client.get(reverse("team:tests_due")).content.decode()
    assert reverse("team:lab_import") in page


def test_a_new_upload_discards_the_one_waiting(client, alice, numbered):
    client.force_login(alice)
    upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    upload(client, csv_file(f"RX1001,IgG,4.5,g/L,{day(3)},"))
    first, second = LabImport.objects.order_by("pk")
    assert (first.status, first.text) == ("discarded", "")
    assert second.status == "checked"


def test_discarding_keeps_nothing(client, alice, numbered):
    client.force_login(alice)
    upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    made = LabImport.objects.get()
    client.post(reverse("team:lab_import_discard", args=[made.pk]))
    made.refresh_from_db()
    assert (made.status, made.text) == ("discarded", "")
    assert client.post(reverse("team:lab_import_confirm", args=[made.pk]), {"expected": "1"})
    assert not LabResult.objects.exists()


def test_a_file_not_imported_within_a_day_is_cleared(client, alice, numbered, settings):
    from patients.tasks import discard_stale_lab_imports

    client.force_login(alice)
    upload(client, csv_file(f"RX1001,IgG,4.4,g/L,{day(3)},"))
    old = LabImport.objects.get()
    LabImport.objects.filter(pk=old.pk).update(uploaded_at=old.uploaded_at - timedelta(hours=25))
    fresh = LabImport.objects.create(uploaded_by=alice, format="csv", text="x")
    discard_stale_lab_imports()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.text) == ("discarded", "")
    assert (fresh.status, fresh.text) == ("checked", "x")
    beat = settings.CELERY_BEAT_SCHEDULE["discard-stale-lab-imports"]
    assert beat["task"] == "patients.tasks.discard_stale_lab_imports"
