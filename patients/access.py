"""Who may open which page: the one home for a request's access decisions.

Every refusal is the same 404 as a missing page ("missing" and "not yours" look alike);
querysets scope what a permitted person sees (Patient.objects.for_clinician).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from patients.models import Caregiver, Patient, User


def diary_owner(request: HttpRequest) -> tuple[Patient, Caregiver | None]:
    """The patient whose diary this user keeps (their own, or as a caregiver); else 404."""
    kept = request.user.kept_diary()
    if kept is None:
        raise Http404
    return kept


def clinician_required(view):
    """Clinicians only; anyone else gets the same 404 as a missing page."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != User.Role.CLINICIAN:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def administrator_required(view):
    """The clinic's administrators (staff accounts) only; anyone else gets a 404."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != User.Role.ADMINISTRATOR:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def enrolment_allowed(view):
    """Clinicians enrol patients into their own teams; an administrator into any team."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role not in (User.Role.CLINICIAN, User.Role.ADMINISTRATOR):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
