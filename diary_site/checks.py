"""Deployment checks: `manage.py check --deploy` fails on a production that would leak or
lose mail, or tell nobody about its errors."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from diary_site.private_database import is_placeholder

# Backends that print, keep or drop mail instead of sending it.
NOT_SENDING = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security, deploy=True)
def check_mail_is_sent(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND not in NOT_SENDING:
        return []
    return [
        Error(
            f"E-mail is not sent in production: EMAIL_BACKEND is {settings.EMAIL_BACKEND}.",
            hint="Set EMAIL_URL to your SMTP server (smtp+tls://user:password@host:587). "
            "Printed mail puts live invitation and password-reset links in the logs.",
            id="diary.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_errors_reach_someone(app_configs, **kwargs):
    if settings.DEBUG or settings.SENTRY_DSN or settings.ADMINS:
        return []
    return [
        Warning(
            "Nobody is told about server errors: neither SENTRY_DSN nor DJANGO_ADMINS is set.",
            hint="The error page tells patients the team has been told; make it true.",
            id="diary.W001",
        )
    ]


@register()
def check_a_database_is_configured(app_configs, **kwargs):
    """A developer's checkout before its first `make run`: the settings load on a
    placeholder (diary_site/private_database.py), and this says what to do."""
    database = settings.DATABASES["default"]
    host = str(database.get("HOST") or database.get("OPTIONS", {}).get("host", ""))
    if not is_placeholder(host, settings.BASE_DIR):
        return []
    return [
        Warning(
            "No database yet: DATABASE_URL is not set and this checkout has no private "
            "PostgreSQL (.run/database-url is missing).",
            hint="Run `make run` once (it creates the private cluster and writes that file), "
            "run the suite with `make test`, or set DATABASE_URL, e.g. "
            "postgres://user:password@host:5432/diary.",
            id="diary.W002",
        )
    ]
