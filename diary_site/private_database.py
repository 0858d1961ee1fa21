"""Where a developer's checkout finds its private PostgreSQL when DATABASE_URL is not set.

`make run` (scripts/services.py) leaves the private cluster's URL in `.run/database-url`
when it creates or starts it; the settings read that file and never import `scripts`. A
checkout where `make run` has not run yet still loads its settings — `manage.py check`,
`makemigrations --check` and `collectstatic` need no database — on a placeholder whose
socket folder says what is missing; `manage.py check` warns (diary.W002), and the first
query fails on that folder's name.
"""

from __future__ import annotations

from pathlib import Path

URL_FILE = Path(".run") / "database-url"
MISSING = Path(".run") / "no-database-yet"


def private_database_url(base_dir: Path) -> str:
    """The URL `make run` left, else the placeholder (see is_placeholder)."""
    try:
        return (base_dir / URL_FILE).read_text().strip()
    except FileNotFoundError:
        return f"postgres://postgres@/diary?host={base_dir / MISSING}"


def is_placeholder(host: str, base_dir: Path) -> bool:
    return host == str(base_dir / MISSING)
