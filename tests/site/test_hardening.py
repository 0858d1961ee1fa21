"""Hardening: the real client IP, reads audited everywhere, refusals rolled up, error
reports without health data, bounded dates, and input no page can read refused clearly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from alerts.care import recording
from alerts.models import Alert
from diary_core.client_ip import client_ip
from diary_site.errors import NoHealthDataReporter, scrub_event
from patients.models import AccessLog, Patient, RefusedRequest
from tests.alerts.factories import make_entry

pytestmark = pytest.mark.django_db


# The client's address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.9", "10.0.0.5"),  # no proxy configured: the header is not trusted
        (1, "198.51.100.9", "198.51.100.9"),  # one proxy (nginx): the address it saw
        (1, "203.0.113.66, 198.51.100.9", "198.51.100.9"),  # a forged first entry is skipped
        (2, "198.51.100.9, 192.0.2.1", "198.51.100.9"),  # CDN, then nginx
        (2, "192.0.2.1", "10.0.0.5"),  # did not pass every proxy: the nearest address
        (1, "", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "[2001:db8::7]", "2001:db8::7"),
    ],
)
def test_the_client_ip_follows_the_proxy_count(settings, proxies, forwarded, expected):
    settings.DIARY_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **extra)
    assert client_ip(request) == expected


def test_the_lockout_counts_the_client_not_the_proxy(client, settings, bob):
    """Five failures from one client lock that client; another behind the same proxy is not."""
    settings.DIARY_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "bob", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]
    from tests.conftest import PASSWORD

    other = client.post(
        reverse("login"),
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.10",
    )
    assert other.status_code == 302


def test_the_access_log_and_the_refusals_record_the_client_behind_the_proxy(
    client, settings, alice, charlie, bob
):
    settings.DIARY_PROXY_COUNT = 1
    behind = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    client.force_login(alice)
    client.get(reverse("team:patient", args=[bob.pk]), **behind)
    assert AccessLog.objects.get(action="view").ip == "198.51.100.9"
    client.force_login(charlie)
    client.get(reverse("team:patient", args=[bob.pk]), **behind)
    assert RefusedRequest.objects.get().ip == "198.51.100.9"


# Reads audited everywhere -----------------------------------------------------------------------


@pytest.mark.parametrize("route", ["team:triage", "team:watch", "team:patients"])
def test_the_team_lists_are_in_the_access_log(client, alice, route):
    client.force_login(alice)
    client.get(reverse(route) + "?q=Bob")
    (row,) = AccessLog.objects.all()
    assert (row.user, row.action, row.route, row.patient) == (alice, "list", route, None)


def test_the_triage_refresh_is_not_logged_again(client, alice):
    client.force_login(alice)
    client.get(reverse("team:triage"))
    client.get(reverse("team:triage"), HTTP_HX_REQUEST="true", HTTP_X_DIARY_BACKGROUND="1")
    assert AccessLog.objects.count() == 1


def test_clinical_records_read_in_the_admin_are_in_the_access_log(client, dana, bob):
    entry = make_entry(bob, timezone.now(), temp="38.4")
    recording.entry_evaluate(entry.pk)
    alert = Alert.objects.filter(entry=entry).first()
    client.force_login(dana)
    pages = [
        ("/admin/symptoms/diaryentry/", "list", None),
        (f"/admin/symptoms/diaryentry/{entry.pk}/change/", "admin", bob),
        (f"/admin/symptoms/diaryentry/{entry.pk}/history/", "history", bob),
        (f"/admin/patients/patient/{bob.pk}/change/", "admin", bob),
        (f"/admin/patients/patient/{bob.pk}/history/", "history", bob),
        (f"/admin/alerts/alert/{alert.pk}/change/", "admin", bob),
    ]
    for url, action, patient in pages:
        assert client.get(url).status_code == 200, url
        row = AccessLog.objects.order_by("-pk").first()
        assert (row.user, row.action, row.patient) == (dana, action, patient), url


# Refusals rolled up -------------------------------------------------------------------------------


def test_a_probe_of_many_ids_is_one_row_per_route_and_minute(client, charlie, caplog):
    client.force_login(charlie)
    for pk in range(1000, 1200):
        assert client.get(reverse("team:patient", args=[pk])).status_code == 404
    assert RefusedRequest.objects.count() <= 2  # a minute boundary may split it
    assert RefusedRequest.objects.aggregate(n=Sum("count"))["n"] == 200
    assert len([r for r in caplog.records if r.name == "security"]) <= 2


# Error reports without health data ------------------------------------------------------------


def test_the_error_mail_carries_no_form_data_query_or_local_variables(settings):
    request = RequestFactory().post(
        "/diary/?q=Bob+Baker", {"temperature": "39.4", "note": "my secret note"}
    )
    secret_temperature = "39.4"  # a local variable of the failing code
    try:
        raise ValueError(f"boom: {secret_temperature}")  # the message repeats it
    except ValueError as error:
        reporter = NoHealthDataReporter(request, type(error), error, error.__traceback__)
    text = reporter.get_traceback_text()
    assert "ValueError" in text and "boom" in text
    for secret in ("39.4", "my secret note", "Bob", "Baker"):
        assert secret not in text


def test_sentry_events_are_scrubbed():
    event = {
        "request": {
            "url": "https://diary.example.org/team/patients/?q=Bob",
            "method": "GET",
            "query_string": "q=Bob",
            "data": {"note": "secret"},
            "cookies": {"s": "x"},
            "headers": {"Cookie": "sessionid=x"},
        },
        "user": {"id": 7, "email": "alice@example.org", "ip_address": "198.51.100.9"},
        "extra": {"entry": "39.4"},
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"t": "39.4"}}]}}]},
        "breadcrumbs": {
            "values": [
                {"category": "query", "data": {"params": ["Bob"]}},
                {"category": "httplib", "data": {"url": "https://x/?q=Bob"}},
            ]
        },
    }
    text = str(scrub_event(event, {}))
    assert "team/patients/" in text and "'id': 7" in text
    for secret in ("Bob", "secret", "39.4", "sessionid", "alice@", "198.51"):
        assert secret not in text


# Bounded dates ---------------------------------------------------------------------------------


def test_a_first_dose_in_year_9999_is_refused_and_every_page_keeps_working(client, alice, team_a):
    client.force_login(alice)
    response = client.post(
        reverse("team:enrol"),
        {
            "first_name": "Pago",
            "last_name": "Pago",
            "email": "pago@example.org",
            "language": "en-gb",
            "team": team_a.pk,
            "timezone": "Pacific/Pago_Pago",
            "temperature_unit": "C",
            "first_dose_at": "9999-12-31T23:59",
        },
    )
    assert response.status_code == 200
    assert "within the next year" in response.content.decode()
    assert 'value="Pago"' in response.content.decode()  # nothing typed is lost
    assert not Patient.objects.filter(user__email="pago@example.org").exists()
    assert client.get(reverse("team:patients")).status_code == 200


def test_the_database_refuses_an_absurd_date_whatever_writes_it(bob):
    from django.db import IntegrityError, transaction

    bob.first_dose_at = timezone.now().replace(year=2200)
    with pytest.raises(IntegrityError), transaction.atomic():
        bob.save()


def test_the_admin_refuses_an_injection_in_year_9999(client, dana, bob):
    client.force_login(dana)
    response = client.post(
        "/admin/patients/injection/add/",
        {
            "patient": bob.pk,
            "given_at_0": "9999-12-31",
            "given_at_1": "23:59",
            "site": "thigh",
        },
    )
    assert response.status_code == 200
    assert "between the years 2000 and 2099" in response.content.decode()


# Input no page can read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "query"), [("team:triage", "?rule=T-FEV-1%00"), ("team:patients", "?q=bob%00baker")]
)
def test_a_nul_byte_in_a_query_is_a_clear_400(client, alice, route, query):
    client.force_login(alice)
    response = client.get(reverse(route) + query)
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_form_in_another_charset_is_a_clear_400_even_on_the_login_page(client, bob, signed_in):
    if signed_in:
        client.force_login(bob.user)
    body = "username=bob&password=x"  # the test client encodes it as the charset says
    response = client.post(
        reverse("login"), body, content_type="application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()


def test_a_nul_byte_in_a_form_field_keeps_what_was_typed(client, bob):
    client.force_login(bob.user)
    response = client.post(
        reverse("symptoms:today"),
        {
            "client_key": "7d2e2c52-5a8e-4a0c-9d1e-1f4d7c1a0b9e",
            "unit": "C",
            "temperature": "38.2",
            "note": "bad\x00byte",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert 'value="38.2"' in response.content.decode()


def test_an_overlong_address_at_enrolment_is_a_form_error(client, alice, team_a):
    client.force_login(alice)
    response = client.post(
        reverse("team:enrol"),
        {
            "first_name": "Long",
            "last_name": "Address",
            "email": "a" * 250 + "@example.org",
            "team": team_a.pk,
            "timezone": "Europe/London",
            "temperature_unit": "C",
        },
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_a_recent_entry_time_still_works(bob):
    entry = make_entry(bob, timezone.now() - timedelta(minutes=5), temp="37.0")
    entry.full_clean(exclude=["patient", "caregiver", "entered_by"])


def test_the_web_servers_access_log_never_has_a_query_string():
    """The access log once showed GET /team/patients/?q=Bob."""
    from pathlib import Path

    namespace: dict = {}
    exec((Path(__file__).parents[2] / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    line = namespace["access_log_format"]
    assert "%(U)s" in line  # the path alone
    assert "%(r)s" not in line and "%(q)s" not in line


def test_static_files_are_collected_at_build_time_not_on_release():
    from pathlib import Path

    procfile = (Path(__file__).parents[2] / "Procfile").read_text()
    release = next(line for line in procfile.splitlines() if line.startswith("release:"))
    assert "collectstatic" not in release


def test_with_a_sentry_dsn_errors_go_to_sentry_scrubbed_and_not_by_mail():
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import django; django.setup(); import sentry_sdk; from django.conf import settings; "
        "o = sentry_sdk.get_client().options; "
        "print(o['send_default_pii'], o['include_local_variables'], o['max_request_body_size'], "
        "o['before_send'].__name__, settings.ADMINS)"
    )
    env = {
        **os.environ,
        "SENTRY_DSN": "https://public@sentry.example.invalid/1",
        "DJANGO_ADMINS": "oncall@example.org",
        "DJANGO_SETTINGS_MODULE": "diary_site.settings",
        "DJANGO_DEBUG": "true",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=Path(__file__).parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["False", "False", "never", "scrub_event", "[]"], done.stderr
