"""Print a fresh VAPID key pair as environment lines, for the deployment's secrets."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reach.vapid import new_key_pair


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for web push as environment lines "
        "(WEBPUSH_VAPID_PUBLIC_KEY, WEBPUSH_VAPID_PRIVATE_KEY). Changing the pair "
        "unsubscribes every browser: each person turns notifications on again."
    )

    def handle(self, *args, **options) -> None:
        public, private = new_key_pair()
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private}")
        # On stderr, so that `manage.py vapid_keys >> .env` appends the two lines only.
        self.stderr.write(
            "Also set WEBPUSH_VAPID_SUBJECT to a mailto: or https: address where push "
            "services can reach whoever runs this diary."
        )
