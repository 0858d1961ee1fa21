"""The words of the tests due (LAB-DUE) and the patient page's panel of them
(templates/team/labs_due/_panel.html), read by the panel itself so the patient page needs
no more than the one include."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.care.labs_due import PatientDue, params, patient_labs_due
from alerts.rules import labs_due as due
from alerts.ruleset.loading import rule_configs
from team.labs_due_forms import TreatmentStopForm

register = template.Library()


@register.simple_tag
def labs_due_of(patient) -> dict:
    """The patient's tests due, the clinic's parameters and the treatment-stop form."""
    ruleset = rule_configs()
    found: PatientDue = patient_labs_due(patient, now=timezone.now(), ruleset=ruleset)
    return {
        "items": found.items,
        "params": params(ruleset),
        "form": TreatmentStopForm(instance=patient, today=patient.today()),
    }


@register.filter
def due_what(item: due.DueItem) -> str:
    if item.what == due.IMMUNOGLOBULINS:
        return _("Immunoglobulins (IgG, IgM)")
    return _("Hepatitis B serology (%(markers)s)") % {"markers": ", ".join(item.missing)}


@register.filter
def due_why(item: due.DueItem, interval_months: int) -> str:
    if item.why == due.BASELINE:
        return _("Before the first dose")
    if item.why == due.AFTER_STOPPING:
        return ngettext(
            "Every month after stopping, until B-cell recovery",
            "Every %(n)s months after stopping, until B-cell recovery",
            interval_months,
        ) % {"n": interval_months}
    return ngettext(
        "Every month on treatment", "Every %(n)s months on treatment", interval_months
    ) % {"n": interval_months}


@register.filter
def due_status(item: due.DueItem) -> str:
    """ "Overdue by 3 days", "Due today", "Due in 5 days": in words, never by colour alone."""
    if item.overdue:
        return ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", item.days_overdue) % {
            "n": item.days_overdue
        }
    if item.days_left == 0:
        return _("Due today")
    return ngettext("Due in %(n)s day", "Due in %(n)s days", item.days_left) % {"n": item.days_left}
