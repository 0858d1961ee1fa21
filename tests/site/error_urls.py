"""A URLconf with views that fail, for the error-mail tests (never in the site's urls)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def fails(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"cannot use {request.POST.get('next', '')!r}")


@csrf_exempt
def fails_elsewhere(request: HttpRequest) -> HttpResponse:
    raise KeyError(request.POST.get("next", ""))


urlpatterns = [path("fails/", fails), path("fails-elsewhere/", fails_elsewhere)]
