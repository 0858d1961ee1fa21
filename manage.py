#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.settings")
    if "DJANGO_DEBUG" not in os.environ and "DJANGO_SECRET_KEY" not in os.environ:
        # A checkout with nothing configured is a developer's: `manage.py check` should just
        # work there. Production sets DJANGO_SECRET_KEY (or DJANGO_DEBUG=false explicitly),
        # and then a missing secret still stops every command (diary_site/settings.py);
        # gunicorn and Celery never take this path.
        os.environ["DJANGO_DEBUG"] = "true"
        print("manage.py: no DJANGO_SECRET_KEY set; using development settings.", file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
