"""The PDF summary a doctor reads: a Unicode font, identifiers, the chart with the rules'
warning lines, units, warning signs in words, who acted and their note; read back with a
PDF text extractor."""

from __future__ import annotations

import io
import types
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from alerts.care import recording
from alerts.care.concerns import concern_resolve
from alerts.models import Alert, AlertRule, ResolutionAction
from symptoms.models import DiaryEntry, Symptom, TemperatureReading
from tests.alerts.factories import make_entry

NOTE = "Rang back; Δρ. Παπαδοπούλου at the GP will see him today."


def pdf_text(response) -> tuple[str, int]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import os

    if os.environ.get("DUMP_PDF"):
        open(os.environ["DUMP_PDF"], "wb").write(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def get_pdf(client, patient, days=30):
    return client.get(reverse("team:summary_pdf", args=[patient.pk]), {"days": days})


@pytest.fixture
def lukasz(bob):
    """Bob renamed: a name the Latin-1 core fonts turned into "?ukasz ?ó??"."""
    bob.user.first_name, bob.user.last_name = "Łukasz", "Żółć"
    bob.user.save()
    bob.date_of_birth = date(1984, 3, 7)
    bob.hospital_number = "RX4 123 456"
    bob.phone = "+44 7700 900123"
    bob.save()
    return bob


@pytest.fixture
def fever(lukasz, alice):
    now = timezone.now()
    lukasz.injections.create(given_at=now - timedelta(days=6), dose_number=7, site="thigh")
    make_entry(lukasz, now - timedelta(days=2), temp="37.1", symptoms={"cough": 1})
    entry = make_entry(
        lukasz,
        now - timedelta(hours=3),
        temp="38.4",
        symptoms={"chills": 2},
        red_flags=("might_die",),
    )
    recording.entry_evaluate(entry.pk)
    alert = Alert.objects.filter(patient=lukasz, team_alert=True).order_by("-level").first()
    assert concern_resolve(patient=lukasz, by=alice, action=ResolutionAction.SENT_ED, note=NOTE)
    alert.refresh_from_db()
    return alert


@pytest.mark.django_db
def test_it_embeds_a_unicode_font_and_shows_identifiers(client, alice, lukasz, fever):
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    assert "Łukasz Żółć" in text and "?ukasz" not in text
    for identifier in (lukasz.reference, "7 Mar 1984", "RX4 123 456", "+44 7700 900123", "Team A"):
        assert identifier in text
    assert "Period covered" in text and "(30 days)" in text
    assert "Generated at" in text and "Europe/London" in text
    assert "Page 1 of 2" in text or "Page 1 of 1" in text
    assert "Confidential: contains health data" in text


@pytest.mark.django_db
def test_it_shows_units_warning_signs_in_words_and_who_resolved(client, alice, lukasz, fever):
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    assert "38.4 °C" in text and "38.0 °C" in text  # a day's highest, the fever line
    assert " C " not in text.replace("°C", "")  # never a bare "C" for degrees
    red_flag = Symptom.objects.get(code="might_die").label
    assert f"{red_flag}: yes, reported" in text
    chills = Symptom.objects.get(code="chills").label
    assert f"{chills} (moderate)" in text  # the day's row
    assert f"{chills}: Moderate" in text  # the values that fired, never grade "2"
    assert fever.snapshot["title"] in text
    assert fever.snapshot["patient_message"].split()[0] in text
    assert "Sent to the emergency department" in text
    assert "alice" in text.lower() and "Resolution note" in text
    assert NOTE in text.replace("\n", " ")  # Greek as well as Polish


@pytest.mark.django_db
def test_the_fever_line_is_read_from_the_rule_row(client, alice, lukasz, fever):
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    rule.params = {**rule.params, "threshold_c": "38.3"}
    rule.save()
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    assert "38.3 °C fever" in text and "38.0 °C fever" not in text


@pytest.mark.django_db
def test_a_fahrenheit_patients_summary_is_in_celsius_with_their_unit_beside(client, alice, lukasz):
    """One unit, the team's (as the web chart), the patient's own in brackets."""
    lukasz.temperature_unit = "F"
    lukasz.save()
    make_entry(lukasz, timezone.now() - timedelta(hours=2), temp="101.1", unit="F")
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    assert "Temperature (°C)" in text and "Temperature (°F)" not in text
    assert "38.4 °C (101.1 °F)" in text
    html = client.get(reverse("team:summary", args=[lukasz.pk])).content.decode()
    assert "38.4 °C (101.1 °F)" in html


@pytest.mark.django_db
def test_a_name_the_font_cannot_draw_is_flagged_not_dropped(client, alice, bob, caplog):
    """DejaVu Sans has Greek and Cyrillic but no Chinese: the page says so, the logs don't."""
    bob.user.first_name, bob.user.last_name = "芳", "王"
    bob.user.save()
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, bob))
    assert f"Check the name in the diary under reference {bob.reference}" in text.replace("\n", " ")
    assert "王" not in caplog.text and "\\u738b" not in caplog.text


