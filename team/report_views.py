"""The clinic report pages: one team or all the clinician's teams, last 7 / 30 / 90 days."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diary_core.next_page import next_page
from patients.access import clinician_required, clinicians_patient
from patients.models import CareTeam, Patient, PatientReminder
from symptoms.reminders import gap_reminders
from team import adherence
from team import report as figures
from team.exports import CSV_BOM, CSV_CONTENT_TYPE, _safe
from team.report_charts import bar_chart


def _scope(request: HttpRequest) -> tuple[list[CareTeam], CareTeam | None, int]:
    """The clinician's teams, the chosen one (None: all of them) and the period in days.

    A team that is not the clinician's is a 404 (as every page about another team's data);
    a period that is not offered falls back to the default with a message.
    """
    teams = list(CareTeam.objects.for_clinician(request.user).order_by("name"))
    chosen = None
    team_param = request.GET.get("team", "")
    if team_param:
        chosen = next((t for t in teams if team_param.isdigit() and t.pk == int(team_param)), None)
        if chosen is None:
            raise Http404
    days_param = request.GET.get("days", "")
    days = figures.DEFAULT_PERIOD
    if days_param:
        if days_param.isdigit() and int(days_param) in figures.PERIODS:
            days = int(days_param)
        else:
            messages.warning(
                request, _("Choose a period of 7, 30 or 90 days; showing the last 30 days.")
            )
    return teams, chosen, days


def _team_ids(teams: list[CareTeam], chosen: CareTeam | None) -> list[int]:
    return [chosen.pk] if chosen else [t.pk for t in teams]


def _build(request: HttpRequest):
    teams, chosen, days = _scope(request)
    team_ids = _team_ids(teams, chosen)
    built = figures.report_build(team_ids=team_ids, days=days, now=timezone.now())
    scope = chosen.name if chosen else _("All my teams")
    return teams, chosen, days, built, scope


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _n(value: float | None, places: int = 1) -> str:
    # Round first: number_format cuts extra decimals off rather than rounding them.
    return "—" if value is None else number_format(round(value, places), decimal_pos=places)


@clinician_required
def report(request: HttpRequest) -> HttpResponse:
    """The report page: figures, a chart and a data table for each."""
    teams, chosen, days, built, scope = _build(request)
    charts = {
        "levels": bar_chart(
            summary=_("Alerts per 100 patient-weeks by level"),
            bars=[(str(level), rate, _n(rate)) for level, _count, rate in built.level_rates],
        ),
        "rules": bar_chart(
            summary=_("Alerts per 100 patient-weeks by rule"),
            bars=[
                (r.rule_id, r.per_100_patient_weeks, _n(r.per_100_patient_weeks))
                for r in built.rules
            ],
        ),
        "alerting": bar_chart(
            summary=_("Share of entries that raised an alert, beside the oncology benchmark"),
            bars=[
                (_("Any alert (ours)"), built.alerting_share, _pct(built.alerting_share)),
                (
                    _("Team alert (ours)"),
                    built.team_alerting_share,
                    _pct(built.team_alerting_share),
                ),
                (
                    _("Oncology ePRO"),
                    figures.BENCHMARK_ALERTING_SHARE,
                    _pct(figures.BENCHMARK_ALERTING_SHARE),
                ),
            ],
            reference=2,
            scale_max=1.0,
        ),
        "within": bar_chart(
            summary=_("Share of team alerts acknowledged within target, by level"),
            bars=[
                (r.level, r.within_target_share, _pct(r.within_target_share))
                for r in built.responses
            ],
            scale_max=1.0,  # shares: the full width is 100 %
        ),
    }
    use = adherence.patient_use(team_ids=_team_ids(teams, chosen), start=built.start, end=built.end)
    context = {
        "use": use,
        "quiet": [row for row in use if row.quiet(built.end)],
        "quiet_days": adherence.QUIET_DAYS,
        "benchmark_completion": figures.BENCHMARK_COMPLETION,
        "benchmark_per_100": figures.BENCHMARK_ALERTS_PER_100_ENTRIES,
        "teams": teams,
        "chosen": chosen,
        "days": days,
        "periods": figures.PERIODS,
        "report": built,
        "scope": scope,
        "charts": charts,  # SVG, escaped in bar_chart
        "benchmark": figures.BENCHMARK_ALERTING_SHARE,
        "escalations": [
            (str(lv), built.escalations.get(lv, 0)) for lv in figures.TEAM_LEVELS_ORDER
        ],
        "query": request.GET.urlencode(),
    }
    return render(request, "team/report/report.html", context)


@clinician_required
def report_csv(request: HttpRequest) -> HttpResponse:
    """The same figures as the page, one figure a row."""
    _teams, chosen, days, built, scope = _build(request)
    out = io.StringIO(CSV_BOM)
    out.seek(0, io.SEEK_END)
    writer = csv.writer(out)
    for row in figures.report_csv_rows(built, scope=scope):
        writer.writerow([_safe(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type=CSV_CONTENT_TYPE)
    name = f"clinic-report-{chosen.pk if chosen else 'all'}-{days}d.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@clinician_required
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a patient who has not written for a while the "your diary is waiting" e-mail
    (the DIARY-GAP-2 reminder: no health data, one a day at most)."""
    patient = clinicians_patient(request, pk, among=Patient.objects.monitored(timezone.now()))
    now = timezone.now()
    today = patient.local_day(now)
    already = patient.reminders.filter(kind=PatientReminder.Kind.GAP, local_day=today).exists()
    back = redirect(next_page(request, default=reverse("team:report")))
    # Never "on its way" for an e-mail the sender would skip: say why, and what to do.
    if not patient.user.has_usable_password():
        messages.warning(
            request,
            _(
                "%(name)s has not set a password yet, so a reminder would not help: send the "
                "invitation again from their care page."
            )
            % {"name": patient.display_name},
        )
        return back
    if not patient.reminders_enabled:
        messages.warning(
            request,
            _("%(name)s has turned reminder e-mails off. Please phone them instead.")
            % {"name": patient.display_name},
        )
        return back
    if already:
        messages.info(
            request,
            _("%(name)s already had a reminder today; one a day at most.")
            % {"name": patient.display_name},
        )
    else:
        gap_reminders([patient], now=now)
        messages.success(
            request,
            _("A reminder e-mail is on its way to %(name)s.") % {"name": patient.display_name},
        )
    return back
