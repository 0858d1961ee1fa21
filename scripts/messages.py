"""The translation catalogues: `update` re-collects the strings, `compile` builds the .mo
files, `check` lists what is missing. `make messages` runs update then compile; `make run`,
`make test` and `make static` compile (the .mo files are built, never committed).

    python -m scripts.messages update     # makemessages for every shipped language
    python -m scripts.messages compile    # locale/*/LC_MESSAGES/django.po -> .mo (pure Python)
    python -m scripts.messages check      # untranslated strings and placeholder mismatches

`compile` uses polib, so a machine without GNU gettext can run the app; `update` needs
GNU gettext's xgettext, as Django's makemessages does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "de")  # English is the source language: its msgids are the English words.
# What makemessages reads: the apps' code and templates; not the tests, tools or venv.
IGNORED = (".venv", "tests", "bench", "scripts", "staticfiles", "e2e-artifacts", "node_modules")


def catalogue(root: Path, code: str) -> Path:
    return root / "locale" / code / "LC_MESSAGES" / "django.po"


def update(root: Path = ROOT) -> None:
    """Re-collect every marked string into locale/<lang>/LC_MESSAGES/django.po."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "diary_site.settings"),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "makemessages-only"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://makemessages/none"),
    }
    command = [sys.executable, "manage.py", "makemessages", "--no-location", "--no-obsolete"]
    command += [f"--locale={code}" for code in LANGUAGES]
    command += [f"--ignore={name}" for name in IGNORED]
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)  # noqa: S603 — our own manage.py


def compile_all(root: Path = ROOT) -> int:
    """Build each .mo next to its .po when the .po is newer; returns how many were built."""
    import polib

    built = 0
    for code in LANGUAGES:
        po_path = catalogue(root, code)
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        built += 1
    return built


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "compile"
    if action == "update":
        update()
        return 0
    if action == "compile":
        compile_all()
        return 0
    if action == "check":
        from diary_site.catalogues import catalogue_problems

        problems = [
            f"{code}: {p}" for code in LANGUAGES for p in catalogue_problems(catalogue(ROOT, code))
        ]
        print("\n".join(problems) or "Every string is translated in " + ", ".join(LANGUAGES))
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
