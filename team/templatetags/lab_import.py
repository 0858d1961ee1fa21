"""Words for the import page: a risk flag's name ("low_ig") as the team reads it."""

from __future__ import annotations

from django import template

from patients.models import Patient

register = template.Library()

# The patient fields whose labels name each flag (the risk-flag form's words).
FLAG_FIELDS = {**Patient.ER_FIELDS, "hbv_risk": "hbv_risk"}


@register.filter
def flag_words(name: str) -> str:
    field = FLAG_FIELDS.get(name)
    return str(Patient._meta.get_field(field).verbose_name) if field else name
