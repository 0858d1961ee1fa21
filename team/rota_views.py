"""A team's on-call rota: who is on call now and this week, the weekly pattern and the
swaps, for the team's own clinicians (another team's rota is 404). Times are the team's
wall time (its zone is shown); who is paged when is alerts/care/oncall.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.care.oncall import on_call
from alerts.models import RotaShift, RotaSwap
from patients.access import clinician_required
from patients.models import CareTeam
from team.rota_forms import ShiftForm, SwapForm

WEEK_DAYS = 7


def _team(request: HttpRequest, pk: int) -> CareTeam:
    """The clinician's own team, else 404 (the same page as a team that does not exist)."""
    return get_object_or_404(CareTeam.objects.for_clinician(request.user), pk=pk)


def _week(team: CareTeam, shifts: list[RotaShift], swaps: list[RotaSwap], now: datetime):
    """Today and the six days after, in the team's zone: each day's pattern rows and the
    swaps that touch it."""
    today = now.astimezone(team.zone).date()
    days = []
    for offset in range(WEEK_DAYS):
        day = today + timedelta(days=offset)
        start = datetime.combine(day, datetime.min.time(), tzinfo=team.zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=team.zone)
        days.append(
            {
                "date": day,
                "shifts": [s for s in shifts if s.weekday == day.weekday()],
                "swaps": [w for w in swaps if w.starts_at < end and w.ends_at > start],
            }
        )
    return days


def _page(request: HttpRequest, team: CareTeam, *, status: int = 200, **forms) -> HttpResponse:
    now = timezone.now()
    shifts = list(team.rota_shifts.select_related("on_call", "backup"))
    swaps = list(
        team.rota_swaps.filter(ends_at__gt=now).select_related("on_call", "backup", "created_by")
    )
    person, backup = on_call(team, now)
    return render(
        request,
        "team/rota.html",
        {
            "team": team,
            "now": now,
            "on_call": person,
            "backup": backup,
            "shifts": shifts,
            "swaps": swaps,
            "week": _week(team, shifts, swaps, now),
            "interval": team.urgent_escalation_minutes,
            "shift_form": forms.get("shift_form") or ShiftForm(team=team),
            "swap_form": forms.get("swap_form") or SwapForm(team=team, now=now),
        },
        status=status,
    )


@clinician_required
def rota_mine(request: HttpRequest) -> HttpResponse:
    """The rota of the clinician's first team."""
    team = CareTeam.objects.for_clinician(request.user).order_by("name").first()
    if team is None:
        return redirect("team:triage")
    return redirect("team:rota", pk=team.pk)


@clinician_required
def rota(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    with timezone.override(team.zone):
        return _page(request, team)


@require_POST
@clinician_required
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    with timezone.override(team.zone):
        form = ShiftForm(request.POST, team=team)
        if not form.is_valid():
            return _page(request, team, status=400, shift_form=form)
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            # The same row sent twice at once (a double tap): the second finds the first.
            form.add_error(
                "starts", _("This day already has a row starting then: remove that one first.")
            )
            return _page(request, team, status=400, shift_form=form)
    messages.success(request, _("The row is added to the weekly pattern."))
    return redirect("team:rota", pk=team.pk)


@require_POST
@clinician_required
def shift_remove(request: HttpRequest, pk: int, shift_pk: int) -> HttpResponse:
    team = _team(request, pk)
    shift = get_object_or_404(RotaShift, pk=shift_pk, team=team)
    shift.delete()
    messages.success(request, _("The row is removed from the weekly pattern."))
    return redirect("team:rota", pk=team.pk)


@require_POST
@clinician_required
def swap_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    with timezone.override(team.zone):
        form = SwapForm(request.POST, team=team)
        if not form.is_valid():
            return _page(request, team, status=400, swap_form=form)
        swap = form.save(commit=False)
        swap.created_by = request.user
        swap.save()
    messages.success(request, _("The swap is added."))
    return redirect("team:rota", pk=team.pk)


@require_POST
@clinician_required
def swap_remove(request: HttpRequest, pk: int, swap_pk: int) -> HttpResponse:
    team = _team(request, pk)
    swap = get_object_or_404(RotaSwap, pk=swap_pk, team=team)
    swap.delete()
    messages.success(request, _("The swap is removed."))
    return redirect("team:rota", pk=team.pk)
