"""The whole system as real processes, for the browser tests and the benchmarks.

A database of its own (a new PostgreSQL database beside DATABASE_URL's: `make` runs this
on a private cluster when DATABASE_URL is not set), a private redis-server on a free port
(scripts/services.py), gunicorn, one Celery worker and optionally beat. Everything is
started here, on loopback only, and stopped by PID.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from scripts.services import RedisServer, database_of, free_port, start_redis, with_database

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Stack:
    url: str
    database_url: str
    redis_url: str
    logs: Path
    env: dict[str, str]
    redis: RedisServer
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # With TLS: gunicorn's certificate and key (one PEM), and the throwaway CA that signed it.
    server_pem: Path | None = None
    ca_pem: Path | None = None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the stack's database directly (callers never write to it this way)."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def manage(self, *args: str, env: dict[str, str] | None = None) -> None:
        """Run a manage.py command against the stack (output to setup.log); env: changes
        to the stack's environment for this command only."""
        with (self.logs / "setup.log").open("a") as log:
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env={**self.env, **(env or {})},
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self, name: str, command: Sequence[str]) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603
            list(command),
            cwd=ROOT,
            env=self.env,
            stdout=(self.logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def wait_for_log(self, name: str, needle: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if needle in self.log(name):
                return
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited while starting:\n{self.log(name)[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not get ready within {seconds} s")

    def wait_until_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.processes["web"].poll() is not None:
                raise RuntimeError(f"gunicorn exited while starting:\n{self.log('web')[-2000:]}")
            try:
                with urllib.request.urlopen(  # noqa: S310
                    f"{self.url}/healthz", timeout=2, context=self.ssl_context()
                ) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.url}/healthz did not answer 200 within {seconds} s")

    def ssl_context(self) -> ssl.SSLContext | None:
        """Trusts the stack's own CA (and nothing else) when it serves TLS."""
        return ssl.create_default_context(cafile=self.ca_pem) if self.ca_pem else None

    def stop(self, *, drop: bool = True) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.stop()
        if drop:
            drop_database(self.database_url)


def fresh_database(base_url: str, suffix: str) -> str:
    """A new, empty database beside the configured one, on the same server."""
    name = f"{database_of(base_url)}_{suffix}"
    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(base_url, name)


def drop_database(database_url: str) -> None:
    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_of(database_url)}" WITH (FORCE)')


def _certificate(workdir: Path) -> tuple[Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 and localhost (trustme), as files."""
    import trustme

    ca = trustme.CA()
    server_pem, ca_pem = workdir / "server.pem", workdir / "ca.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(server_pem)
    ca.cert_pem.write_to_path(ca_pem)
    return server_pem, ca_pem


def new_stack(
    workdir: Path,
    logs: Path,
    *,
    suffix: str,
    settings: str,
    env: dict[str, str] | None = None,
    tls: bool = False,
) -> Stack:
    """A database and a private Redis, ready for `manage` and `start`; nothing else runs.
    tls: gunicorn serves HTTPS itself, as the TLS proxy in front of it would (production
    settings redirect to HTTPS and set secure cookies)."""
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise RuntimeError(
            "DATABASE_URL is not set: run this through make (it starts a "
            "private PostgreSQL) or point DATABASE_URL at a PostgreSQL server"
        )
    logs.mkdir(parents=True, exist_ok=True)
    database_url = fresh_database(base_url, suffix)
    redis = start_redis(workdir)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{free_port()}"
    server_pem, ca_pem = _certificate(workdir) if tls else (None, None)
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "DIARY_BASE_URL": url,
        "PORT": url.rsplit(":", 1)[1],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    return Stack(
        url=url,
        database_url=database_url,
        redis_url=redis.url,
        logs=logs,
        env=full_env,
        redis=redis,
        server_pem=server_pem,
        ca_pem=ca_pem,
    )


def web_command(stack: Stack, workers: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "diary_site.wsgi:application",
        "-c",
        "gunicorn.conf.py",
        "--bind",
        stack.url.split("://", 1)[1],
        "--workers",
        str(workers),
        *(
            ("--certfile", str(stack.server_pem), "--keyfile", str(stack.server_pem))
            if stack.server_pem
            else ()
        ),
    ]


# The Celery command line for this project's app, in this interpreter.
CELERY = (sys.executable, "-m", "celery", "-A", "diary_site")


def worker_command(concurrency: int = 2, *extra: str) -> list[str]:
    return [
        *CELERY,
        "worker",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "-l",
        "info",
        *extra,
    ]


def beat_command(workdir: Path) -> list[str]:
    return [
        *CELERY,
        "beat",
        "-l",
        "info",
        "--schedule",
        str(workdir / "celerybeat-schedule"),
    ]
