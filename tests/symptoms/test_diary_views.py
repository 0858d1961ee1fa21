"""The patient's diary pages through the real views: today, result, edit, history."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from symptoms.models import DiaryEntry, SymptomReport, TemperatureReading
from tests.alerts.factories import make_entry

TODAY = reverse("symptoms:today")
HISTORY = reverse("symptoms:history")


def entry_post(**data):
    return {"client_key": str(uuid.uuid4()), "unit": "C", **data}


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob.user)
    return client


@pytest.mark.django_db
def test_today_page_preselects_the_patients_unit_and_groups(bob_client, bob):
    bob.temperature_unit = "F"
    bob.save()
    html = bob_client.get(TODAY).content.decode()
    assert re.search(r'value="F"\s+checked', html)
    for group in (
        "General",
        "Nose, throat and chest",
        "Urinary",
        "Skin",
        "Injection site",
        "Liver",
        "Nerves, vision and speech",
        "Any warning signs right now?",
    ):
        assert group in html
    assert "Very severe" in html
    assert "I feel fine" in html
    # Never silently: the page says the unit chosen is the patient's setting.
    assert "°F is your usual unit." in html


@pytest.mark.django_db
def test_i_feel_fine_in_one_tap(bob_client, bob):
    response = bob_client.post(TODAY, entry_post(action="fine", s_cough="0"))
    entry = DiaryEntry.objects.get(patient=bob)
    assert response.status_code == 302
    assert response["Location"] == reverse("symptoms:result", args=[entry.pk])
    assert entry.feels_fine
    assert not entry.reports.filter(grade__gt=0).exists()
    page = bob_client.get(response["Location"]).content.decode()
    assert "nothing needs action today" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("post", "code", "heading"),
    [
        # Enter in the temperature box submits with the first button, "I feel fine".
        ({"temperature": "37.0", "s_cough": "3"}, "cough", "Contact your care team today"),
        ({"s_might_die": "on"}, "might_die", "Seek medical attention now"),
    ],
)
def test_i_feel_fine_never_drops_symptoms_the_patient_entered(bob_client, bob, post, code, heading):
    response = bob_client.post(TODAY, entry_post(action="fine", **post), follow=True)
    entry = DiaryEntry.objects.get(patient=bob)
    assert not entry.feels_fine
    assert entry.reports.get(symptom__code=code).grade > 0
    assert heading in response.content.decode()


@pytest.mark.django_db
def test_fever_with_chills_prompts_contact_today_with_reasons(bob_client, bob):
    response = bob_client.post(
        TODAY, entry_post(temperature="38.4", s_chills="2", site="mouth"), follow=True
    )
    page = response.content.decode()
    assert "Contact your care team today" in page
    assert "Why" in page and "Who to call" in page
    assert "not watched in real time" in page
    reading = TemperatureReading.objects.get(entry__patient=bob)
    assert (str(reading.value), reading.unit, reading.site) == ("38.4", "C", "mouth")
    assert SymptomReport.objects.get(entry__patient=bob).grade == 2


@pytest.mark.django_db
def test_fahrenheit_reading_is_kept_as_entered(bob_client, bob):
    page = bob_client.post(TODAY, entry_post(temperature="100.3", unit="F"), follow=True)
    html = page.content.decode()
    assert "100.3&nbsp;°F (37.9&nbsp;°C)" in html  # a number and its unit never split
    assert "Keep monitoring" in html


@pytest.mark.django_db
def test_double_submit_with_the_same_client_key_saves_once(bob_client, bob):
    data = entry_post(temperature="37.2")
    first = bob_client.post(TODAY, data)
    second = bob_client.post(TODAY, data)
    assert DiaryEntry.objects.filter(patient=bob).count() == 1
    assert TemperatureReading.objects.filter(entry__patient=bob).count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_bad_input_keeps_everything_typed(bob_client, bob):
    data = entry_post(temperature="51", s_cough="2", note="felt odd after lunch", heart_rate="12")
    response = bob_client.post(TODAY, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not DiaryEntry.objects.exists()
    assert "Please check these and save again" in html
    assert 'value="51"' in html
    assert "felt odd after lunch" in html
    assert re.search(r'name="s_cough"[^>]*value="2"\s+checked', html)
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_unusual_reading_is_saved_once_confirmed(bob_client, bob):
    first = bob_client.post(TODAY, entry_post(temperature="41.5"))
    html = first.content.decode()
    assert first.status_code == 200 and not DiaryEntry.objects.exists()
    # The emergency number first, then one tap to save what was read.
    assert html.index("If you feel very unwell, call 999 now.") < html.index(
        "Yes, 41.5\u00a0°C is right — save"
    )
    assert 'name="confirm_unusual" value="41.5C"' in html
    assert "Please check these and save again" not in html  # a question, not an error list
    second = bob_client.post(TODAY, entry_post(temperature="41.5", confirm_unusual="41.5C"))
    assert second.status_code == 302
    reading = TemperatureReading.objects.get(entry__patient=bob)
    assert reading.value_c == 41.5 and reading.confirmed  # checked by the patient


@pytest.mark.django_db
def test_a_confirmed_34_c_is_saved_and_urgent(bob_client, bob):
    """T-HYPO-2: ≤35.0 °C confirmed on re-measure. "Yes, this reading is right" after the
    diary asked to check it is that confirmation (docs/clinical-safety.md, 41)."""
    asked = bob_client.post(TODAY, entry_post(temperature="34,0"))
    assert "Is 34.0\u00a0°C right?" in asked.content.decode()
    assert "much lower than a body temperature usually is" in asked.content.decode()
    saved = bob_client.post(TODAY, entry_post(temperature="34,0", confirm_unusual="34.0C"))
    assert saved.status_code == 302
    entry = DiaryEntry.objects.get(patient=bob)
    outcome = entry.outcomes.order_by("-revision").first()
    assert outcome.level == "URGENT"
    assert "T-HYPO-2" in str(outcome.rules)


@pytest.mark.django_db
def test_a_changed_number_is_asked_about_again(bob_client, bob):
    response = bob_client.post(TODAY, entry_post(temperature="42.0", confirm_unusual="41.5C"))
    assert response.status_code == 200 and not DiaryEntry.objects.exists()
    assert "Is 42.0\u00a0°C right?" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "unit", "other"),
    [("37.1", "F", "C"), ("98.6", "C", "F"), ("20.0", "C", None), ("150", "F", None)],
)
def test_an_impossible_reading_names_the_other_unit(bob_client, bob, typed, unit, other):
    response = bob_client.post(TODAY, entry_post(temperature=typed, unit=unit))
    html = response.content.decode()
    assert response.status_code == 200 and not DiaryEntry.objects.exists()
    assert "is not a body temperature we can record" in html
    assert (f'name="use_unit" value="{other}"' in html) is bool(other)
    if other:
        again = bob_client.post(TODAY, entry_post(temperature=typed, unit=unit, use_unit=other))
        assert again.status_code == 302
        reading = TemperatureReading.objects.get(entry__patient=bob)
        assert (str(reading.value), reading.unit) == (typed, other)


@pytest.mark.django_db
def test_the_remeasure_box_is_ticked_only_by_the_patient(bob_client, bob):
    bob_client.post(TODAY, entry_post(temperature="37.6"))  # T-LOW-1: re-measure in 1 hour
    html = bob_client.get(TODAY).content.decode()
    assert "The last entry asked for the temperature to be measured again" in html
    assert not re.search(r'name="confirmed"[^>]*checked', html)
    bob_client.post(TODAY, entry_post(temperature="37.4"))
    latest = TemperatureReading.objects.filter(entry__patient=bob).order_by("-pk").first()
    assert not latest.confirmed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "garbage",
    [
        {"client_key": "not-a-uuid", "unit": "C"},
        {"client_key": str(uuid.uuid4()), "unit": "K", "temperature": "37"},
        {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "3" * 40},
        {"client_key": str(uuid.uuid4()), "unit": "C", "measured_at": "yesterday-ish"},
        {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "NaN"},
        {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "Infinity"},
        {"client_key": str(uuid.uuid4()), "unit": "C", "s_cough": "99"},
        {},
    ],
)
def test_garbage_never_gives_a_500(bob_client, garbage):
    response = bob_client.post(TODAY, garbage)
    assert response.status_code == 200
    assert "Please check these and save again" in response.content.decode()
    assert not DiaryEntry.objects.exists()


@pytest.mark.django_db
def test_same_as_last_time_prefills_the_previous_entry(bob_client, bob):
    make_entry(bob, timezone.now() - timedelta(hours=3), temp="37.1", symptoms={"cough": 2})
    html = bob_client.get(TODAY + "?same=1").content.decode()
    assert re.search(r'name="s_cough"[^>]*value="2"\s+checked', html)
    plain = bob_client.get(TODAY).content.decode()
    assert re.search(r'name="s_cough"[^>]*value="0"\s+checked', plain)


@pytest.mark.django_db
def test_today_lists_todays_readings(bob_client, bob):
    make_entry(bob, timezone.now(), temp="37.8")  # half an hour ago can be yesterday
    assert "37.8" in bob_client.get(TODAY).content.decode()


@pytest.mark.django_db
def test_edit_same_day_keeps_history(bob_client, bob):
    bob_client.post(TODAY, entry_post(temperature="37.2", s_cough="1"))
    entry = DiaryEntry.objects.get(patient=bob)
    edit_url = reverse("symptoms:edit", args=[entry.pk])
    form_page = bob_client.get(edit_url).content.decode()
    assert 'value="37.2"' in form_page
    response = bob_client.post(
        edit_url, entry_post(client_key=str(entry.client_key), temperature="38.1", s_cough="3")
    )
    assert response.status_code == 302
    reading = TemperatureReading.objects.get(entry=entry)
    assert str(reading.value) == "38.1"
    assert SymptomReport.objects.get(entry=entry).grade == 3
    # The replaced reading and report are still in the history tables.
    old_values = {str(h.value) for h in TemperatureReading.history.filter(entry_id=entry.pk)}
    assert old_values == {"37.2", "38.1"}
    assert {h.grade for h in SymptomReport.history.filter(entry_id=entry.pk)} == {1, 3}
    assert DiaryEntry.objects.filter(patient=bob).count() == 1


@pytest.mark.django_db
def test_entries_from_an_earlier_day_cannot_be_edited(bob_client, bob):
    entry = make_entry(bob, timezone.now() - timedelta(days=2), temp="37.0")
    response = bob_client.post(
        reverse("symptoms:edit", args=[entry.pk]), entry_post(temperature="39.0")
    )
    assert response.status_code == 302
    assert str(TemperatureReading.objects.get(entry=entry).value) == "37.0"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["charlie", "dave", "alice"])
@pytest.mark.parametrize("view", ["symptoms:result", "symptoms:edit"])
def test_other_people_get_404_on_bobs_entries(client, bob, who, view, request):
    entry = make_entry(bob, timezone.now(), temp="38.5")
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert client.get(reverse(view, args=[entry.pk])).status_code == 404
    response = client.post(reverse(view, args=[entry.pk]), entry_post(temperature="36.0"))
    assert response.status_code == 404
    assert str(TemperatureReading.objects.get(entry=entry).value) == "38.5"


@pytest.mark.django_db
def test_missing_and_not_yours_look_the_same(client, bob, dave):
    entry = make_entry(bob, timezone.now(), temp="38.5")
    client.force_login(dave.user)
    theirs = client.get(reverse("symptoms:result", args=[entry.pk]))
    missing = client.get(reverse("symptoms:result", args=[entry.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404


@pytest.mark.django_db
def test_caregiver_enters_on_the_patients_behalf(client, bob, carol):
    client.force_login(carol.user)
    page = client.get(TODAY).content.decode()
    # Every page says whose diary it is, in the third person.
    assert "You are keeping <strong>Bob's diary</strong> as a caregiver" in page
    assert "Bob's diary today" in page
    for other in (reverse("symptoms:history"), reverse("patients:injections")):
        assert "Bob's diary</strong>" in client.get(other).content.decode()
    client.post(TODAY, entry_post(temperature="37.6"))
    entry = DiaryEntry.objects.get(patient=bob)
    assert entry.reported_by == DiaryEntry.ReportedBy.PROXY
    assert entry.caregiver == carol
    assert entry.entered_by == carol.user


@pytest.mark.django_db
def test_inactive_caregiver_link_gives_404(client, bob, carol):
    carol.active = False
    carol.save()
    client.force_login(carol.user)
    assert client.get(TODAY).status_code == 404
    assert client.post(TODAY, entry_post(temperature="37.6")).status_code == 404
    assert not DiaryEntry.objects.exists()


@pytest.mark.django_db
def test_clinicians_have_no_diary(client, alice):
    client.force_login(alice)
    assert client.get(TODAY).status_code == 404


@pytest.mark.django_db
def test_the_result_page_reads_the_entry_once(bob_client, bob):
    """The page loads the entry with its readings and reports, and the prompt reuses it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = bob_client.post(TODAY, entry_post(temperature="38.4", s_chills="2"))
    with CaptureQueriesContext(connection) as ctx:
        page = bob_client.get(response["Location"])
    assert "Contact your care team today" in page.content.decode()
    entry_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "symptoms_diaryentry"')
        and '"id" = ' in q["sql"]
        and "NOT (" not in q["sql"]  # the history read excludes the entry itself
    ]
    assert len(entry_reads) == 1, entry_reads
    # 19: the advice that still stands today is two queries (alerts.care.followup.standing_advice:
    # the latest "yes, I reached someone", and the alerts it has not settled); the team's
    # quiets for the patient one more (alerts.care.evaluation.patient_quiets).
    assert len(ctx.captured_queries) <= 19, "\n".join(q["sql"][:150] for q in ctx.captured_queries)


