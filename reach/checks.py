"""`manage.py check --deploy`: web push half configured, or on without a subject."""

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
