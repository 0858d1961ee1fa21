"""What a translation catalogue is missing: the check `make test` runs on every shipped
language (tests/site/test_catalogues.py) and `python -m scripts.messages check` prints.

A string is missing when it has no translation or is marked fuzzy (a guess by gettext that
nobody has confirmed). A translation is wrong when its placeholders differ from the English:
%(name)s and {name} must all be there, and no other, or the sentence would lose the
temperature it is about, or fail to render.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

PLACEHOLDERS = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}|%[sdif]")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDERS.finditer(text or ""))


def catalogue_problems(path: Path | str) -> list[str]:
    """One line per untranslated, fuzzy or mismatched string; [] when all is well."""
    problems = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        name = repr(entry.msgid[:60])
        if entry.fuzzy:
            problems.append(f"{name}: marked fuzzy (check it, then remove the flag)")
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            if not forms or not all(forms):
                problems.append(f"{name}: not translated (plural forms)")
                continue
            singular, plural = placeholders(entry.msgid), placeholders(entry.msgid_plural)
            for text in forms:
                # A plural form may leave out the count ("one entry" for %(count)s).
                if not set(placeholders(text)) <= set(singular) | set(plural):
                    problems.append(f"{name}: placeholders differ from the English")
                    break
            continue
        if not entry.msgstr:
            problems.append(f"{name}: not translated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(
                f"{name}: placeholders differ from the English "
                f"({', '.join(placeholders(entry.msgid)) or 'none'})"
            )
    return problems
