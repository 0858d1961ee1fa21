"""Dates as each language writes them (diary_core/dates.py): every pattern a patient's page
uses has a Spanish and a German form, and reads as those languages write dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from diary_core.dates import PATTERNS, local_date

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def used_patterns() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        found |= set(re.findall(r'\|day:"([^"]*)"', path.read_text()))
    return found


def test_every_pattern_the_pages_use_has_each_languages_form():
    used = used_patterns()
    assert "D j M, H:i" in used and "l j F" in used  # the finder finds them
    for language in ("es", "de"):
        assert used <= set(PATTERNS[language]), used - set(PATTERNS[language])


@pytest.mark.parametrize(
    ("language", "pattern", "expected"),
    [
        ("en-gb", "D j M", "Sat 5 Dec"),
        ("es", "D j M", "sáb, 5 dic"),  # was "sáb 5 Dic"
        ("de", "D j M", "Sa., 5. Dez"),  # was "Sa 5 Dez"
        ("en-gb", "l j F Y", "Saturday 5 December 2026"),
        ("es", "l j F Y", "sábado, 5 de diciembre de 2026"),
        ("de", "l j F Y", "Samstag, 5. Dezember 2026"),
        ("es", "j M", "5 dic"),
        ("de", "j M", "5. Dez"),
    ],
)
def test_a_date_reads_as_its_language_writes_it(language, pattern, expected):
    with translation.override(language):
        assert local_date(date(2026, 12, 5), pattern) == expected


def test_the_filter_shows_a_moment_in_the_current_time_zone():
    moment = datetime(2026, 12, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    template = Template('{% load days %}{{ moment|day:"D j M, H:i" }}')
    with translation.override("de"), timezone.override(ZoneInfo("Europe/Berlin")):
        assert template.render(Context({"moment": moment})) == "So., 6. Dez, 00:30"
