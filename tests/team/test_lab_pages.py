"""The team's blood results on the patient page (clinical-rules.md §6): the form's limits,
recording through the page, withdrawing, clearing a hepatitis B risk, the flags shown
with their source, and scoping."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from alerts.care.labs import LabData, lab_result_record
from alerts.models import Alert, Concern
from patients.lab_models import LabResult
from patients.lab_tests import BY_NAME
from team.lab_forms import NOTE_LIMIT, LabResultForm

IGG, IGM, HBSAG = "2465-3", "2472-9", "5196-1"
NEUTROPHILS = "751-8"
TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def _clock():
    """The page's "today" is the patient's: these tests run on 6 Dec 2026, at noon."""
    with time_machine.travel(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), tick=True):
        yield


def page(patient) -> str:
    return reverse("team:patient", args=[patient.pk])


def add(patient) -> str:
    return reverse("team:lab_add", args=[patient.pk])


def form_of(**typed) -> LabResultForm:
    data = {"test": IGG, "value": "4.4", "unit": "g/L", "collected_on": "2026-12-01"}
    data.update(typed)
    return LabResultForm({k: v for k, v in data.items() if v is not None}, today=TODAY)


def record(patient, test="IgG", *, by=None, **fields) -> LabResult:
    data = LabData(test=BY_NAME[test], collected_on=fields.pop("collected_on", TODAY), **fields)
    return lab_result_record(patient=patient, data=data, by=by).result


# The form: each bad input gets its own message, next to its field -------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"test": ""}, "test", "Choose the test."),
        ({"test": "9999-9"}, "test", "Choose the test from the list."),
        ({"value": ""}, "value", "Type the value of IgG."),
        ({"value": "four"}, "value", "Type a number, for example 4.4."),
        ({"value": "4.4.4"}, "value", "Type a number, for example 4.4."),
        ({"value": "4,4,4"}, "value", "Type a number, for example 4.4."),
        ({"value": "-1"}, "value", "A result cannot be below zero."),
        ({"value": "4.4444"}, "value", "Give at most 3 decimal places."),
        ({"value": "1234567890"}, "value", "That number is too long: check it."),
        # The test's bounds, in the unit typed: IgG is 0–100 g/L, so 0–10000 mg/dL.
        ({"value": "100.001"}, "value", "IgG is between 0 and 100 g/L"),
        ({"value": "10001", "unit": "mg/dL"}, "value", "IgG is between 0 and 10000 mg/dL"),
        ({"test": NEUTROPHILS, "value": "200.5", "unit": "10^9/L"}, "value", "between 0 and 200"),
        ({"unit": ""}, "unit", "Choose the unit (g/L / mg/dL)."),
        ({"unit": "10^9/L"}, "unit", "IgG is measured in g/L / mg/dL."),
        ({"unit": "mmol/L"}, "unit", "Choose the unit from the list."),
        ({"test": NEUTROPHILS, "unit": "g/L"}, "unit", "neutrophils is measured in ×10⁹/L."),
        ({"positive": "positive"}, "positive", "IgG is a measured value"),
        ({"collected_on": ""}, "collected_on", "Give the date the sample was collected."),
        ({"collected_on": "31/02/2026"}, "collected_on", "Type the date as 31/12/2026."),
        ({"collected_on": "2026-12-07"}, "collected_on", "in the future"),
        ({"collected_on": "1999-12-31"}, "collected_on", "from 1 January 2000 on"),
        ({"reference_low": "x"}, "reference_low", "Type a number"),
        ({"reference_low": "101"}, "reference_low", "IgG is between 0 and 100 g/L"),
        (
            {"reference_low": "16", "reference_high": "5.65"},
            "reference_high",
            "The upper limit must be above the lower limit (16).",
        ),
        (
            {"reference_low": "5.65", "reference_high": "5.65"},
            "reference_high",
            "must be above the lower limit",
        ),
        ({"test": HBSAG, "value": "", "unit": ""}, "positive", "Choose positive or negative."),
        ({"test": HBSAG, "positive": "maybe"}, "positive", "Choose positive or negative."),
        (
            {"test": HBSAG, "positive": "negative", "unit": ""},
            "value",
            "HBsAg is positive or negative: leave this empty.",
        ),
        (
            {"test": HBSAG, "positive": "negative", "value": "", "unit": "g/L"},
            "unit",
            "HBsAg is positive or negative: leave this empty.",
        ),
    ],
)
def test_each_bad_input_has_its_message(typed, field, message):
    form = form_of(**typed)
    assert not form.is_valid()
    assert any(message in e for e in form.errors[field]), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        {},
        {"value": "4,4"},  # a decimal comma
        {"value": "0"},
        {"value": "100"},  # at the bound
        {"value": "440", "unit": "mg/dL", "reference_low": "565", "reference_high": "1600"},
        {"collected_on": "2026-12-06"},  # the patient's today
        {"collected_on": "2000-01-01"},
        {"collected_on": "01/12/2026"},
        {"test": HBSAG, "value": "", "unit": "", "positive": "positive"},
        {"test": NEUTROPHILS, "value": "1.2", "unit": "10^9/L"},
    ],
)
def test_good_inputs_pass(typed):
    form = form_of(**typed)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_patients_today_is_in_their_time_zone(client, alice, bob):
    """23:30 in London on 5 Dec is already 6 Dec in Auckland: the 6th is not yet a date a
    London patient's sample can have been collected on."""
    bob.timezone = "Pacific/Auckland"
    bob.save()
    client.force_login(alice)
    at = datetime(2026, 12, 5, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        ok = client.post(
            add(bob), {"test": HBSAG, "positive": "negative", "collected_on": "2026-12-06"}
        )
        assert ok.status_code == 302
        bob.timezone = "Europe/London"
        bob.save()
        refused = client.post(
            add(bob), {"test": HBSAG, "positive": "negative", "collected_on": "2026-12-06"}
        )
    assert refused.status_code == 400
    assert "in the future" in refused.content.decode()


@pytest.mark.django_db
def test_a_refused_form_comes_back_with_everything_typed(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        add(bob),
        {
            "test": IGG,
            "value": "4,4",
            "unit": "mg/dL",
            "collected_on": "2030-01-01",
            "reference_low": "565",
            "reference_high": "nope",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "in the future" in html and "Type a number, for example 4.4." in html
    form = html.split('id="labs"')[1]
    assert 'value="4,4"' in form
    assert 'value="2030-01-01"' in form
    assert 'value="565"' in form and 'value="nope"' in form
    assert '<option value="mg/dL" selected>' in form
    assert f'<option value="{IGG}" selected>' in form
    assert not LabResult.objects.exists()


# Recording through the page -----------------------------------------------------------------


@pytest.mark.django_db
def test_recording_a_low_igg_sets_the_flag_and_opens_the_review_concern(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        add(bob), {"test": IGG, "value": "4.4", "unit": "g/L", "collected_on": "2026-12-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == page(bob) + "#labs"
    result = LabResult.objects.get(patient=bob)
    assert (result.value, result.unit, result.recorded_by, result.source) == (
        Decimal("4.4"),
        "g/L",
        alice,
        "team",
    )
    bob.refresh_from_db()
    assert bob.lab_low_ig_id == result.pk and "low_ig" in bob.elevated_risk
    concern = Concern.objects.get(patient=bob, status=Concern.Status.OPEN)
    assert concern.level == "CONTACT" and concern.lead.rule.rule_id == "LAB-IG-REVIEW"
    html = client.get(response["Location"]).content.decode()
    assert (
        "Recorded IgG 4.4 g/L (1 Dec 2026). Low immunoglobulins is now set; the team has a "
        "review alert." in html
    )
    assert "Low immunoglobulins (from the result of 1 Dec 2026)" in html
    labs = html.split('id="labs"')[1]
    # Said in the panel the page comes back scrolled to, not at the top of the page.
    assert "Recorded IgG 4.4 g/L (1 Dec 2026)." in labs
    assert html.count("Recorded IgG 4.4 g/L (1 Dec 2026).") == 1
    assert "4.4 g/L" in labs and "alice" in labs.lower() and "typed by the team" in labs


@pytest.mark.django_db
def test_the_same_result_sent_twice_is_recorded_once(client, alice, erin, bob):
    """A double tap or a resent form: the same person, patient, test, date and value within
    two minutes is said to be recorded already; a colleague's, or a new value, is recorded."""
    typed = {"test": IGG, "value": "4.4", "unit": "g/L", "collected_on": "2026-12-01"}
    client.force_login(alice)
    client.post(add(bob), typed)
    again = client.post(add(bob), typed, follow=True)
    assert "a moment ago: it is not recorded twice" in again.content.decode()
    assert LabResult.objects.filter(patient=bob).count() == 1
    assert Concern.objects.filter(patient=bob).count() == 1
    client.post(add(bob), {**typed, "value": "4.3"})
    assert LabResult.objects.filter(patient=bob).count() == 2
    client.force_login(erin)
    client.post(add(bob), typed)
    assert LabResult.objects.filter(patient=bob).count() == 3


@pytest.mark.django_db
def test_a_result_in_mg_dl_shows_as_reported_and_converted(client, alice, bob):
    client.force_login(alice)
    client.post(
        add(bob),
        {
            "test": IGG,
            "value": "700",
            "unit": "mg/dL",
            "collected_on": "2026-12-01",
            "reference_low": "565",
            "reference_high": "1600",
        },
    )
    html = client.get(page(bob)).content.decode().split('id="labs"')[1]
    assert "700 mg/dL" in html and "(7 g/L)" in html and "565–1600 mg/dL" in html
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None  # 7 g/L is above the lab's 5.65


@pytest.mark.django_db
def test_the_message_says_when_nothing_changed_or_a_later_result_stands(client, alice, bob):
    client.force_login(alice)
    client.post(add(bob), {"test": IGG, "value": "8", "unit": "g/L", "collected_on": "2026-12-01"})
    html = client.get(page(bob)).content.decode()
    assert "Recorded IgG 8 g/L (1 Dec 2026). No risk flag changed." in html
    client.post(add(bob), {"test": IGG, "value": "4", "unit": "g/L", "collected_on": "2026-11-01"})
    html = client.get(page(bob)).content.decode()
    assert "A later IgG is on record" in html
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None
    for value, day in (("4", "2026-12-02"), ("0.3", "2026-12-03")):
        client.post(
            add(bob),
            {
                "test": IGM if value == "0.3" else IGG,
                "value": value,
                "unit": "g/L",
                "collected_on": day,
            },
        )
    html = client.get(page(bob)).content.decode()
    assert (
        "Recorded IgM 0.3 g/L (3 Dec 2026). Low immunoglobulins stays set, now from this "
        "result; the team has a review alert." in html
    )


@pytest.mark.django_db
def test_a_normal_result_clears_the_result_flag_never_the_hand_tick(client, alice, bob):
    bob.er_low_ig = True
    bob.save()
    record(bob, value=Decimal("4.4"), unit="g/L", collected_on=date(2026, 12, 1))
    client.force_login(alice)
    client.post(add(bob), {"test": IGG, "value": "7", "unit": "g/L", "collected_on": "2026-12-02"})
    html = client.get(page(bob)).content.decode()
    assert "Low immunoglobulins is no longer set by a result." in html
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None and "low_ig" in bob.elevated_risk  # the tick stands
    assert "Elevated risk: IgG or IgM below normal" in html


# Withdrawing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawing_works_the_flags_out_again(client, alice, bob):
    older = record(bob, value=Decimal("5"), unit="g/L", collected_on=date(2026, 11, 1))
    newer = record(bob, value=Decimal("8"), unit="g/L", collected_on=date(2026, 12, 1))
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None  # the latest is normal
    client.force_login(alice)
    response = client.post(reverse("team:lab_withdraw", args=[bob.pk, newer.pk]))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.lab_low_ig_id == older.pk  # the earlier low one is the latest now
    newer.refresh_from_db()
    assert newer.withdrawn_by == alice
    html = client.get(page(bob)).content.decode()
    assert "Withdrawn as entered in error: IgG 8 g/L (1 Dec 2026)." in html
    assert "The risk flags were worked out again" in html
    assert "Entered in error: withdrawn by Alice" in html
    assert "Low immunoglobulins (from the result of 1 Nov 2026)" in html
    again = client.post(reverse("team:lab_withdraw", args=[bob.pk, newer.pk]), follow=True)
    assert "That result was withdrawn already." in again.content.decode()


@pytest.mark.django_db
def test_withdrawing_needs_a_post(client, alice, bob):
    result = record(bob, value=Decimal("4"), unit="g/L")
    client.force_login(alice)
    assert client.get(reverse("team:lab_withdraw", args=[bob.pk, result.pk])).status_code == 405
    result.refresh_from_db()
    assert result.withdrawn_at is None


# Hepatitis B ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hbv_risk_needs_a_clinicians_note_and_clears_only_the_results_flag(client, alice, bob):
    bob.hbv_risk = True  # ticked by hand too
    bob.save()
    client.force_login(alice)
    client.post(add(bob), {"test": HBSAG, "positive": "positive", "collected_on": "2026-12-01"})
    bob.refresh_from_db()
    assert bob.lab_hbv_risk_id is not None
    assert Alert.objects.filter(patient=bob, rule__rule_id="LAB-HBV-POS", team_alert=True).exists()
    html = client.get(page(bob)).content.decode()
    assert "Hepatitis B risk (from the result of 1 Dec 2026)" in html
    assert "A single negative result never clears it" in html
    # A negative marker does not clear it.
    client.post(add(bob), {"test": HBSAG, "positive": "negative", "collected_on": "2026-12-02"})
    bob.refresh_from_db()
    assert bob.lab_hbv_risk_id is not None
    # No note, or only spaces: refused, nothing cleared.
    for note in ("", "   "):
        refused = client.post(reverse("team:hbv_clear", args=[bob.pk]), {"note": note})
        assert refused.status_code == 400
        assert "Say why the hepatitis B risk no longer applies" in refused.content.decode()
    too_long = client.post(
        reverse("team:hbv_clear", args=[bob.pk]), {"note": "x" * (NOTE_LIMIT + 1)}
    )
    assert too_long.status_code == 400 and "x" * (NOTE_LIMIT + 1) in too_long.content.decode()
    bob.refresh_from_db()
    assert bob.lab_hbv_risk_id is not None
    note = "Hepatologist: resolved infection, no prophylaxis needed"[:NOTE_LIMIT]
    response = client.post(reverse("team:hbv_clear", args=[bob.pk]), {"note": note}, follow=True)
    bob.refresh_from_db()
    assert bob.lab_hbv_risk_id is None and bob.hbv_risk  # the hand tick stays
    html = response.content.decode()
    assert "The team&#x27;s own tick for hepatitis B risk stays" in html
    assert "Confirm hepatitis B risk no longer applies" not in html  # nothing left to clear
    reason = bob.history.order_by("-history_date").first().history_change_reason
    assert reason.endswith(note)  # the whole note is kept
    changes = html.split('id="risk-heading"')[1].split("</section>")[0]
    assert note in changes  # the flags' changes show who cleared it, and why


# Flags shown with their source ------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_and_the_summary_show_flags_with_their_source(client, alice, bob):
    bob.er_immunosuppressant = True
    bob.save()
    record(bob, value=Decimal("4.4"), unit="g/L", collected_on=date(2026, 12, 1))
    record(bob, "neutrophils", value=Decimal("1.0"), unit="10^9/L", collected_on=date(2026, 12, 2))
    record(bob, "HBsAg", positive=True, collected_on=date(2026, 12, 3))
    client.force_login(alice)
    listing = client.get(reverse("team:patients")).content.decode()
    assert "Low immunoglobulins (from the result of 1 Dec 2026)" in listing
    assert "Neutropenia or lymphopenia (from the result of 2 Dec 2026)" in listing
    assert "Hepatitis B risk (from the result of 3 Dec 2026)" in listing
    assert "other immunosuppressant or steroid course" in listing
    summary = client.get(reverse("team:summary", args=[bob.pk])).content.decode()
    assert "Low immunoglobulins (from the result of 1 Dec 2026)" in summary
    assert "HBV risk: Yes (from the result of 3 Dec 2026)." in summary
    pdf = client.get(reverse("team:summary_pdf", args=[bob.pk]))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Low immunoglobulins (from the result of 1 Dec 2026)" in text
    assert "Yes (from the result of 3 Dec 2026)" in text


# Scoping ------------------------------------------------------------------------------------


@pytest.fixture
def bobs_result(bob):
    return record(bob, "HBsAg", positive=True)


def new_urls(bob, result):
    return [
        (
            reverse("team:lab_add", args=[bob.pk]),
            {"test": IGG, "value": "4", "unit": "g/L", "collected_on": "2026-12-01"},
        ),
        (reverse("team:lab_withdraw", args=[bob.pk, result.pk]), {}),
        (reverse("team:hbv_clear", args=[bob.pk]), {"note": "specialist says so"}),
    ]


@pytest.mark.django_db
def test_another_teams_clinician_gets_404_and_changes_nothing(client, charlie, bob, bobs_result):
    client.force_login(charlie)
    for url, data in new_urls(bob, bobs_result):
        assert client.post(url, data).status_code == 404, url
    bob.refresh_from_db()
    bobs_result.refresh_from_db()
    assert LabResult.objects.count() == 1 and bobs_result.withdrawn_at is None
    assert bob.lab_hbv_risk_id == bobs_result.pk


@pytest.mark.django_db
def test_patients_and_caregivers_are_refused(client, bob, carol, bobs_result):
    for user in (bob.user, carol.user):
        client.force_login(user)
        for url, data in new_urls(bob, bobs_result):
            assert client.post(url, data).status_code == 404, url
    bob.refresh_from_db()
    assert LabResult.objects.count() == 1 and bob.lab_hbv_risk_id == bobs_result.pk


@pytest.mark.django_db
def test_a_result_of_another_patient_is_not_found_through_this_one(client, alice, bob, dave):
    daves = record(dave, value=Decimal("4"), unit="g/L")
    client.force_login(alice)
    response = client.post(reverse("team:lab_withdraw", args=[bob.pk, daves.pk]))
    assert response.status_code == 404
    daves.refresh_from_db()
    assert daves.withdrawn_at is None


@pytest.mark.django_db
def test_a_lower_limit_of_zero_is_refused_and_no_result_is_kept_in_a_cookie(client, alice, bob):
    client.force_login(alice)
    typed = {"test": IGG, "value": "0.5", "unit": "g/L", "collected_on": "2026-12-01"}
    refused = client.post(add(bob), {**typed, "reference_low": "0"})
    assert refused.status_code == 400
    assert "A lower limit of normal is above zero" in refused.content.decode()
    assert not LabResult.objects.filter(patient=bob).exists()
    done = client.post(add(bob), typed)
    assert done.status_code == 302
    # The words that name the result wait in the session (the database), not a cookie.
    assert "messages" not in done.cookies
    assert "0.5 g/L" in client.get(done["Location"]).content.decode()
