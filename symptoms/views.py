"""Patient diary views: today, the result prompt, edit, history."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.care.concerns import concern_callback
from alerts.care.evaluation import ENTRY_PARTS
from alerts.care.followup import follow_up_answer
from alerts.care.prompts import entries_advice, prompt_of, standing_advice
from alerts.care.recording import EntryRefused, entry_amend, entry_submit
from alerts.care.thresholds import (
    remeasure_requested,
    temperature_outside_normal,
    temperature_thresholds,
)
from alerts.models import FollowUp
from alerts.rules import RANK
from diary_core.config import request_config_version
from diary_core.offline import is_offline_copy
from patients.access import diary_owner
from patients.models import Patient
from symptoms.catalogue import active_symptoms
from symptoms.forms import SYMPTOM_PREFIX, EntryForm, unusual_key
from symptoms.history import HISTORY_DAYS, build_history, history_days
from symptoms.models import DiaryEntry, Symptom, SymptomReport
from symptoms.readings import to_celsius
from symptoms.services import (
    VITALS,
    EntryChanged,
    EntryData,
    data_summary,
    entry_data,
    entry_summary,
    same_entry,
    summary_changes,
)

RECENT_DAYS = timedelta(days=7)
# "Today so far" lists the latest entries of the day; older ones are in History.
TODAY_SHOWN = 10


def _get_entry_for_user(request: HttpRequest, pk: int) -> tuple[DiaryEntry, Patient]:
    """The entry if it is in the user's own diary (or the one they keep); 404 otherwise."""
    patient, _caregiver = diary_owner(request)
    entry = get_object_or_404(
        DiaryEntry.objects.prefetch_related(*ENTRY_PARTS), pk=pk, patient=patient
    )
    entry.patient = patient  # loaded already, with the team
    return entry, patient


def _who(request: HttpRequest, patient: Patient) -> dict:
    """Whose words the form uses: a caregiver reads about the patient by name."""
    if request.user.pk == patient.user_id:
        return {}
    return {"kept_for_name": patient.user.first_name or patient.user.username}


def _initial_from(entry: DiaryEntry | None, patient: Patient) -> dict:
    """Prefill from an entry ("same as last time" or edit)."""
    initial: dict = {"unit": patient.temperature_unit}
    if entry is None:
        return initial
    for report in entry.reports.all():
        code = report.symptom.code
        graded = report.symptom.kind == Symptom.Kind.GRADED and not report.symptom.is_red_flag
        initial[SYMPTOM_PREFIX + code] = report.grade if graded else bool(report.grade)
    reading = next(iter(entry.temperatures.all()), None)
    if reading is not None:
        initial.update(unit=reading.unit, site=reading.site)
    for name in VITALS:
        initial[name] = getattr(entry, name)
    initial["antipyretic_6h"] = entry.antipyretic_6h
    return initial


def _recent_symptoms(patient: Patient) -> set[str]:
    """Codes of the symptoms reported in the last RECENT_DAYS (shown first on the form)."""
    since = timezone.now() - RECENT_DAYS
    return set(
        SymptomReport.objects.filter(
            entry__patient=patient, entry__recorded_at__gte=since, grade__gt=0
        ).values_list("symptom__code", flat=True)
    )


def _entry_data(request: HttpRequest, form: EntryForm) -> EntryData:
    """What a valid form says.

    "I feel fine" saves no symptoms only when none were entered. It is the form's first
    button, so Enter in the temperature box presses it: symptoms or red flags the patient
    ticked are kept and evaluated, never dropped (docs/clinical-safety.md, decision 26).
    """
    grades = form.grades()
    feels_fine = form.fine and not grades
    return EntryData.from_form(form.cleaned_data, grades, feels_fine=feels_fine)


