"""Dates as each language writes them: the one table of our date patterns per language.

Templates and charts name a pattern in its English form ("D j M, H:i"); Spanish and German
have their own punctuation and words: "sáb, 5 dic, 09:30", "Sa., 5. Dez, 09:30",
"viernes, 18 de diciembre de 2026", "Freitag, 18. Dezember 2026". Django's own locale
formats name only a handful of patterns (DATE_FORMAT, MONTH_DAY_FORMAT…), none with a
weekday and no year, so the diary keeps its own here (issue 32). A pattern missing for a
language is used as written, so nothing breaks; tests/site/test_dates.py checks that every
pattern the templates use has each language's form.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

PATTERNS: dict[str, dict[str, str]] = {
    "es": {
        "j M": r"j b",
        "D j M": r"D, j b",
        "j M Y": r"j b Y",
        "M Y": r"b Y",
        "j M H:i": r"j b, H:i",
        "D j M, H:i": r"D, j b, H:i",
        "D j M Y, H:i": r"D, j b Y, H:i",
        "j F": r"j \d\e F",
        "j F Y": r"j \d\e F \d\e Y",
        "l j F": r"l, j \d\e F",
        "l j F, H:i": r"l, j \d\e F, H:i",
        "l j F Y": r"l, j \d\e F \d\e Y",
        "l j F Y, H:i": r"l, j \d\e F \d\e Y, H:i",
        "l H:i": r"l, H:i",
    },
    "de": {
        "j M": "j. M",
        "D j M": "D., j. M",
        "j M Y": "j. M Y",
        "M Y": "M Y",
        "j M H:i": "j. M, H:i",
        "D j M, H:i": "D., j. M, H:i",
        "D j M Y, H:i": "D., j. M Y, H:i",
        "j F": "j. F",
        "j F Y": "j. F Y",
        "l j F": "l, j. F",
        "l j F, H:i": "l, j. F, H:i",
        "l j F Y": "l, j. F Y",
        "l j F Y, H:i": "l, j. F Y, H:i",
        "l H:i": "l, H:i",
    },
}


def pattern_for(english: str, language: str | None = None) -> str:
    """The active language's form of an English date pattern."""
    code = (language or get_language() or "en-gb").split("-")[0]
    return PATTERNS.get(code, {}).get(english, english)


def local_date(value, english: str) -> str:
    """`value` (a date, or a datetime shown in the current time zone) in the active
    language's form of the pattern."""
    return date_filter(value, pattern_for(english))