@pytest.mark.django_db
def test_a_latin_or_greek_name_has_no_such_warning(client, alice, lukasz, caplog):
    lukasz.user.last_name = "Żółć-Παπαδοπούλου"
    lukasz.user.save()
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    assert "Łukasz Żółć-Παπαδοπούλου" in text and "cannot show" not in text
    assert "Lslash" not in caplog.text  # fontTools spelled the name out in glyph names


@pytest.mark.django_db
def test_it_renders_for_a_patient_with_no_entries(client, alice, dave):
    client.force_login(alice)
    text, pages = pdf_text(get_pdf(client, dave))
    assert pages == 1
    assert "No temperatures recorded in this period." in text
    assert "No entries in this period." in text and "None in this period." in text
    assert "Date of birth" in text and "not recorded" in text


def add_days(patient, first: int, last: int) -> None:
    """One entry a day with one reading, `first` to `last` days ago, written in bulk."""
    now = timezone.now()
    entries = DiaryEntry.objects.bulk_create(
        DiaryEntry(
            patient=patient,
            recorded_at=now - timedelta(days=d),
            local_day=patient.local_day(now - timedelta(days=d)),
        )
        for d in range(first, last + 1)
    )
    TemperatureReading.objects.bulk_create(
        TemperatureReading(
            entry=e,
            value=Decimal("36.6") + Decimal(i % 20) / 10,
            value_c=Decimal("36.6") + Decimal(i % 20) / 10,
            unit="C",
            measured_at=e.recorded_at,
        )
        for i, e in enumerate(entries)
    )


# The session with the user (patients.sessions), second factor, membership, patient, access log; the configuration's
# version (the rules and engine settings for the warning lines are held per process since
# issue 37); entries, readings, reports, injections; alerts; the doses for the next one
# due; the immunoglobulin results (none here: no rules read for their lines).
SUMMARY_QUERIES = 13


@pytest.mark.django_db
def test_the_query_count_is_the_same_for_10_and_90_days_of_entries(
    client, alice, lukasz, django_assert_num_queries
):
    client.force_login(alice)
    get_pdf(client, lukasz, days=90)  # warm the per-process symptom-label cache
    add_days(lukasz, 0, 9)
    with django_assert_num_queries(SUMMARY_QUERIES):
        text, _pages = pdf_text(get_pdf(client, lukasz, days=90))
    assert "10 readings" in text
    add_days(lukasz, 10, 89)
    with django_assert_num_queries(SUMMARY_QUERIES):
        text, pages = pdf_text(get_pdf(client, lukasz, days=90))
    assert "90 readings" in text and pages >= 2
    assert "Łukasz Żółć" in text.split("Page 2 of")[1]  # identifiers on every page