@login_required
def today(request: HttpRequest) -> HttpResponse:
    patient, caregiver = diary_owner(request)
    if patient.is_discharged:
        # Nobody reads this diary any more: take no entry, and say whom to call instead.
        return _discharged(request, patient)
    version = request_config_version()  # the catalogue's and the rules' (diary_core.config)
    symptoms = active_symptoms(version)
    who = _who(request, patient)
    status, bound = 200, None
    if request.method == "POST":
        form = EntryForm(request.POST, symptoms=symptoms, patient_zone=patient.zone, **who)
        valid, left_out = form.is_valid(), []
        if not valid and (rescued := form.salvaged()) is not None:
            form, left_out = rescued  # a warning sign is saved even so
            valid = True
        if valid:
            data = _entry_data(request, form)
            try:
                entry, created = entry_submit(
                    patient=patient,
                    entered_by=request.user,
                    data=data,
                    client_key=form.cleaned_data["client_key"],
                    caregiver=caregiver,
                    catalogue={s.code: s for s in symptoms},
                    config_version=version,
                    # Counted under the patient's lock, with the Save's other reads.
                    refuse=lambda saved: _past_hourly_bound(patient, data, saved),
                )
            except EntryRefused:
                bound = settings.DIARY_ENTRIES_PER_HOUR  # the page says so; what was typed stays
                status = 429
            else:
                if not created:
                    messages.info(request, _("This entry was already saved."))
                if left_out:
                    messages.warning(
                        request,
                        _(
                            "The warning sign is saved and the team is told. Left out, because "
                            "it could not be read: %(items)s"
                        )
                        % {"items": "; ".join(left_out)},
                    )
                return redirect("symptoms:result", pk=entry.pk)
        # Shown again with what was typed: the recent symptoms first, as before.
        form.recent = frozenset(_recent_symptoms(patient))
    elif is_offline_copy(request):
        # The service worker's copy, for opening the form offline: the empty form only; the
        # script gives it a client key of its own each time (docs/security.md).
        form = EntryForm(
            initial=_initial_from(None, patient),
            symptoms=symptoms,
            patient_zone=patient.zone,
            **who,
        )
    else:
        previous = None
        if request.GET.get("same"):
            previous = (
                DiaryEntry.objects.for_patient(patient)
                .prefetch_related("temperatures", "reports__symptom")
                .first()
            )
        initial = _initial_from(previous, patient)
        initial["client_key"] = uuid.uuid4()
        form = EntryForm(
            initial=initial,
            symptoms=symptoms,
            patient_zone=patient.zone,
            recent=_recent_symptoms(patient),
            **who,
        )
    if is_offline_copy(request):
        # None of this person's entries, questions, advice or messages in the copy.
        extra = {"todays": [], "messages": (), "standing": None}
    else:
        day_start = datetime.combine(patient.today(), time.min, tzinfo=patient.zone)
        todays = (
            DiaryEntry.objects.for_patient(patient).since(day_start).order_by("-recorded_at", "-pk")
        )
        shown = list(todays.prefetch_related("temperatures", "reports__symptom")[:TODAY_SHOWN])
        extra = {
            "todays": shown,
            "todays_more": todays.count() - len(shown) if len(shown) == TODAY_SHOWN else 0,
            "standing": standing_advice(patient),
            # Said beside the re-measure box; the box is ticked only by the patient.
            "remeasure_asked": remeasure_requested(patient),
        }
    return render(
        request,
        "symptoms/today.html",
        {
            "form": form,
            "patient": patient,
            "caregiver": caregiver,
            "bound": bound,
            # What the offline script checks before keeping an entry on the phone.
            "offline_checks": form.offline_checks(patient.team.emergency_number),
            **extra,
        },
        status=status,
    )


def _past_hourly_bound(patient: Patient, data: EntryData, saved: int) -> bool:
    """True when the entry is not to be saved: settings.DIARY_ENTRIES_PER_HOUR entries were
    saved in the last hour (`saved`: a flood, not a person) and no rule could act on this
    one. A symptom or warning sign, a vital sign, a planned vaccine, fever medicine, a
    re-measure (ticked, or asked for), or a temperature outside the normal band is always
    saved (docs/clinical-safety.md item 40). A repeat of an entry saved before the bound
    was reached is never refused: entry_submit finds it first."""
    if saved < settings.DIARY_ENTRIES_PER_HOUR:
        return False
    return not (
        any(data.grades.values())
        or data.vitals
        or data.planned_vaccine
        or data.planned_vaccine_live
        or data.antipyretic_6h
        or any(reading.confirmed for reading in data.readings)
        or temperature_outside_normal([to_celsius(r.value, r.unit) for r in data.readings])
        or remeasure_requested(patient)
    )


