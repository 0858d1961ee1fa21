"""A patient's blood results, for the team (docs/clinical-rules.md §6): record a result,
withdraw one entered in error, and confirm a hepatitis B risk set by a result no longer
applies. Each is a POST from the patient page; a clinician of another team gets a 404, and
a refused form comes back on the patient page with what was typed."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.care.labs import hbv_risk_clear, lab_result_record, lab_result_withdraw
from patients.access import clinician_required, clinicians_patient
from patients.lab_models import LabResult
from team.lab_forms import HbvClearForm, LabResultForm
from team.labs import day_words, recorded_message, result_words, say_about_labs
from team.patient_views import patient_page

# The same result sent again this soon by the same person is a double tap or a resent form.
REPEAT_WINDOW = timedelta(minutes=2)


def _back(patient) -> HttpResponse:
    return redirect(reverse("team:patient", args=[patient.pk]) + "#labs")


@require_POST
@clinician_required
def lab_add(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = LabResultForm(request.POST, today=patient.today())
    if not form.is_valid():
        return patient_page(request, patient, status=400, lab_form=form)
    recorded = lab_result_record(
        patient=patient, data=form.lab_data(), by=request.user, repeat_window=REPEAT_WINDOW
    )
    if recorded.repeated:
        words = {
            "test": recorded.result.test_name,
            "result": result_words(recorded.result),
            "day": day_words(recorded.result.collected_on),
        }
        say_about_labs(
            request,
            patient,
            _("You recorded %(test)s %(result)s (%(day)s) a moment ago: it is not recorded twice.")
            % words,
            level="info",
        )
        return _back(patient)
    say_about_labs(request, patient, recorded_message(recorded))
    return _back(patient)


@require_POST
@clinician_required
def lab_withdraw(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    """ "Entered in error": the result stays in the history; the flags are worked out again
    from the others. The button asks first (the page's confirm); this only takes a POST."""
    patient = clinicians_patient(request, pk)
    result = get_object_or_404(LabResult, pk=result_pk, patient=patient)
    before = set(patient.lab_flags)
    words = {
        "test": result.test_name,
        "result": result_words(result),
        "day": day_words(result.collected_on),
    }
    if not lab_result_withdraw(result=result, by=request.user):
        say_about_labs(request, patient, _("That result was withdrawn already."), level="info")
        return _back(patient)
    patient.refresh_from_db()
    after = set(patient.lab_flags)
    text = _("Withdrawn as entered in error: %(test)s %(result)s (%(day)s).") % words
    if before != after:
        text += " " + _("The risk flags were worked out again from the other results.")
    else:
        text += " " + _("No risk flag changed.")
    text += " " + _("Alerts it raised stay open until the team resolves them.")
    say_about_labs(request, patient, text)
    return _back(patient)


@require_POST
@clinician_required
def hbv_clear(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = HbvClearForm(request.POST)
    if not form.is_valid():
        return patient_page(request, patient, status=400, hbv_form=form)
    if hbv_risk_clear(patient=patient, by=request.user, note=form.cleaned_data["note"]):
        patient.refresh_from_db()
        text = _("Hepatitis B risk from a result is cleared; your note is in the history.")
        if patient.hbv_risk:
            text += " " + _("The team's own tick for hepatitis B risk stays: untick it there.")
        say_about_labs(request, patient, text)
    else:
        say_about_labs(
            request,
            patient,
            _("No result holds a hepatitis B risk: nothing to clear."),
            level="info",
        )
    return _back(patient)
