"""Print the current two-factor code of a demo user's authenticator (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary_site.management.commands.seed_demo import DEMO_DEVICE


class Command(BaseCommand):
    help = "Show the current code of a demo user's authenticator (only with DJANGO_DEBUG=true)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code works only in development (DJANGO_DEBUG=true).")
        device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (run seed_demo first).")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