def _history_queries(client, days, capture):
    with capture() as ctx:
        response = client.get(HISTORY, {"days": days})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_history_runs_the_same_queries_for_7_and_90_days(bob_client, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    for day in range(80):
        make_entry(bob, now - timedelta(days=day), temp="37.0", symptoms={"cough": day % 4})
    bob.injections.create(given_at=now - timedelta(days=10), dose_number=4)
    short, _ = _history_queries(bob_client, 7, lambda: CaptureQueriesContext(connection))
    long, html = _history_queries(bob_client, 90, lambda: CaptureQueriesContext(connection))
    assert short == long


@pytest.mark.django_db
def test_history_shows_readings_chart_lines_and_table(bob_client, bob):
    now = timezone.now()
    # 47 hours apart: always two different days (a day and an hour apart are the same day
    # when the test runs in the first hour after midnight).
    make_entry(bob, now - timedelta(days=2), temp="38.4", symptoms={"chills": 2})
    make_entry(bob, now - timedelta(hours=1), temp="100.3", unit="F")
    bob.injections.create(given_at=now - timedelta(days=3), dose_number=4)
    html = bob_client.get(HISTORY, {"days": 7}).content.decode()
    assert "<svg" in html
    # The threshold lines in °C (38.3 is for elevated risk only).
    assert "Warning lines at 37.5, 38.0 °C." in html
    assert "38.3" not in html
    assert "38.4" in html and "37.9" in html  # day maxima in the table
    assert "Chills" in html


@pytest.mark.django_db
def test_the_charts_lines_are_the_rules_thresholds_as_last_saved(bob_client, bob):
    """They were hard-coded at 37.5 / 38.0 / 38.3 whatever the clinical lead set."""
    from alerts.models import AlertRule

    AlertRule.objects.filter(rule_id="T-FEV-1").update(params={"threshold_c": "37.8"})
    bob.er_low_ig = True
    bob.save()
    html = bob_client.get(HISTORY, {"days": 7}).content.decode()
    assert "Warning lines at 37.5, 37.8, 38.3 °C." in html


@pytest.mark.django_db
def test_history_chart_uses_the_patients_unit(bob_client, bob):
    bob.temperature_unit = "F"
    bob.save()
    make_entry(bob, timezone.now() - timedelta(hours=1), temp="38.0")
    html = bob_client.get(HISTORY, {"days": 7}).content.decode()
    assert "100.4" in html  # 38.0 °C threshold line and reading in °F


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["abc", "-1", "100000", ""])
def test_history_ignores_bad_day_counts(bob_client, days):
    assert bob_client.get(HISTORY, {"days": days}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "live"),
    [
        ("Yellow fever jab", True),
        ("MMR", True),
        ("flu injection", False),
        ("non-live flu vaccine", False),
    ],
)
def test_a_named_live_vaccine_counts_even_unticked(bob_client, bob, text, live):
    answer = bob_client.post(TODAY, entry_post(planned_vaccine=text), follow=True)
    entry = DiaryEntry.objects.get(patient=bob)
    # The entry keeps what the patient said (text, and their own tick: not ticked)...
    assert (entry.planned_vaccine, entry.planned_vaccine_live) == (text, False)
    # ...and VAC-LIVE reads the text as well.
    assert ("Live vaccines are not recommended" in answer.content.decode()) is live


