"""Patient pages: injections, settings, help."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import display_zone
from accounts.languages import SHIPPED
from alerts.care.labs_due import next_immunoglobulin_test
from alerts.care.pre_dose import injection_pre_dose_check
from alerts.models import EducationPage
from diary_core.limits import over_limit
from patients import enrolment
from patients.access import diary_owner
from patients.forms import AccountPasswordResetForm, InjectionForm, SettingsForm
from patients.injections import injection_correct, injection_record, injection_remove
from patients.models import Caregiver, Injection, Patient, User
from patients.timezones import zone_label
from symptoms.reminders import patient_from_token

logger = logging.getLogger("security")


def help_page(request: HttpRequest) -> HttpResponse:
    """What the diary is and is not. Public: a patient may need it before logging in."""
    pages = EducationPage.objects.filter(published=True).order_by("order", "title")
    return render(request, "patients/help.html", {"pages": pages})


def education_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One short education page (admin-edited plain text). Public, like the help page."""
    page = get_object_or_404(EducationPage, slug=slug, published=True)
    return render(request, "patients/education.html", {"page": page})


def _saved_message(request: HttpRequest, result) -> None:
    if not result.created:
        # A double tap or a retry: the first press saved it.
        messages.success(
            request, _("Injection saved. You pressed Save more than once; it is logged once.")
        )
    elif result.injection.off_schedule:
        messages.success(
            request,
            _(
                "Injection saved. We have let your care team know it was not on the expected "
                "date. They may contact you to check your next doses."
            ),
        )
    else:
        messages.success(request, _("Injection saved."))


@login_required
def injections(request: HttpRequest) -> HttpResponse:
    patient, _caregiver = diary_owner(request)
    now = timezone.now()
    question = None
    if request.method == "POST":
        form = InjectionForm(request.POST, zone=patient.zone, now=now)
        if form.is_valid():
            result = injection_record(
                patient=patient,
                logged_by=request.user,
                client_key=form.cleaned_data["client_key"] or uuid.uuid4(),
                given_at=form.cleaned_data["given_at"],
                site=form.cleaned_data["site"],
                confirmed=form.confirmed(),
            )
            if result.question is None:
                _saved_message(request, result)
                return redirect("patients:injections")
            question = result.question
    else:
        local_now = now.astimezone(patient.zone).strftime("%Y-%m-%dT%H:%M")
        form = InjectionForm(
            initial={"given_at": local_now, "site": "thigh", "client_key": uuid.uuid4()},
            zone=patient.zone,
        )
    past = list(patient.injections.order_by("-given_at")[:24])
    return render(
        request,
        "patients/injections.html",
        {
            "patient": patient,
            "past": past,
            # Doses logged in the last day: the patient's side may still change them.
            "correctable": {i.pk for i in past if i.can_be_corrected(now=now)},
            "upcoming": patient.dose_schedule(count=4),
            "missed": patient.missed_dose(now=now),
            "form": form,
            "question": question,
            # A dose due during an infection: talk to the team first (INJ-DUE-INF).
            "pre_dose": injection_pre_dose_check(patient, now=now),
            # The next blood test for immunoglobulins, once the team has one on record (§6).
            "blood_test": next_immunoglobulin_test(patient, now=now),
        },
    )


def _correctable(request: HttpRequest, pk: int) -> tuple[Patient, Injection | None]:
    """The dose, if this person keeps its diary (else 404) and may still change it (else
    None, with a message saying who can)."""
    patient, _caregiver = diary_owner(request)
    injection = get_object_or_404(patient.injections, pk=pk)
    if not injection.can_be_corrected():
        messages.info(
            request,
            _(
                "A dose can be changed or removed here only in the first day after it was "
                "logged. If this one is wrong, please tell your care team: they can correct it."
            ),
        )
        return patient, None
    return patient, injection


