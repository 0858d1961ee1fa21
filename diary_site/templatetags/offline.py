"""{% offline_config %}: the offline script's JSON for this page (diary_core/offline.py)."""

from __future__ import annotations

from django import template
from django.utils.html import json_script

from diary_core import offline

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_config(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return json_script(offline.config(request, context), "diary-offline")
