"""The team's "tests due" list (LAB-DUE, clinical-rules §6) and a patient's treatment stop
and B-cell recovery. Scoped to the clinician's teams: someone else's patient is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.care.labs_due import labs_due_list, params
from alerts.ruleset.loading import rule_configs
from patients.access import clinician_required, clinicians_patient
from patients.audit import access_record
from patients.models import AccessLog, Patient
from team.labs_due_forms import TreatmentStopForm


@clinician_required
def tests_due(request: HttpRequest) -> HttpResponse:
    """Every patient of the clinician's teams with a blood test overdue or due within the
    clinic's horizon: the longest overdue first, then by due date."""
    ruleset = rule_configs()
    rows = labs_due_list(
        Patient.objects.for_clinician(request.user), now=timezone.now(), ruleset=ruleset
    )
    access_record(request, None, AccessLog.Action.LIST)
    return render(
        request,
        "team/labs_due/list.html",
        {"rows": rows, "params": params(ruleset), "overdue": sum(r.item.overdue for r in rows)},
    )


def _stop_page(request: HttpRequest, patient: Patient, form: TreatmentStopForm, status: int):
    return render(
        request,
        "team/labs_due/treatment_stop.html",
        {"patient": patient, "form": form},
        status=status,
    )


@clinician_required
def treatment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or correct) the day treatment stopped and the day B-cell recovery was
    recorded. A refused date is shown again with what was typed."""
    patient = clinicians_patient(request, pk)
    today = patient.today()
    if request.method != "POST":
        access_record(request, patient, AccessLog.Action.VIEW)
        return _stop_page(request, patient, TreatmentStopForm(instance=patient, today=today), 200)
    form = TreatmentStopForm(request.POST, instance=patient, today=today)
    if not form.is_valid():
        return _stop_page(request, patient, form, 400)
    patient._history_user = request.user
    patient._change_reason = "treatment stop"
    form.save()
    access_record(request, patient, AccessLog.Action.CARE)
    messages.success(request, _("Saved. The tests due follow these dates at once."))
    return redirect("team:patient", pk=patient.pk)