@pytest.mark.django_db
def test_errored_fields_are_marked_for_screen_readers(bob_client):
    html = bob_client.post(TODAY, entry_post(heart_rate="999", note="x")).content.decode()
    field = re.search(r'<input[^>]*name="heart_rate"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and "is-invalid" in field
    assert 'aria-describedby="id_heart_rate_error"' in field
    assert 'id="id_heart_rate_error"' in html


@pytest.mark.django_db
def test_text_fields_fit_a_phone_screen(bob_client):
    html = bob_client.get(TODAY).content.decode()
    note = re.search(r"<textarea[^>]*>", html).group(0)
    assert "form-control" in note


@pytest.mark.django_db
def test_times_show_in_the_patients_time_zone(client, bob):
    bob.timezone = "America/New_York"
    bob.save()
    client.force_login(bob.user)  # the zone is remembered at login
    response = client.post(TODAY, entry_post(temperature="38.2"), follow=True)
    entry = DiaryEntry.objects.get(patient=bob)
    local = entry.recorded_at.astimezone(bob.zone)
    assert local.strftime("%H:%M") in response.content.decode()
    remeasure = (local + timedelta(hours=1)).strftime("%H:%M")
    assert f"at about {remeasure}" in response.content.decode()


@pytest.mark.django_db
def test_the_reason_that_names_what_was_ticked_comes_first(bob_client):
    """Clinical-rules.md §5: the lead is the first rule of the table that used something the
    patient ticked (INF-FLU: chills), before a reading-only rule (T-FEV-1)."""
    html = bob_client.post(TODAY, entry_post(temperature="38.4", s_chills="2"), follow=True)
    page = html.content.decode()
    reasons = re.search(r'<ul class="prompt-reasons">(.*?)</ul>', page, re.S)
    items = re.findall(r"<li>(.*?)</li>", reasons.group(1), re.S)
    assert items[0].startswith("Chills or body aches with a raised temperature")
    assert items[1].startswith("You have a fever")
    assert "You ticked: Chills or shivering (moderate). You recorded: 38.4 °C." in page


@pytest.mark.django_db
def test_a_long_note_is_refused_with_a_message_and_kept_whole(bob_client, bob):
    note = "tired and achy " * 333 + "end"  # 4,998 + 3 + 3: as pasted from another app
    note = note + "!!!"
    response = bob_client.post(TODAY, entry_post(temperature="37.0", note=note))
    html = response.content.decode()
    assert response.status_code == 200 and not DiaryEntry.objects.exists()
    assert len(note) == 5001
    assert "Your note is 5001 characters long and the diary keeps up to 2000" in html
    assert "nothing has been cut" in html
    assert note.strip() in html  # every character still in the box
    assert 'maxlength="2000"' not in html  # the browser does not cut a paste either
    assert "5001 of 2000 characters" in html  # the counter, before any script runs


@pytest.mark.django_db
def test_the_note_is_shown_back_on_the_result_and_in_history(bob_client, bob):
    response = bob_client.post(TODAY, entry_post(temperature="37.0", note="Aching <b>knee</b>"))
    result = bob_client.get(response["Location"]).content.decode()
    assert "Note: <q>Aching &lt;b&gt;knee&lt;/b&gt;</q>" in result  # escaped, as typed
    history = bob_client.get(reverse("symptoms:history")).content.decode()
    assert "Aching &lt;b&gt;knee&lt;/b&gt;" in history


@pytest.mark.django_db
def test_the_counter_starts_at_zero(bob_client, bob):
    html = bob_client.get(TODAY).content.decode()
    assert 'id="note-count"' in html and "0 of 2000 characters" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said"),
    [("en-gb", "Cough: moderate"), ("es", "Tos: nivel moderado"), ("de", "Husten: mittel")],
)
def test_a_grade_after_a_symptom_agrees_in_each_language(bob_client, bob, language, said):
    """ "Tos: moderado" was wrong (tos is feminine): a grade after a name is a phrase of its
    own (pgettext), which Spanish words without a gender per symptom."""
    bob.user.language = language
    bob.user.save(update_fields=["language"])
    response = bob_client.post(TODAY, entry_post(temperature="37.0", s_cough="2"))
    page = bob_client.get(response["Location"]).content.decode()
    assert f"<li>{said}</li>" in page


