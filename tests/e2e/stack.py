"""The whole system, started for the browser tests as an operator would run it.

A database of its own (PostgreSQL when DATABASE_URL points at it), a private redis-server,
gunicorn with two workers, one Celery worker and exactly one beat: real processes, started
here and stopped by PID. Migrations and the demo data are applied first, so the journeys
begin where `make run` leaves a new user.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

from tests.conftest import free_port, start_redis

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "diary-demo-2026"  # the README's demo password (seed_demo)
DEMO_DEVICE = "Demo authenticator"


@dataclass
class Stack:
    url: str
    database_url: str
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # The last TOTP time step used per user: a code is accepted once.
    used_steps: dict[str, int] = field(default_factory=dict)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the stack's database directly (the tests never write to it this way)."""
        parsed = urlparse(self.database_url)
        if parsed.scheme == "sqlite":
            with sqlite3.connect(parsed.path) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

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

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _server_url(database_url: str) -> str:
    parsed = urlparse(database_url)
    return urlunparse(parsed._replace(path="/postgres"))


def fresh_database(base_url: str, workdir: Path) -> str:
    """A new, empty database beside the configured one (or an SQLite file)."""
    parsed = urlparse(base_url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        return f"sqlite:///{workdir / 'e2e.sqlite3'}"
    name = f"{parsed.path.lstrip('/') or 'postgres'}_e2e"
    with psycopg.connect(_server_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path=f"/{name}"))


def drop_database(database_url: str) -> None:
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        return
    with psycopg.connect(_server_url(database_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting (see e2e-artifacts/logs/web.log)")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url}/healthz did not answer 200 within {seconds} s")


def start_stack(workdir: Path, logs: Path) -> Stack:
    logs.mkdir(parents=True, exist_ok=True)
    base = os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3")
    database_url = fresh_database(base, workdir)
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    url = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diary_site.test_settings",
        "DJANGO_DEBUG": "false",  # production code paths; test settings keep plain HTTP
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SITE_URL": url,
        "PORT": str(web_port),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(url=url, database_url=database_url, logs=logs)
    stack.processes["redis"] = start_redis(redis_port, workdir)
    python = sys.executable
    for args in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run(  # noqa: S603
            [python, "manage.py", *args], cwd=ROOT, env=env, check=True,
            stdout=(logs / "setup.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
    commands = {
        "web": [python, "-m", "gunicorn", "diary_site.wsgi:application", "-c",
                "gunicorn.conf.py", "--bind", f"127.0.0.1:{web_port}", "--workers", "2"],
        "worker": [python, "-m", "celery", "-A", "diary_site", "worker", "--concurrency", "2",
                   "--without-gossip", "--without-mingle", "-l", "info"],
        "beat": [python, "-m", "celery", "-A", "diary_site", "beat", "-l", "info",
                 "--schedule", str(workdir / "celerybeat-schedule")],
    }  # fmt: skip
    try:
        for name, command in commands.items():
            stack.processes[name] = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env,
                stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until_healthy(url, stack.processes["web"])
        _wait_for_log(stack, "worker", "ready.", 60)
    except Exception:
        stack.stop()
        drop_database(database_url)
        raise
    return stack


def _wait_for_log(stack: Stack, name: str, needle: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in stack.log(name):
            return
        if stack.processes[name].poll() is not None:
            raise RuntimeError(f"{name} exited while starting:\n{stack.log(name)[-2000:]}")
        time.sleep(0.3)
    raise RuntimeError(f"{name} did not get ready within {seconds} s")
