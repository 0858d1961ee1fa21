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

# %(name)s, %(value).1f, %s, {name}; and %% (a literal percent sign in a python-format string).
PLACEHOLDERS = re.compile(r"%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[sdifrxX]|\{\w+\}")
PERCENT = re.compile(r"%%")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDERS.finditer(PERCENT.sub("", text or "")))


def lone_percent(text: str) -> bool:
    """A % that is neither a placeholder nor %%: rendering the string would fail."""
    return "%" in PLACEHOLDERS.sub("", PERCENT.sub("", text or ""))


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
            # A form may leave out the count ("one entry" for %(count)s), never add one; the
            # last (the general plural) has every placeholder of the English plural.
            wrong = any(not set(placeholders(t)) <= set(singular) | set(plural) for t in forms)
            if wrong or set(placeholders(forms[-1])) != set(plural):
                problems.append(f"{name}: placeholders differ from the English")
            elif "python-format" in entry.flags and any(lone_percent(t) for t in forms):
                problems.append(f"{name}: a lone % (write %%)")
            continue
        if not entry.msgstr:
            problems.append(f"{name}: not translated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(
                f"{name}: placeholders differ from the English "
                f"({', '.join(placeholders(entry.msgid)) or 'none'})"
            )
        elif "python-format" in entry.flags and lone_percent(entry.msgstr):
            problems.append(f"{name}: a lone % (write %%)")
    return problems
