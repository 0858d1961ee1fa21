"""Project-level views: the role-based home redirect and the health check."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alerts.models import Heartbeat
from alerts.tasks import BEAT
from patients.models import User

# Each dependency check gives up after this many seconds.
CHECK_TIMEOUT_S = 2


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page."""
    role = request.user.role
    if role == User.Role.ADMINISTRATOR:
        return redirect("admin:index")
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


@require_POST
def bench_insert(request: HttpRequest) -> HttpResponse:
    """`make bench` only (DIARY_BENCH_ENDPOINTS=true): the baseline the diary submit is
    measured against. The same middleware, session and CSRF check; one INSERT, no more."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (note) VALUES (%s)", [request.POST.get("note", "")])
    return HttpResponse(status=204)
