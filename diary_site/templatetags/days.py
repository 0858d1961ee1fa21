"""{{ value|day:"D j M" }}: a date as the page's language writes it (diary_core/dates.py)."""

from __future__ import annotations

from django import template

from diary_core.dates import local_date

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def day(value, english: str) -> str:
    if value in (None, ""):
        return ""
    return local_date(value, english)
