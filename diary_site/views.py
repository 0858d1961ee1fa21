"""Project-level views: the role-based home redirect, the health check, and what makes the
diary an installable app that keeps what was typed (manifest, service worker, the CSRF page)."""

from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from alerts.models import Heartbeat
from alerts.tasks import BEAT
from diary_core import offline
from patients.models import User

# Each dependency check gives up after this many seconds.
CHECK_TIMEOUT_S = 2


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page."""
    role = request.user.role
    if role == User.Role.ADMINISTRATOR:
        # The new-clinic checklist: what is missing, and a link to where it is changed.
        return redirect("team:setup")
    if role == User.Role.CLINICIAN:
        return redirect("team:triage")
    if role == User.Role.PATIENT:
        return redirect("symptoms:today")
    if role == User.Role.CAREGIVER:
        return redirect("symptoms:today")
    if request.user.caregiving.filter(active=False).exists():
        # Asked to help (answer first), or a link that was ended (the page says so).
        return redirect("patients:caregiving")
    return render(request, "no_role.html", status=403)


def _check_database() -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Bound the query itself, not only the connect (settings bound that).
            cursor.execute("SET LOCAL statement_timeout = %s", [CHECK_TIMEOUT_S * 1000])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means "not ok"
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_broker() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT_S,
        socket_timeout=CHECK_TIMEOUT_S,
    )
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    finally:
        client.close()
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the broker answer, and when beat last ran.

    200 only when both answer; 503 otherwise. Each check is bounded, so a stopped
    Redis gives a quick 503 rather than a hang. No login, no health data.
    """
    started = time.monotonic()
    database = _check_database()
    broker = _check_broker()
    beat_at = None
    if database == "ok":
        beat_at = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    last_beat_s = round((timezone.now() - beat_at).total_seconds()) if beat_at else None
    healthy = database == "ok" and broker == "ok"
    body = {
        "database": database,
        "broker": broker,
        "beat": {"last_beat_s": last_beat_s},
        "checked_in_ms": round((time.monotonic() - started) * 1000),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that link no icon (the admin, PDFs).

    Resolved per request: the hashed name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# What the service worker keeps so that the diary opens offline: the layout's static files
# (no health data). The diary form itself is cached per person (diary_core/offline.py).
APP_SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/app.css",
    "img/favicon.svg",
    "img/icon-192.png",
    "js/outbox.js",
    "js/diary-offline.js",
)
THEME_COLOUR = "#0a58ca"  # the navigation bar's blue (static/css/app.css)


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a shell file or the worker's own template changes, so browsers
    install the new worker and drop the old caches."""
    digest = hashlib.sha256(render_to_string("sw.js", {"config": "{}"}).encode())
    for name in APP_SHELL:
        found = finders.find(name)
        path = found if found else staticfiles_storage.path(name)
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js, at the root so that it may control /diary/. Rendered, so the shell's URLs
    are the hashed names of the deployment. Browsers revalidate it on every visit."""
    config = {
        "version": _shell_version(),
        "shell": [static(name) for name in APP_SHELL] + [reverse("offline")],
        "outbox": static("js/outbox.js"),
        "today": reverse("symptoms:today"),
        "offlineParam": offline.OFFLINE_COPY_PARAM,
        "offlineCache": offline.OFFLINE_COPY_CACHE,
        "offlinePage": reverse("offline"),
        # The prefix itself, not static(""): a manifest storage has no entry for "" and
        # raised ValueError, so /sw.js answered 500 in production.
        "staticUrl": settings.STATIC_URL,
        # Push notifications (reach/push.py) show the app's icon.
        "icon": static("img/icon-192.png"),
    }
    body = render_to_string("sw.js", {"config": json.dumps(config)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    # The worker's scope is the whole site (the default for a script at the root).
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(public=True, max_age=24 * 3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: "Add to home screen" opens today's diary, full screen."""
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": reverse("symptoms:today"),
        "name": _("Kesimpta symptom diary"),
        "short_name": _("Diary"),
        "description": _("Your daily temperature and symptoms, for you and your MS team."),
        "lang": settings.LANGUAGE_CODE,
        "start_url": reverse("symptoms:today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@never_cache
def session_token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token and whose diary this session keeps, for sending an entry kept on
    the phone: the script sends only the entries of this same person (diary_core/offline.py).
    401 when signed out, so the script knows to wait for a login instead of posting."""
    if not request.user.is_authenticated:
        return JsonResponse({"signedIn": False}, status=401)
    kept = request.user.kept_diary()
    owner = offline.owner_key(request.user.pk, kept[0].pk) if kept else None
    return JsonResponse({"signedIn": True, "owner": owner, "csrfToken": get_token(request)})


def offline_page(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it has no copy of, with no one's data."""
    return render(request, "offline.html", {"offline_fallback": True})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a calm page in the site's layout instead of Django's bare 403.

    It happens when a form stayed open while the person logged in again in another tab.
    Nothing from the refused form is shown or logged; on the diary, the offline script
    has kept what was typed and sends it from the diary page."""
    diary = request.path.startswith(reverse("symptoms:today"))
    # The call button stays: the person's own team's number when they are still signed in.
    kept = request.user.kept_diary() if request.user.is_authenticated else None
    team = kept[0].team if kept else None
    return render(
        request,
        "csrf_failure.html",
        {"diary": diary, "emergency_number": team.emergency_number if team else ""},
        status=403,
    )


@require_POST
def bench_insert(request: HttpRequest) -> HttpResponse:
    """`make bench` only (DIARY_BENCH_ENDPOINTS=true): the baseline the diary submit is
    measured against. The same middleware, session and CSRF check; one INSERT, no more."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (note) VALUES (%s)", [request.POST.get("note", "")])
    return HttpResponse(status=204)


@require_POST
@login_required
def bench_noop(request: HttpRequest) -> HttpResponse:
    """`make bench` only: the floor of a signed-in POST on this stack. The session is read
    with its user (as the diary's Save reads them), the CSRF token checked; nothing is done."""
    return HttpResponse(status=204)