@pytest.mark.django_db
def test_every_time_is_in_the_readers_zone(client, alice, lukasz):
    """Alice reads in her team's zone (London); the patient lives in Tokyo."""
    lukasz.timezone = "Asia/Tokyo"
    lukasz.save()
    at = timezone.now() - timedelta(hours=2)
    recording.entry_evaluate(make_entry(lukasz, at, temp="38.6").pk)
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    london = at.astimezone(ZoneInfo("Europe/London"))
    assert f"38.6 °C at {london.day} {london:%b %H:%M}" in text  # the values that fired
    assert f"{london.day} {london:%b %Y %H:%M}" in text  # when the alert fired
    assert "Times shown in Europe/London (days are the patient's, in Asia/Tokyo)" in text


@pytest.mark.django_db
def test_the_next_dose_is_on_the_first_page(client, alice, lukasz, fever):
    client.force_login(alice)
    text, _pages = pdf_text(get_pdf(client, lukasz))
    due = lukasz.next_dose_due()
    assert f"Next dose dose 8, due {due.due.day} {due.due:%b %Y}" in text.replace("\n", " ")


def _text_boxes(monkeypatch):
    """Record where every line of text is drawn: (page, left, top, right, bottom, text), in
    mm, from fpdf2's own line renderer (what the reader sees, not the cells asked for)."""
    from fpdf import FPDF
    from fpdf.enums import Align

    boxes = []
    original = FPDF._render_styled_text_line

    def record(self, text_line, h=None, *args, **kwargs):
        text = "".join(fragment.string for fragment in text_line.fragments)
        # A dry run (fpdf2 measures a table's cells first) writes nothing: skip it.
        if text.strip() and isinstance(self._out, types.MethodType):
            width = self.get_string_width(text)
            w = text_line.max_width or (self.w - self.r_margin - self.x)
            x = self.x - (w / 2 if text_line.align == Align.X else 0)
            if text_line.align == Align.R:
                x += w - self.c_margin - width
            elif text_line.align in (Align.C, Align.X):
                x += (w - width) / 2
            else:
                x += self.c_margin
            middle = self.y + (h or self.font_size) / 2
            half = self.font_size * 0.42  # cap height and descenders, not the line's leading
            boxes.append((self.page, x, middle - half, x + width, middle + half, text))
        return original(self, text_line, h, *args, **kwargs)

    monkeypatch.setattr(FPDF, "_render_styled_text_line", record)
    return boxes


def _overlaps(boxes) -> list[tuple[str, str]]:
    found = []
    for i, (page, left, top, right, bottom, text) in enumerate(boxes):
        for page2, left2, top2, right2, bottom2, text2 in boxes[i + 1 :]:
            if (
                page == page2
                and min(right, right2) - max(left, left2) > 0.3
                and (min(bottom, bottom2) - max(top, top2) > 0.3)
            ):
                found.append((text, text2))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "es", "de"])
@pytest.mark.parametrize("days", [30, 90])
def test_no_text_overlaps_other_text_in_any_language(
    client, alice, lukasz, fever, monkeypatch, language, days
):
    """Every flag set (German's longest words), a °F patient, readings every day, two doses:
    then no two lines of text on a page may touch, and none may leave the page."""
    for field in ("er_immunosuppressant", "er_low_ig", "er_recurrent_infection", "er_cytopenia"):
        setattr(lukasz, field, True)
    lukasz.hbv_risk, lukasz.temperature_unit = True, "F"
    lukasz.save()
    now = timezone.now()
    for day in range(1, days):
        make_entry(
            lukasz,
            now - timedelta(days=day, hours=1),
            temp="99.5",
            unit="F",
            symptoms={"cough": 1 + day % 3, "fatigue": 2},
        )
    lukasz.injections.create(given_at=now - timedelta(days=34), dose_number=6, site="abdomen")
    alice.language = language
    alice.save()
    boxes = _text_boxes(monkeypatch)
    client.force_login(alice)
    response = get_pdf(client, lukasz, days=days)
    assert response.status_code == 200 and len(boxes) > 50
    assert _overlaps(boxes) == []
    outside = [b[5] for b in boxes if b[1] < 9.9 or b[3] > 200.1 or b[2] < 5 or b[4] > 292]
    assert outside == []
