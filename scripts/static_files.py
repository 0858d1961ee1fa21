"""The suite's collected static files (diary_site/test_settings.py: production's manifest
storage), collected again only when a source file is newer than the manifest."""

from __future__ import annotations

import os
from pathlib import Path

IGNORED = ["CVS", ".*", "*~"]  # collectstatic's own default ignore patterns


def collect_if_stale() -> bool:
    """Run collectstatic into STATIC_ROOT when its manifest is missing or older than any
    source file (Django must be set up). Returns whether it collected."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(
        os.path.getmtime(storage.path(path))
        for finder in finders.get_finders()
        for path, storage in finder.list(IGNORED)
    )
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return False
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    return True
