"""Deployment checks of the reach app: `manage.py check --deploy` warns about a text-message
(SMS) set-up that would silently send nothing, or send credentials in clear."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

SMS_SETTINGS = ("SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM")


@register(Tags.security, deploy=True)
def sms_check_configured(app_configs, **kwargs):
    """Some of the account, token and sender set, not all: SMS is off, and the on-call
    pages by text would fail without anyone having chosen that."""
    missing = [name for name in SMS_SETTINGS if not getattr(settings, name)]
    if not missing or len(missing) == len(SMS_SETTINGS):
        return []
    return [
        Warning(
            f"Text messages are partly set up: {', '.join(missing)} not set, so none are sent.",
            hint="Set SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM together (or none of them).",
            id="reach.W101",
        )
    ]


@register(Tags.security, deploy=True)
def sms_check_https(app_configs, **kwargs):
    """The provider is sent the account's token with every message: only over TLS."""
    if settings.DEBUG or settings.SMS_API_BASE_URL.lower().startswith("https://"):
        return []
    return [
        Warning(
            f"SMS_API_BASE_URL is not https: {settings.SMS_API_BASE_URL}",
            hint="The SMS provider is sent the account's token and the numbers with every "
            "message; use its https:// address.",
            id="reach.W102",
        )
    ]
