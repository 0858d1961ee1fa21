"""A patient's care settings, for the team: quiet a rule or a symptom, pause the diary,
discharge, and send the invitation again. Every page is 404 for a clinician of another
team, and every change is in the access log and the history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.care.quieting import QuietRefused, quietable_rules, quieting_add, quieting_lift
from alerts.models import Quieting
from patients import care, enrolment
from patients.access import clinician_required, clinicians_patient
from patients.audit import access_record
from patients.models import AccessLog, Patient
from symptoms.models import Symptom
from team.care_forms import DischargeForm, PauseForm, QuietForm, UndoDischargeForm


def _quiet_form(data=None) -> QuietForm:
    symptoms = list(Symptom.objects.filter(active=True, is_red_flag=False).order_by("label"))
    return QuietForm(data, rules=quietable_rules(), symptoms=symptoms)


def _page(request: HttpRequest, patient: Patient, status: int = 200, **forms) -> HttpResponse:
    now = timezone.now()
    quiets = list(
        Quieting.objects.filter(patient=patient)
        .select_related("rule", "created_by", "lifted_by")
        .order_by("-starts_at")[:50]
    )
    changes = list(patient.history.select_related("history_user").order_by("-history_date")[:30])
    return render(
        request,
        "team/care/care.html",
        {
            "patient": patient,
            "now": now,
            "active_quiets": [
                q for q in quiets if q.lifted_at is None and q.starts_at <= now < q.expires_at
            ],
            "past_quiets": [q for q in quiets if q.lifted_at is not None or q.expires_at <= now],
            "care_changes": [h for h in changes if h.history_change_reason],
            "quiet_form": forms.get("quiet_form") or _quiet_form(),
            "pause_form": forms.get("pause_form") or PauseForm(today=patient.today(now=now)),
            "discharge_form": forms.get("discharge_form") or DischargeForm(),
            "undo_form": forms.get("undo_form") or UndoDischargeForm(),
            "discharged_by": care.discharged_by(patient) if patient.is_discharged else None,
            "undo_alone_until": patient.discharged_at + care.UNDO_ALONE_WITHIN
            if patient.is_discharged
            else None,
            "can_resend": not patient.user.has_usable_password() and patient.user.is_active,
        },
        status=status,
    )


@clinician_required
def care_settings(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    access_record(request, patient, AccessLog.Action.VIEW)
    return _page(request, patient)


@require_POST
@clinician_required
def quiet_add(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    if patient.is_discharged:
        messages.error(request, _("This patient is discharged: there is nothing to quiet."))
        return redirect("team:care", pk=patient.pk)
    form = _quiet_form(request.POST)
    if form.is_valid():
        try:
            quieting_add(
                patient=patient,
                rule=form.rule,
                symptom_code=form.symptom_code,
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except QuietRefused as refused:
            form.add_error(None, str(refused))
        else:
            access_record(request, patient, AccessLog.Action.CARE)
            messages.success(
                request,
                _("Quieted. Its alerts are still recorded on the timeline, but not paged."),
            )
            return redirect("team:care", pk=patient.pk)
    # Shown again with what was typed.
    return _page(request, patient, status=400, quiet_form=form)


@require_POST
@clinician_required
def quiet_lift(request: HttpRequest, pk: int, quiet_pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    quiet = get_object_or_404(Quieting, pk=quiet_pk, patient=patient)
    if quieting_lift(quieting=quiet, by=request.user):
        access_record(request, patient, AccessLog.Action.CARE)
        messages.success(request, _("The quiet is lifted: the team is told again from now."))
    else:
        messages.info(request, _("That quiet had ended already."))
    return redirect("team:care", pk=patient.pk)


@require_POST
@clinician_required
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    if patient.is_discharged:
        messages.error(request, _("This patient is discharged: there is nothing to pause."))
        return redirect("team:care", pk=patient.pk)
    form = PauseForm(request.POST, today=patient.today())
    if not form.is_valid():
        return _page(request, patient, status=400, pause_form=form)
    care.patient_pause(
        patient=patient,
        resume_on=form.cleaned_data["resume_on"],
        reason=form.cleaned_data["reason"],
        by=request.user,
    )
    access_record(request, patient, AccessLog.Action.CARE)
    messages.success(
        request,
        _("Reminders and missed-diary checks are paused. Entries are still checked as usual."),
    )
    return redirect("team:care", pk=patient.pk)


@require_POST
@clinician_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    if care.patient_resume(patient=patient, by=request.user):
        access_record(request, patient, AccessLog.Action.CARE)
        messages.success(request, _("The pause has ended: reminders start again."))
    else:
        messages.info(request, _("The diary was not paused."))
    return redirect("team:care", pk=patient.pk)


@require_POST
@clinician_required
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = DischargeForm(request.POST)
    if not form.is_valid():
        return _page(request, patient, status=400, discharge_form=form)
    if care.patient_discharge(patient=patient, reason=form.cleaned_data["reason"], by=request.user):
        access_record(request, patient, AccessLog.Action.CARE)
        messages.success(request, _("Discharged. The diary no longer takes entries."))
    else:
        messages.info(request, _("This patient was discharged already."))
    return redirect("team:care", pk=patient.pk)


@require_POST
@clinician_required
def discharge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    form = UndoDischargeForm(request.POST)
    if not form.is_valid():
        return _page(request, patient, status=400, undo_form=form)
    result = care.patient_discharge_undo(
        patient=patient, reason=form.cleaned_data["reason"], by=request.user
    )
    if result is care.Undo.UNDONE:
        access_record(request, patient, AccessLog.Action.CARE)
        messages.success(
            request, _("The discharge is undone: the diary takes entries and reminds again.")
        )
    elif result is care.Undo.NEEDS_SECOND_PERSON:
        messages.error(
            request,
            _(
                "You discharged this patient more than a day ago: a second member of the team "
                "must undo it."
            ),
        )
        return _page(request, patient, status=409, undo_form=form)
    else:
        messages.info(request, _("This patient is not discharged."))
    return redirect("team:care", pk=patient.pk)


@require_POST
@clinician_required
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    patient = clinicians_patient(request, pk)
    result = enrolment.patient_invitation_resend(patient=patient)
    if result is enrolment.Resend.SENT:
        access_record(request, patient, AccessLog.Action.INVITE)
        messages.success(request, _("The invitation is on its way again."))
    elif result is enrolment.Resend.TOO_SOON:
        messages.info(
            request,
            _("An invitation was sent in the last 10 minutes. Please wait before sending another."),
        )
    else:
        messages.info(
            request, _("No invitation needed: the patient has set a password or is discharged.")
        )
    return redirect("team:care", pk=patient.pk)
