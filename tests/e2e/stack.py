"""The whole system for the browser journeys, started as an operator would run it.

A database of its own, a private redis-server, gunicorn with two workers, one Celery
worker and exactly one beat (scripts/stack.py); migrations and the demo data first, so
the journeys begin where `make run` leaves a new user.

In production mode: the production settings (`diary_site.settings`, DJANGO_DEBUG=false),
the static files collected into a manifest storage, HTTPS with secure cookies (gunicorn
serves TLS with a throwaway certificate, as the proxy in front of it would), and mail,
error reports included, sent over SMTP to a local sink the journeys can read. Nothing
of the test settings runs here: what the journeys see is what production serves.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from reach.vapid import new_key_pair
from scripts.services import free_port
from scripts.smtp_sink import SmtpSink
from scripts.stack import ROOT, Stack, beat_command, new_stack, web_command, worker_command
from tests.reach.fake_sms import FakeSmsProvider

__all__ = ["DEMO_PASSWORD", "ROOT", "E2EStack", "start_stack"]

DEMO_PASSWORD = "diary-demo-2026"  # the README's demo password (seed_demo)
DEMO_DEVICE = "Demo authenticator"


ADMIN_ADDRESS = "ops@example.org"  # DJANGO_ADMINS: where the error reports go


@dataclass
class E2EStack:
    stack: Stack
    mail: SmtpSink
    # Where a journey runs its local push service (tests/reach/push_service.py); the
    # stack accepts subscriptions pointing there (WEBPUSH_TEST_SERVICE).
    push_port: int = 0
    # The last TOTP time step used per user: a code is accepted once.
    used_steps: dict[str, int] = field(default_factory=dict)
    # The SMS provider's API, faked: every text the stack sends is recorded there.
    sms: FakeSmsProvider | None = None

    @property
    def url(self) -> str:
        return self.stack.url

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.stack.query(sql, params)

    def totp_code(self, username: str) -> str:
        """The current code of a demo user's authenticator (as their phone would show it)."""
        from django_otp.oath import TOTP

        key, step, t0, digits = self.query(
            "SELECT d.key, d.step, d.t0, d.digits FROM otp_totp_totpdevice d "
            "JOIN patients_user u ON u.id = d.user_id WHERE u.username = %s AND d.name = %s",
            (username, DEMO_DEVICE),
        )[0]
        totp = TOTP(bytes.fromhex(key), step=step, t0=t0, digits=digits)
        while totp.t() <= self.used_steps.get(username, -1):
            time.sleep(0.5)  # that code was used; wait for the next one
            totp = TOTP(bytes.fromhex(key), step=step, t0=t0, digits=digits)
        self.used_steps[username] = totp.t()
        return f"{totp.token():0{digits}d}"


def start_stack(workdir: Path, logs: Path) -> E2EStack:
    mail = SmtpSink().start()
    vapid_public, vapid_private = new_key_pair()
    push_port = free_port()
    sms = FakeSmsProvider()
    stack = new_stack(
        workdir,
        logs,
        suffix="e2e",
        settings="diary_site.settings",
        tls=True,
        env={
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "EMAIL_URL": mail.url,
            "DJANGO_ADMINS": ADMIN_ADDRESS,
            "SENTRY_DSN": "",
            # Web push on, as production with keys from `manage.py vapid_keys`.
            "WEBPUSH_VAPID_PUBLIC_KEY": vapid_public,
            "WEBPUSH_VAPID_PRIVATE_KEY": vapid_private,
            "WEBPUSH_VAPID_SUBJECT": f"mailto:{ADMIN_ADDRESS}",
            "WEBPUSH_TEST_SERVICE": f"http://127.0.0.1:{push_port}",
            "SMS_API_BASE_URL": sms.url,
            "SMS_ACCOUNT_SID": "AC" + "e2e0" * 8,
            "SMS_AUTH_TOKEN": secrets.token_urlsafe(24),
            "SMS_FROM": "+447400000001",
        },
    )
    try:
        stack.manage("migrate", "--no-input")
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        # Demo data is refused in production; the journeys start from it on purpose.
        stack.manage("seed_demo", env={"DJANGO_DEBUG": "true"})
        stack.start("web", web_command(stack, workers=2))
        stack.start("worker", worker_command(2))
        stack.start("beat", beat_command(workdir))
        stack.wait_until_healthy()
        stack.wait_for_log("worker", "ready.")
    except Exception:
        stack.stop()
        mail.stop()
        sms.stop()
        raise
    return E2EStack(stack, mail, push_port=push_port, sms=sms)
