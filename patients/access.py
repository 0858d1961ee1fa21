"""Who may open which page: the one home for a request's access decisions.

Every refusal is the same 404 as a missing page ("missing" and "not yours" look alike);
querysets scope what a permitted person sees (Patient.objects.for_clinician).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from patients.models import Caregiver, Patient, PatientQuerySet, User


def diary_owner(request: HttpRequest) -> tuple[Patient, Caregiver | None]:
    """The patient whose diary this user keeps (their own, or as a caregiver); else 404."""
    kept = request.user.kept_diary()
    if kept is None:
        raise Http404
    return kept


def clinicians_patient(
    request: HttpRequest, pk: int, *, among: PatientQuerySet | None = None
) -> Patient:
    """The patient `pk` if they are in one of the clinician's teams (and `among`, when
    given: e.g. the monitored ones), with their user and team; else 404. Every team page
    and export about one patient starts here."""
    patients = among if among is not None else Patient.objects.all()
    return get_object_or_404(
        patients.for_clinician(request.user).select_related("user", "team"), pk=pk
    )


def role_required(*roles: str):
    """Only these roles; anyone else gets the same 404 as a missing page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Clinicians only; the clinic's administrators (staff accounts) only; and enrolment, which
# clinicians do into their own teams and an administrator setting up a clinic into any.
clinician_required = role_required(User.Role.CLINICIAN)
administrator_required = role_required(User.Role.ADMINISTRATOR)
enrolment_allowed = role_required(User.Role.CLINICIAN, User.Role.ADMINISTRATOR)
