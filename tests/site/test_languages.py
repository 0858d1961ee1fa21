"""Each person in their own language: pages, results, e-mails, history, the queue, the PDF.

Expected words are read from the shipped catalogues (gettext under that language), never
typed here, and each is checked to differ from the English, so a test cannot pass on an
untranslated page.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from alerts.care import recording
from alerts.delivery import send
from alerts.models import Alert, AlertRule, Level
from patients.models import CareTeam, User
from symptoms import reminders
from symptoms.models import DiaryEntry, TemperatureReading
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db
TODAY = reverse("symptoms:today")


def said(code: str, english: str) -> str:
    """`english` in language `code`, from the catalogue; it must really be translated."""
    with translation.override(code):
        words = gettext(english)
    assert words != english, f"{english!r} has no {code} translation"
    return words


def speaks(user, code: str) -> None:
    User.objects.filter(pk=user.pk).update(language=code)
    user.language = code


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_bob_in_spanish_gets_his_diary_urgent_result_and_history_and_38_6_is_read_right(
    client, bob
):
    speaks(bob.user, "es")
    client.force_login(bob.user)
    today = page(client, TODAY)
    assert '<html lang="es">' in today
    assert said("es", "Save") in today or said("es", "Save my diary") in today

    response = client.post(
        TODAY,
        {
            "client_key": str(uuid.uuid4()),
            "temperature": "38,6",
            "unit": "C",
            "s_might_die": "on",
            "action": "save",
        },
        follow=True,
    )
    assert response.status_code == 200
    entry = DiaryEntry.objects.get(patient=bob)
    assert TemperatureReading.objects.get(entry=entry).value_c == Decimal("38.6")
    result = response.content.decode()
    with translation.override("es"):
        message = AlertRule.objects.get(rule_id="SEP-RF").rendered("patient_message")
    english = AlertRule.objects.get(rule_id="SEP-RF").patient_message_en_gb
    assert message and message != english
    assert message in result
    assert "38,6" in result  # the reading, the Spanish way

    history = page(client, reverse("symptoms:history"))
    assert '<html lang="es">' in history and "38,6" in history
    assert said("es", "Read the advice again") in history


def test_bobs_reminder_email_is_in_spanish(bob):
    speaks(bob.user, "es")
    bob.user.email = "bob@example.org"
    bob.user.save(update_fields=["email"])
    now = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    reminders.daily_reminders_sweep(now=now)
    reminders.reminders_send(now=now)
    message = mail.outbox[0]
    assert message.subject == said("es", "Time for your diary — Kesimpta diary")


def test_a_german_clinician_gets_the_queue_the_alert_email_and_the_pdf_in_german(
    client, alice, bob, settings
):
    speaks(alice, "de")
    entry = make_entry(
        bob, timezone.now() - timedelta(hours=1), temp="38.4", red_flags=("might_die",)
    )
    recording.entry_evaluate(entry.pk)
    client.force_login(alice)
    queue = page(client, reverse("team:triage"))
    assert '<html lang="de">' in queue
    assert said("de", "I'll take this") in queue
    alert = Alert.objects.filter(patient=bob, level=Level.URGENT, team_alert=True).first()
    with translation.override("de"):
        assert alert.title_words in queue  # the rule's German title
    assert alert.title_words != alert.snapshot["title"]

    send.notifications_sweep()
    (message,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert said("de", "For privacy this e-mail contains no health information.") in message.body
    assert message.body.startswith(said("de", "Hello %(name)s,") % {"name": "Alice"})

    response = client.get(reverse("team:summary_pdf", args=[bob.pk]), {"days": 30})
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert said("de", "Patient was told") in text


def test_the_login_page_follows_the_browser_and_an_unshipped_language_gets_english(client):
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert '<html lang="es">' in spanish.content.decode()
    french = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="en-gb">' in french.content.decode()


def test_the_first_login_keeps_the_browsers_language_for_the_emails(client, bob):
    client.post(
        reverse("login"),
        {"username": "bob", "password": "correct-horse-battery-staple"},
        HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9",
    )
    bob.user.refresh_from_db()
    assert bob.user.language == "de"


@pytest.mark.parametrize("who", ["bob", "carol", "alice"])
def test_the_switcher_keeps_each_persons_choice(client, who, bob, carol, alice):
    user = {"bob": bob.user, "carol": carol.user, "alice": alice}[who]
    client.force_login(user)
    home = {"bob": TODAY, "carol": TODAY, "alice": reverse("team:triage")}[who]
    response = client.post(
        reverse("set_language"), {"language": "de"}, HTTP_REFERER="http://testserver" + home
    )
    assert response.status_code == 302 and response["Location"].endswith(home)
    user.refresh_from_db()
    assert user.language == "de"
    assert '<html lang="de">' in page(client, home)
    # Another browser (no cookie) still gets German: the choice is the person's.
    other = type(client)()
    other.force_login(user)
    assert '<html lang="de">' in page(other, home)


def test_an_unknown_language_is_ignored(client, bob):
    client.force_login(bob.user)
    bob.user.refresh_from_db()
    assert bob.user.language == ""  # the test browser asked for no language: none kept
    client.post(reverse("set_language"), {"language": "de"})
    client.post(reverse("set_language"), {"language": "xx"})
    bob.user.refresh_from_db()
    assert bob.user.language == "de"


def test_the_settings_page_sets_the_patients_language(client, bob):
    client.force_login(bob.user)
    form = page(client, reverse("patients:settings"))
    assert 'name="language"' in form
    client.post(
        reverse("patients:settings"),
        {
            "language": "es",
            "temperature_unit": "C",
            "timezone": "Europe/London",
            "reminders_enabled": "on",
            "reminder_time": "19:30",
        },
    )
    bob.user.refresh_from_db()
    assert bob.user.language == "es"
    assert said("es", "Settings saved.") in page(client, reverse("patients:settings"))


def test_a_missing_translation_falls_back_to_english_and_is_listed_for_the_admin(client, dana):
    AlertRule.objects.filter(rule_id="T-FEV-1").update(patient_message_de="", title_de=None)
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    with translation.override("de"):
        assert rule.title == rule.title_en_gb  # English meanwhile
    client.force_login(dana)
    listed = page(client, reverse("admin:alerts_alertrule_changelist") + "?missing_translation=de")
    assert "T-FEV-1" in listed and "T-FEV-ER-1" not in listed
    assert "Deutsch" in listed


def test_a_spanish_team_calls_112_and_a_team_that_moves_gets_its_new_number(db):
    team = CareTeam.objects.create(name="Madrid", phone="91 000 00 00", country="ES")
    assert team.emergency_number == "112"
    team.country = "US"
    team.save()
    assert team.emergency_number == "911"
    team.emergency_number = "061"  # a local number the clinic typed in is kept
    team.country = "ES"
    team.save()
    assert team.emergency_number == "061"


def test_the_out_of_hours_words_are_the_countrys_in_each_language(db):
    uk = CareTeam.objects.create(name="London", phone="020 0000 0000")
    madrid = CareTeam.objects.create(name="Madrid", phone="91 000 00 00", country="ES")
    with translation.override("es"):
        assert uk.out_of_hours == said("es", "Call NHS 111, or 999 in an emergency")
        assert "112" in madrid.out_of_hours and madrid.out_of_hours != madrid.out_of_hours_en_gb
    with translation.override("de"):
        usual = said("de", "Call your out-of-hours doctor, or %(number)s in an emergency")
        assert madrid.out_of_hours == usual % {"number": "112"}
    assert madrid.out_of_hours_en_gb == ("Call your out-of-hours doctor, or 112 in an emergency")


def test_a_clinics_own_out_of_hours_words_are_kept_and_a_move_refreshes_the_usual_ones(db):
    own = CareTeam.objects.create(
        name="Leeds", phone="0113 000 0000", out_of_hours="Ring the MS hotline 0800 000 000"
    )
    own.save()
    with translation.override("es"):
        assert own.out_of_hours == "Ring the MS hotline 0800 000 000"  # theirs, not NHS 111
    moving = CareTeam.objects.create(name="Moving", phone="020 0000 0000")
    moving.country = "ES"
    moving.save()
    assert moving.emergency_number == "112"
    usual = said("de", "Call your out-of-hours doctor, or %(number)s in an emergency")
    with translation.override("de"):
        assert moving.out_of_hours == usual % {"number": "112"}
    assert "999" not in moving.out_of_hours_en_gb + moving.out_of_hours_es
