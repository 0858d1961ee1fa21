"""The installable app and "nothing typed is lost": the CSRF page, the manifest, the service
worker, the session token and the service worker's copy of the diary form."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from diary_core.offline import OFFLINE_COPY_CACHE, owner_key
from symptoms.models import DiaryEntry
from tests.alerts.factories import make_entry

TODAY = reverse("symptoms:today")


def offline_config(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="diary-offline" type="application/json">(.*?)</script>', html)
    assert found, "the page has no offline config"
    return json.loads(found.group(1))


def worker_config(response) -> dict:
    found = re.search(r"^const CONFIG = (.*);$", response.content.decode(), re.M)
    assert found, "the worker has no config"
    return json.loads(found.group(1))


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob.user)
    return client


@pytest.fixture
def strict_client(bob):
    """A client that checks CSRF tokens, as a browser's requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob.user)
    return client


# The CSRF failure page -------------------------------------------------------------------


def test_it_uses_the_sites_own_csrf_failure_view():
    assert settings.CSRF_FAILURE_VIEW == "diary_site.views.csrf_failure"


@pytest.mark.django_db
def test_it_answers_a_refused_diary_save_with_a_calm_page_in_the_layout(strict_client, bob):
    strict_client.get(TODAY)  # sets the csrftoken cookie
    response = strict_client.post(
        TODAY,
        {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "38.6", "note": "cough"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page had expired" in html
    assert "What you typed is kept on this phone" in html
    assert "your care team has not been told" in html
    assert f'href="{TODAY}"' in html and "Back to your diary" in html
    assert 'class="navbar' in html and "not an emergency service" in html  # the layout
    # Nothing of the refused form comes back, and nothing was saved.
    assert "38.6" not in html and "cough" not in html
    assert "CSRF" not in html
    assert not DiaryEntry.objects.filter(patient=bob).exists()


@pytest.mark.django_db
def test_it_words_a_refused_form_elsewhere_without_the_diary(strict_client):
    strict_client.get(reverse("password_change"))
    response = strict_client.post(reverse("password_change"), {"old_password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page had expired" in html and "nothing was changed" in html
    assert "Back to your diary" not in html


@pytest.mark.django_db
def test_it_shows_the_csrf_page_to_someone_signed_out_too():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "bob", "password": "x"})
    assert response.status_code == 403
    assert "This page had expired" in response.content.decode()


# The manifest ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_serves_an_installable_manifest(client):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "max-age=86400" in response["Cache-Control"]
    body = response.json()
    assert body["start_url"] == TODAY and body["scope"] == "/"
    assert body["display"] == "standalone"
    assert body["name"] and body["short_name"] and body["theme_color"] == "#0a58ca"
    icons = {(icon["sizes"], icon.get("purpose", "any")) for icon in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons
    for icon in body["icons"]:
        assert icon["type"] == "image/png"
        assert client.get(icon["src"]).status_code == 200


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_offline_script(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in html
    assert '<meta name="theme-color"' in html
    # The deployment's hashed names, from the manifest (production's storage).
    assert static("js/outbox.js") in html and static("js/diary-offline.js") in html
    assert re.fullmatch(r"/static/js/outbox\.[0-9a-f]{12}\.js", static("js/outbox.js"))


# The service worker ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_serves_the_service_worker_at_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in response  # the worker runs under the site's CSP
    config = worker_config(response)
    assert config["outbox"] == static("js/outbox.js")
    assert static("vendor/bootstrap/bootstrap.min.css") in config["shell"]
    assert config["staticUrl"] == "/static/"  # the prefix (static("") raised in production)
    assert config["today"] == TODAY
    assert config["offlineCache"] == OFFLINE_COPY_CACHE


@pytest.mark.django_db
def test_the_service_worker_caches_no_page_but_the_form_copy_and_the_offline_page(client):
    response = client.get("/sw.js")
    body = response.content.decode()
    shell = worker_config(response)["shell"]
    assert shell, "an empty shell"
    for url in shell:
        assert url.startswith(settings.STATIC_URL) or url == reverse("offline"), url
    # Navigations go to the network first; only a failure falls back to a cached copy.
    assert "fetch(request).catch(() => fallback(url))" in body
    assert "COPY_MAX_AGE_MS = 12 * 60 * 60 * 1000" in body
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


@pytest.mark.django_db
def test_a_new_service_worker_version_follows_the_shell_files(client):
    version = worker_config(client.get("/sw.js"))["version"]
    assert re.fullmatch(r"[0-9a-f]{12}", version)


def test_the_csp_lets_the_worker_and_the_manifest_load_only_from_this_site():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["worker-src"] == ["'self'"]
    assert directives["manifest-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]


@pytest.mark.django_db
def test_the_offline_page_names_no_one(bob_client, bob):
    response = bob_client.get(reverse("offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are offline" in html
    assert offline_config(response)["fallback"] is True


# The session token -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_token_is_fresh_and_names_the_diary_kept(bob_client, bob):
    response = bob_client.get(reverse("session_token"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["owner"] == owner_key(bob.user.pk, bob.pk)
    assert len(body["csrfToken"]) >= 32


@pytest.mark.django_db
def test_the_session_token_tells_a_signed_out_phone_to_wait(client):
    response = client.get(reverse("session_token"))
    assert response.status_code == 401
    assert response.json() == {"signedIn": False}


@pytest.mark.django_db
def test_a_caregiver_sends_as_themself_for_the_diary_they_keep(client, carol, bob):
    client.force_login(carol.user)
    assert client.get(reverse("session_token")).json()["owner"] == owner_key(carol.user.pk, bob.pk)


@pytest.mark.django_db
def test_a_token_fetched_then_used_saves_an_entry_once(strict_client, bob):
    """What the outbox does when back online: a fresh token, then the same client key twice."""
    key = str(uuid.uuid4())
    for _ in range(2):
        token = strict_client.get(reverse("session_token")).json()["csrfToken"]
        response = strict_client.post(
            TODAY,
            {"client_key": key, "unit": "C", "temperature": "38.6", "action": "save"},
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 302
    assert DiaryEntry.objects.filter(patient=bob, client_key=key).count() == 1


# The page's configuration ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_diary_page_gives_the_script_its_owner_and_the_teams_number(bob_client, bob):
    bob.team.emergency_number = "112"
    bob.team.save()
    config = offline_config(bob_client.get(TODAY))
    assert config["owner"] == owner_key(bob.user.pk, bob.pk)
    assert config["diaryUser"] is True and config["posted"] is False
    assert config["urls"]["today"] == TODAY
    assert config["urls"]["token"] == reverse("session_token")
    assert config["text"]["queued"] == (
        "You are offline. Your entry is saved on this phone and will be sent when you are "
        "back online. Your care team has not been told yet. If you have any of the warning "
        "signs, call 112 now."
    )
    assert "{time}" in config["text"]["saved"]


@pytest.mark.django_db
def test_the_result_page_tells_the_script_which_entry_was_saved(bob_client, bob):
    from django.utils import timezone

    entry = make_entry(bob, timezone.now(), temp="37.0")
    config = offline_config(bob_client.get(reverse("symptoms:result", args=[entry.pk])))
    assert config["savedClientKey"] == str(entry.client_key)


@pytest.mark.django_db
def test_signed_out_pages_have_no_owner(client):
    config = offline_config(client.get(reverse("login")))
    assert config["signedIn"] is False and config["owner"] is None


@pytest.mark.django_db
def test_the_form_copy_holds_none_of_todays_entries_or_messages(bob_client, bob):
    from django.utils import timezone

    make_entry(bob, timezone.now(), temp="38.9")
    assert "38.9" in bob_client.get(TODAY).content.decode()
    response = bob_client.get(TODAY + "?offline=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="diary-form"' in html or "diary-form" in html
    assert "38.9" not in html and "Today so far" not in html
    assert re.search(r'<input type="hidden" name="client_key" id="id_client_key">', html)
    assert offline_config(response)["offlineCopy"] is True


@pytest.mark.django_db
def test_login_from_the_diary_returns_to_the_diary(client):
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={TODAY}"


@pytest.mark.django_db
def test_a_clinicians_page_about_a_patient_gives_the_script_no_diary(rf, alice, bob):
    from diary_core import offline

    request = rf.get("/team/")
    request.user = alice
    config = offline.config(request, {"patient": bob, "user_role": "clinician"})
    assert config["owner"] is None and config["diaryUser"] is False
    assert config["timeZone"] is None
