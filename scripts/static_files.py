"""The suite's collected static files (diary_site/test_settings.py: production's manifest
storage), collected again only when a source file is newer than the manifest. The suite's
pytest-xdist workers share the folder: one collects while the others wait for it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

IGNORED = ["CVS", ".*", "*~"]  # collectstatic's own default ignore patterns


def collect_if_stale() -> bool:
    """Run collectstatic into STATIC_ROOT when its manifest is missing or older than any
    source file (Django must be set up). Returns whether it collected."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    manifest = root / "staticfiles.json"
    newest = max(
        os.path.getmtime(storage.path(path))
        for finder in finders.get_finders()
        for path, storage in finder.list(IGNORED)
    )
    root.parent.mkdir(parents=True, exist_ok=True)
    # Checked again under the lock: a worker that waited finds the folder collected.
    with open(root.parent / f".{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest.exists() and manifest.stat().st_mtime >= newest:
            return False
        call_command("collectstatic", interactive=False, clear=True, verbosity=0)
        return True
