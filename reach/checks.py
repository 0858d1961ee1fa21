"""Deployment checks of the reach app: `manage.py check --deploy` warns about web push
half configured (or on without a subject), and about a text-message (SMS) set-up that would
silently send nothing, or send credentials in clear."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from reach.vapid import pair_matches


@register(Tags.security, deploy=True)
def check_push_keys(app_configs, **kwargs):
    public = settings.WEBPUSH_VAPID_PUBLIC_KEY
    private = settings.WEBPUSH_VAPID_PRIVATE_KEY
    if bool(public) != bool(private):
        missing = "WEBPUSH_VAPID_PRIVATE_KEY" if public else "WEBPUSH_VAPID_PUBLIC_KEY"
        return [
            Warning(
                f"Web push is off: {missing} is not set, only the other half of the pair.",
                hint="Set both from one `manage.py vapid_keys`, or neither.",
                id="reach.W001",
            )
        ]
    if not public:
        return []
    problems = []
    if not pair_matches(public, private):
        problems.append(
            Warning(
                "WEBPUSH_VAPID_PUBLIC_KEY is not the public half of WEBPUSH_VAPID_PRIVATE_KEY: "
                "browsers would subscribe with a key the server does not sign with.",
                hint="Set both from the same `manage.py vapid_keys` output.",
                id="reach.W003",
            )
        )
    if not settings.WEBPUSH_VAPID_SUBJECT.startswith(("mailto:", "https:")):
        problems.append(
            Warning(
                "Web push is on but WEBPUSH_VAPID_SUBJECT is not a mailto: or https: address.",
                hint="Push services use it to contact whoever runs this server; some refuse "
                "messages without it. E.g. mailto:diary-admin@your-clinic.example.",
                id="reach.W002",
            )
        )
    return problems


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