@login_required
def injection_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the time or site of a dose logged in the last day."""
    patient, injection = _correctable(request, pk)
    if injection is None:
        return redirect("patients:injections")
    now = timezone.now()
    question = None
    if request.method == "POST":
        form = InjectionForm(request.POST, zone=patient.zone, now=now)
        if form.is_valid():
            result = injection_correct(
                injection=injection,
                given_at=form.cleaned_data["given_at"],
                site=form.cleaned_data["site"],
                by=request.user,
                confirmed=form.confirmed(),
            )
            if result.question is None:
                if result.injection.off_schedule:
                    messages.success(
                        request,
                        _(
                            "Your change is saved. We have let your care team know the dose "
                            "was not on the expected date."
                        ),
                    )
                else:
                    messages.success(request, _("Your change is saved."))
                return redirect("patients:injections")
            question = result.question
    else:
        local = injection.given_at.astimezone(patient.zone).strftime("%Y-%m-%dT%H:%M")
        form = InjectionForm(initial={"given_at": local, "site": injection.site}, zone=patient.zone)
    return render(
        request,
        "patients/injection_change.html",
        {"patient": patient, "injection": injection, "form": form, "question": question},
    )


@login_required
def injection_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a dose logged in error in the last day, after a confirmation step."""
    patient, injection = _correctable(request, pk)
    if injection is None:
        return redirect("patients:injections")
    if request.method == "POST":
        injection_remove(injection=injection, by=request.user)
        messages.success(
            request,
            _("The dose is removed. Your next dates below are worked out without it."),
        )
        return redirect("patients:injections")
    return render(
        request, "patients/injection_remove.html", {"patient": patient, "injection": injection}
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    patient, caregiver = diary_owner(request)
    if caregiver is not None:
        # Settings belong to the patient; a caregiver only fills in the diary.
        return render(
            request,
            "patients/settings.html",
            {"patient": patient, "readonly": True, "zone": zone_label(patient.timezone)},
        )
    form = SettingsForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        if code := form.cleaned_data.get("language"):
            User.objects.filter(pk=patient.user_id).update(language=code)
            translation.activate(code)  # "Settings saved." in the new language
        display_zone.remember(request, form.instance.timezone)
        messages.success(request, _("Settings saved."))
        return redirect("patients:settings")
    return render(
        request,
        "patients/settings.html",
        {
            "patient": patient,
            "form": form,
            "caregivers": patient.caregivers.filter(active=True).select_related("user"),
        },
    )


@csrf_exempt  # the signed token is the credential; mail apps POST here without a form (RFC 8058)
def reminders_off(request: HttpRequest, token: str) -> HttpResponse:
    """Turn daily reminders off from the e-mail link: one button, no login needed."""
    patient = patient_from_token(token)
    if request.method == "POST" and patient is not None:
        Patient.objects.filter(pk=patient.pk).update(reminders_enabled=False)
        return render(request, "patients/reminders_off.html", {"patient": patient, "done": True})
    status = 200 if patient is not None else 404
    return render(request, "patients/reminders_off.html", {"patient": patient}, status=status)


@login_required
def caregiving(request: HttpRequest) -> HttpResponse:
    """Helping with someone's diary, for the person asked: accept or decline a request,
    see whose diary they fill in (and stop), and see a link that was ended."""
    pending = Caregiver.objects.filter(
        user=request.user, active=False, accepted_at__isnull=True
    ).select_related("patient__user", "patient__team", "added_by")
    if request.method == "POST":
        caregiver = get_object_or_404(pending, pk=request.POST.get("caregiver", "0") or 0)
        accept = request.POST.get("answer") == "accept"
        enrolment.caregiver_answer(caregiver, accept=accept, now=timezone.now())
        if accept:
            messages.success(
                request,
                _("Thank you. You can now fill in the diary for %(name)s.")
                % {"name": caregiver.patient.user.first_name},
            )
            return redirect("symptoms:today")
        messages.info(request, _("You said no. Nothing has changed."))
        return redirect("patients:caregiving")
    links = Caregiver.objects.filter(user=request.user).select_related("patient__user")
    return render(
        request,
        "patients/caregiving.html",
        {
            "pending": pending,
            "helping": links.filter(active=True),
            "ended": links.filter(active=False, removed_at__isnull=False).order_by("-removed_at"),
        },
    )


@login_required
def caregiving_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """The caregiver stops helping, after a confirmation step."""
    caregiver = get_object_or_404(
        Caregiver.objects.select_related("patient__user"), pk=pk, user=request.user, active=True
    )
    if request.method == "POST":
        enrolment.caregiver_remove(caregiver, by=request.user, now=timezone.now())
        messages.success(
            request,
            _("You no longer fill in the diary for %(name)s. Entries you made stay in it.")
            % {"name": caregiver.patient.user.first_name},
        )
        return redirect("patients:caregiving")
    return render(request, "patients/caregiver_remove.html", {"caregiver": caregiver, "own": True})


@login_required
def caregiver_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient removes a caregiver, after a confirmation step. Only the patient: a
    caregiver cannot remove another (404, as for anything not theirs)."""
    patient, caregiver_of = diary_owner(request)
    if caregiver_of is not None:
        raise Http404
    caregiver = get_object_or_404(patient.caregivers.select_related("user"), pk=pk, active=True)
    if request.method == "POST":
        enrolment.caregiver_remove(caregiver, by=request.user, now=timezone.now())
        messages.success(
            request,
            _(
                "%(name)s can no longer fill in your diary. Entries they made stay in it, "
                "marked as made by them."
            )
            % {"name": caregiver.user.get_full_name() or caregiver.user.username},
        )
        return redirect("patients:settings")
    return render(request, "patients/caregiver_remove.html", {"caregiver": caregiver, "own": False})


def _posted_address(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


class PasswordReset(PasswordResetView):
    """Django's reset page, with limits: 3 e-mails an hour to one address, 20 requests an
    hour from one client. Over a limit the page says the same as always (it must not tell
    whether the address exists) and sends nothing. The limits fail open: a cache outage
    never stops a patient resetting their password."""

    form_class = AccountPasswordResetForm

    def form_valid(self, form):
        over = [
            over_limit(self.request, group="password-reset-ip", key="ip", rate="20/h"),
            over_limit(
                self.request, group="password-reset-address", key=_posted_address, rate="3/h"
            ),
        ]
        if any(over):
            logger.warning("password reset over its limit (ip or address); nothing sent")
        else:
            form.save()
        return HttpResponseRedirect(self.get_success_url())


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher on every page: Django's own view (cookie, safe redirect back),
    and for a signed-in person their choice is kept for their pages and their e-mails."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in SHIPPED:
        User.objects.filter(pk=request.user.pk).update(language=code)
    return response