def _discharged(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The page a discharged patient sees instead of the diary form (nothing is saved)."""
    if request.method == "POST":
        messages.error(request, _("This entry was not saved: the diary is closed."))
    return render(request, "symptoms/discharged.html", {"patient": patient})


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """The advice recorded for the entry when it was saved ("read the advice again" comes
    here too): never evaluated again with today's rules."""
    entry, patient = _get_entry_for_user(request, pk)
    prompt = prompt_of(entry)
    standing = standing_advice(patient)
    if standing is not None and RANK[standing.standing] <= RANK[prompt.level]:
        standing = None  # this entry's own advice says as much, or more
    # Warning signs ticked: whatever the rules made of them, the page says to call now.
    red_flags = [r.symptom.label for r in entry.reports.all() if r.grade and r.symptom.is_red_flag]
    return render(
        request,
        "symptoms/result.html",
        {
            "entry": entry,
            "patient": patient,
            "prompt": prompt,
            "standing": standing,
            "red_flags": red_flags,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry, patient = _get_entry_for_user(request, pk)
    if patient.is_discharged:
        return _discharged(request, patient)
    if entry.local_day != patient.today():
        messages.info(request, _("You can change an entry only on the day you made it."))
        return redirect("symptoms:history")
    version = request_config_version()  # the catalogue's and the rules' (diary_core.config)
    symptoms = active_symptoms(version)
    who = _who(request, patient)
    if request.method == "POST":
        form = EntryForm(request.POST, symptoms=symptoms, patient_zone=patient.zone, **who)
        if form.is_valid():
            data = _entry_data(request, form)
            if _same_wall_minute(data.recorded_at, entry.recorded_at, patient.zone):
                # The time as shown, unchanged: the saved instant (in the hour the clocks
                # go back, 01:10 is two instants and the form cannot say which).
                data = replace(data, recorded_at=entry.recorded_at)
            try:
                entry_amend(
                    entry=entry,
                    data=data,
                    by=request.user,
                    catalogue={s.code: s for s in symptoms},
                    expected_version=form.cleaned_data["version"],
                    config_version=version,
                )
            except EntryChanged as changed:
                return _changed_page(request, changed.entry, data, patient, symptoms)
            messages.success(request, _("Your changes are saved."))
            return redirect("symptoms:result", pk=entry.pk)
    else:
        initial = _initial_from(entry, patient)
        reading = next(iter(entry.temperatures.all()), None)
        initial.update(
            client_key=entry.client_key,
            version=entry.version,
            temperature=reading.value if reading else None,
            confirmed=reading.confirmed if reading else False,
            # A reading confirmed as right is not asked about again unless it is changed; its
            # re-measure box stays the patient's to untick.
            answered_unusual=(
                unusual_key(reading.value, reading.unit) if reading and reading.confirmed else ""
            ),
            note=entry.note,
            no_thermometer=entry.no_thermometer,
            planned_vaccine=entry.planned_vaccine,
            planned_vaccine_live=entry.planned_vaccine_live,
            measured_at=entry.recorded_at.astimezone(patient.zone).strftime("%Y-%m-%dT%H:%M"),
        )
        for name in VITALS:
            initial[f"{name}_confirmed"] = getattr(entry, f"{name}_confirmed")
        form = EntryForm(initial=initial, symptoms=symptoms, patient_zone=patient.zone, **who)
    return render(
        request,
        "symptoms/today.html",
        {"form": form, "patient": patient, "editing": entry, "todays": []},
    )


def _same_wall_minute(typed: datetime | None, saved: datetime, zone) -> bool:
    if typed is None:
        return False

    def shown(at: datetime) -> datetime:
        return at.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)

    return shown(typed) == shown(saved)


def _changed_page(
    request: HttpRequest,
    saved: DiaryEntry,
    typed: EntryData,
    patient: Patient,
    symptoms: list[Symptom],
) -> HttpResponse:
    """The entry was saved by someone else (another tab, a caregiver) after this page was
    opened: show both versions side by side, keep every box as the person filled it, and
    let them choose. A second Save replaces the saved entry on purpose."""
    labels = {symptom.code: symptom for symptom in symptoms}
    typed = replace(typed, recorded_at=typed.recorded_at or saved.recorded_at)  # time unchanged
    if same_entry(entry_data(saved), typed):  # both copies say the same: nothing to choose
        messages.info(request, _("This entry was already saved with these answers."))
        return redirect("symptoms:result", pk=saved.pk)
    before = entry_summary(saved)
    after = data_summary(typed, patient=patient, symptoms=labels)
    differences = summary_changes(before, after)
    # Each accepted change is an amendment: the latest names who made the saved version.
    last = saved.amendments.select_related("amended_by").order_by("-amended_at", "-pk").first()
    by = last.amended_by if last and last.amended_by_id != request.user.pk else None
    fresh = request.POST.copy()
    fresh["version"] = str(saved.version)  # Save now means "mine, over that one"
    form = EntryForm(fresh, symptoms=symptoms, patient_zone=patient.zone, **_who(request, patient))
    form.is_valid()
    return render(
        request,
        "symptoms/today.html",
        {
            "form": form,
            "patient": patient,
            "editing": saved,
            "todays": [],
            "changed": {"at": saved.updated_at, "by": by, "differences": differences},
        },
        status=409,
    )


@login_required
@require_POST
def follow_up(request: HttpRequest) -> HttpResponse:
    """Record the answer to "Did you reach someone?" about the advice that stands."""
    patient, _caregiver = diary_owner(request)
    answer = request.POST.get("answer")
    if answer not in FollowUp.Answer.values:
        messages.error(request, _("Please choose one of the answers."))
        return redirect("symptoms:today")
    concern = follow_up_answer(patient, answer=answer, user=request.user)
    if concern is None:
        messages.info(request, _("There is no advice waiting for an answer."))
    elif answer == FollowUp.Answer.NOT_YET:
        messages.warning(
            request,
            _("Please phone your MS team today on %(phone)s. If you feel worse, call %(number)s.")
            % {"phone": patient.team.phone, "number": patient.team.emergency_number},
        )
    else:
        messages.success(request, _("Thank you. Your team can see your answer."))
    return redirect(_next_page(request))


@login_required
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    """ "Ask the team to call me" (the owner, else the team, is told once)."""
    patient, _caregiver = diary_owner(request)
    concern = concern_callback(patient=patient, by=request.user)
    if concern is None:
        messages.info(request, _("There is no advice open for your team to call about."))
    else:
        messages.success(
            request,
            _(
                "Your team has been asked to call you back. The diary is not watched all the "
                "time: if you feel worse, call %(number)s."
            )
            % {"number": patient.team.emergency_number},
        )
    return redirect(_next_page(request))


def _next_page(request: HttpRequest) -> str:
    """Back to the diary page the form was on (these forms sit on several)."""
    target = request.POST.get("next", "")
    allowed = {"symptoms:today", "symptoms:history"}
    return target if target in allowed else "symptoms:today"


@login_required
def history(request: HttpRequest) -> HttpResponse:
    patient, _caregiver = diary_owner(request)
    days = history_days(request.GET.get("days"))
    context = build_history(
        patient,
        days=days,
        unit=patient.temperature_unit,
        thresholds=temperature_thresholds(patient),
    )
    return render(
        request,
        "symptoms/history.html",
        {
            **context,
            "patient": patient,
            "choices": HISTORY_DAYS,
            "now": timezone.now(),
            "standing": standing_advice(patient),
            "advice": entries_advice(patient, since=context["since"], page=request.GET.get("page")),
        },
    )
