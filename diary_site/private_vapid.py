"""A developer's checkout gets a VAPID key pair of its own, so push works in `make run`
with no configuration (settings.py asks for it only when DEBUG is on and no key is set).

The pair is made once and kept in `.run/vapid` (git-ignored, like `.run/database-url`):
browsers subscribed with it keep working across restarts. Production sets
WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY (`manage.py vapid_keys`).
"""

from __future__ import annotations

import os
from pathlib import Path

KEY_FILE = Path(".run") / "vapid"


def private_vapid_keys(base_dir: Path) -> tuple[str, str]:
    """(public, private) from `.run/vapid`, made first if missing; ("", "") when the
    checkout cannot be written (push is then off, and the page says so)."""
    path = base_dir / KEY_FILE
    try:
        public, private = path.read_text().split()
        return public, private
    except (OSError, ValueError):
        pass  # not made yet (or unreadable): make one
    from reach.vapid import new_key_pair

    public, private = new_key_pair()
    try:
        path.parent.mkdir(exist_ok=True)
        # Readable by this account only: it signs this checkout's pushes.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"{public}\n{private}\n")
    except OSError:
        return "", ""
    return public, private
