"""Deployment checks: `manage.py check --deploy` fails on a production that would leak or
lose mail, or tell nobody about its errors."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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
