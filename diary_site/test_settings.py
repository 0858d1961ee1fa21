"""Settings for the test suite: the real settings with a fixed dummy secret."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "memorymail://")
if not os.environ.get("DATABASE_URL"):
    # `pytest` run by hand, outside `make test` (which starts a throwaway one): the private
    # cluster `make run` keeps (diary_site/private_database.py).
    from diary_site.private_database import private_database_url

    os.environ["DATABASE_URL"] = private_database_url(Path(__file__).resolve().parent.parent)

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
