"""The shipped catalogues: every string translated in every language, placeholders kept,
and the committed .po files are what makemessages collects from today's code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from diary_site.catalogues import catalogue_problems
from scripts import messages

LANGUAGES = messages.LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_string_is_translated_with_its_placeholders(code):
    assert catalogue_problems(messages.catalogue(messages.ROOT, code)) == []


def _po(tmp_path: Path, *entries: polib.POEntry) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    path = tmp_path / "django.po"
    po.save(str(path))
    return path


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (polib.POEntry(msgid="Save", msgstr="Guardar"), []),
        (polib.POEntry(msgid="Save", msgstr=""), ["'Save': not translated"]),
        (
            polib.POEntry(msgid="Save", msgstr="Guardar", flags=["fuzzy"]),
            ["'Save': marked fuzzy (check it, then remove the flag)"],
        ),
        (
            polib.POEntry(msgid="Call %(number)s now", msgstr="Llame ahora"),
            ["'Call %(number)s now': placeholders differ from the English (%(number)s)"],
        ),
        (
            polib.POEntry(msgid="At {threshold_c} °C", msgstr="A {umbral} °C"),
            ["'At {threshold_c} °C': placeholders differ from the English ({threshold_c})"],
        ),
        (
            polib.POEntry(
                msgid="%(count)s entry",
                msgid_plural="%(count)s entries",
                msgstr_plural={0: "%(count)s entrada", 1: ""},
            ),
            ["'%(count)s entry': not translated (plural forms)"],
        ),
        (
            polib.POEntry(
                msgid="%(count)s entry at %(temp)s",
                msgid_plural="%(count)s entries at %(temp)s",
                msgstr_plural={0: "una entrada a %(temp)s", 1: "%(count)s entradas"},
            ),
            ["'%(count)s entry at %(temp)s': placeholders differ from the English"],
        ),
        (
            polib.POEntry(
                msgid="%(share).0f %% alert",
                msgstr="%(share).0f % alertan",
                flags=["python-format"],
            ),
            ["'%(share).0f %% alert': a lone % (write %%)"],
        ),
        (
            polib.POEntry(msgid="%(share).1f %%", msgstr="%(share).1f %%", flags=["python-format"]),
            [],
        ),
    ],
)
def test_the_check_finds_an_untranslated_string_or_a_lost_placeholder(tmp_path, entry, expected):
    assert catalogue_problems(_po(tmp_path, entry)) == expected


def _entries(path: Path) -> dict[tuple, str]:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): e.msgstr or repr(sorted(e.msgstr_plural.items()))
        for e in polib.pofile(str(path))
        if not e.obsolete
    }


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_makemessages_leaves_the_catalogues_unchanged(tmp_path):
    """Re-collect the strings from a copy of the committed tree: no string is new, none is
    gone, and no translation changed. A failure means: run `make messages`, translate."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=messages.ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    copy = tmp_path / "tree"
    for name in filter(None, files):
        source = messages.ROOT / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    messages.update(copy)
    for code in LANGUAGES:
        committed = _entries(messages.catalogue(messages.ROOT, code))
        collected = _entries(messages.catalogue(copy, code))
        assert sorted(set(collected) - set(committed)) == [], f"{code}: new strings"
        assert sorted(set(committed) - set(collected)) == [], f"{code}: strings no longer used"
        assert collected == committed


# gettext inside an f-string runs, but makemessages never sees it: the words would stay
# English in every language without the check above noticing.
HIDDEN = re.compile(r"""\bf(["']).*?\{\s*(?:_|gettext|pgettext|ngettext)\(""")


def test_no_translated_words_hide_inside_an_f_string():
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=messages.ROOT, capture_output=True, check=True, text=True
    ).stdout.split()
    hidden = [
        f"{name}:{number}"
        for name in files
        if not name.startswith(("tests/", "bench/", "scripts/")) and "/migrations/" not in name
        for number, line in enumerate((messages.ROOT / name).read_text().splitlines(), 1)
        if HIDDEN.search(line)
    ]
    assert hidden == []


@pytest.mark.parametrize("language", ["es", "de"])
def test_every_plural_has_all_its_forms(language):
    """Spanish has three plural forms: with only two, "3 steps to do" stayed in English."""
    import polib

    po = polib.pofile(f"locale/{language}/LC_MESSAGES/django.po")
    forms = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    missing = [
        e.msgid
        for e in po
        if e.msgid_plural
        and not e.obsolete
        and any(not e.msgstr_plural.get(i) for i in range(forms))
    ]
    assert missing == []