@pytest.mark.django_db
def test_a_caregiver_is_spoken_to_about_the_patient_in_the_third_person(client, bob, carol):
    client.force_login(carol.user)
    today = client.get(TODAY).content.decode()
    for said in (
        "Does Bob have any warning signs right now?",
        "Bob's temperature",
        "Bob feels fine — save",
        "This says Bob has none of the warning signs",
        "Or tell us how Bob feels",
        "Bob took paracetamol or ibuprofen in the last 6 hours",
        "No thermometer to hand",
    ):
        assert said in today, said
    for patients_words in ("Your temperature", "I feel fine", "I took paracetamol", "how you feel"):
        assert patients_words not in today, patients_words
    # A fever: the result and its follow-up are about Bob, not "you".
    response = client.post(TODAY, entry_post(temperature="38.4"))
    result = client.get(response["Location"]).content.decode()
    assert "Contact Bob's care team today" in result
    assert "Please phone Bob's MS team today." in result
    assert "Please phone your MS team" not in result
    assert "Bob's MS team" in result
    assert "Has Bob spoken to someone about this?" in client.get(TODAY).content.decode()


@pytest.mark.django_db
def test_the_patient_still_reads_the_second_person(bob_client, bob):
    today = bob_client.get(TODAY).content.decode()
    assert "Any warning signs right now?" in today and "I feel fine — save" in today
    assert "Your temperature" in today and "Bob" not in today.split("<main")[1].split("</main>")[0]


