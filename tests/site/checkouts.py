"""A checkout of the project somewhere else, for the tests of what depends on where it is.

The settings find `.run/` beside their own folder, and `python -m scripts.services` and
`manage.py` work from the folder they are run in: those are copied (the working tree's, so
uncommitted changes are what is tested); everything else is a link to this checkout. No
`.run/`, `.git` or `.venv` comes along.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = {"diary_site", "scripts", "manage.py"}
LEFT_OUT = {".run", ".git", ".venv", "e2e-artifacts", "staticfiles", ".bench"}


def copy_checkout(parent: Path, name: str = "diary") -> Path:
    copy = parent / name
    copy.mkdir()
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.name in COPIED and entry.is_dir():
            shutil.copytree(entry, copy / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif entry.name in COPIED:
            shutil.copy2(entry, copy / entry.name)
        else:
            (copy / entry.name).symlink_to(entry)
    return copy
