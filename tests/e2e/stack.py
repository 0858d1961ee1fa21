"""The whole system for the browser journeys, started as an operator would run it.

A database of its own, a private redis-server, gunicorn with two workers, one Celery
worker and exactly one beat (scripts/stack.py); migrations and the demo data first, so
the journeys begin where `make run` leaves a new user.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts.stack import ROOT, Stack, beat_command, new_stack, web_command, worker_command

__all__ = ["DEMO_PASSWORD", "ROOT", "E2EStack", "start_stack"]

DEMO_PASSWORD = "diary-demo-2026"  # the README's demo password (seed_demo)
DEMO_DEVICE = "Demo authenticator"


@dataclass
class E2EStack:
    stack: Stack
    # The last TOTP time step used per user: a code is accepted once.
    used_steps: dict[str, int] = field(default_factory=dict)

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
    stack = new_stack(
        workdir,
        logs,
        suffix="e2e",
        settings="diary_site.test_settings",
        env={"DJANGO_DEBUG": "false"},
    )
    try:
        stack.manage("migrate", "--no-input")
        stack.manage("seed_demo")
        stack.start("web", web_command(stack, workers=2))
        stack.start("worker", worker_command(2))
        stack.start("beat", beat_command(workdir))
        stack.wait_until_healthy()
        stack.wait_for_log("worker", "ready.")
    except Exception:
        stack.stop()
        raise
    return E2EStack(stack)
