"""Settings for the test suite: the real settings with a fixed dummy secret."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "memorymail://")
if not os.environ.get("DATABASE_URL"):
    # `pytest` run by hand, outside `make test`: the private cluster `make run` keeps, whose
    # URL it leaves in .run/database-url (scripts/services.py).
    _url_file = Path(__file__).resolve().parent.parent / ".run" / "database-url"
    try:
        os.environ["DATABASE_URL"] = _url_file.read_text().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not set and this checkout has no private PostgreSQL yet "
            f"({_url_file} is missing). Run the suite with `make test` (it starts a throwaway "
            "one), run `make run` once, or set DATABASE_URL."
        ) from None

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One cache per test process (rate limits); tests that need the shared Redis cache set it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Static files: production's manifest storage (a missing name raises, as it does in
# production), collected by tests/conftest.py into a folder of the suite's own.
STATIC_ROOT = BASE_DIR / ".run" / "test-static"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# WhiteNoise reads the collected files per request (they are collected after start-up).
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