@pytest.mark.django_db
def test_enter_on_the_question_page_saves_rather_than_confirms(bob_client, bob):
    """Enter presses a form's first submit button: on the question page that is a hidden
    "Save", never "Yes, … is right" (which would confirm a reading the patient is retyping)."""
    html = bob_client.post(TODAY, entry_post(temperature="34.0")).content.decode()
    form = html[html.index('<form method="post" novalidate class="diary-form"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="action" value="save"' in first_button and "visually-hidden" in first_button
    assert form.index(first_button) < form.index('name="confirm_unusual"')


@pytest.mark.django_db
def test_i_feel_fine_is_kept_through_the_question(bob_client, bob):
    asked = bob_client.post(TODAY, entry_post(temperature="41.5", action="fine")).content.decode()
    assert '<input type="hidden" name="fine_chosen" value="on">' in asked
    bob_client.post(
        TODAY, entry_post(temperature="41.5", fine_chosen="on", confirm_unusual="41.5C")
    )
    assert DiaryEntry.objects.get(patient=bob).feels_fine


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unreadable", "left_out"),
    [
        ({"temperature": "98.6"}, "Temperature: 98.6 °C is not a body temperature"),
        ({"note": "x" * 2001}, "Anything else to add?: Your note is 2001 characters"),
        ({"heart_rate": "400"}, "Heart rate (beats a minute)"),
    ],
)
def test_a_warning_sign_is_saved_even_with_something_unreadable_beside_it(
    bob_client, bob, unreadable, left_out
):
    response = bob_client.post(
        TODAY, entry_post(s_severe_breathless="on", **unreadable), follow=True
    )
    entry = DiaryEntry.objects.get(patient=bob)
    assert entry.reports.get(symptom__code="severe_breathless").grade == 1
    assert entry.outcomes.get().level == "URGENT"
    html = response.content.decode()
    assert "The warning sign is saved and the team is told." in html
    assert left_out in html


@pytest.mark.django_db
def test_without_a_warning_sign_an_unreadable_value_still_asks(bob_client, bob):
    response = bob_client.post(TODAY, entry_post(temperature="98.6", s_cough="2"))
    assert response.status_code == 200 and not DiaryEntry.objects.exists()
