#!/usr/bin/env python
"""`make run`: the whole system on this machine: web, one Celery worker, exactly one beat.

The database is `DATABASE_URL` when it is set, else the project's private PostgreSQL in
`.run/pgdata` (kept between runs; as root, when the `postgres` account cannot enter the
checkout, in a folder of that account's in /var/tmp: `services.cluster_home`), whose URL
it leaves in `.run/database-url` for `manage.py` in another terminal. The broker is
`REDIS_URL` when it is set, else a private redis-server on a free port: never a Redis
that merely happens to answer on 6379, whose queue another checkout's worker may be
reading (scripts/services.py).
Migrations and the demo data come first; honcho then runs Procfile.dev. Ctrl-C stops
everything this started, by PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.services import (  # noqa: E402
    ROOT,
    RUN_DIR,
    PostgresError,
    cluster_home,
    cluster_home_note,
    redis_answers,
    start_private_postgres,
    start_redis,
)


def stack_env(base: dict[str, str], *, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of every process honcho starts.

    honcho gives each process its own PORT (web 8000, worker 8100, beat 8200), so the
    e-mail links' base is fixed here, once, to the web server's address.
    """
    port = base.get("PORT", "8000")
    venv_bin = str(Path(sys.executable).parent)
    return {
        **base,
        "PORT": port,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DIARY_BASE_URL": base.get("DIARY_BASE_URL", f"http://127.0.0.1:{port}"),
        "DJANGO_DEBUG": base.get("DJANGO_DEBUG", "true"),
        "PYTHONUNBUFFERED": "1",
        # Procfile.dev names `python` and `celery`: make them the virtualenv's.
        "PATH": venv_bin + os.pathsep + base.get("PATH", ""),
    }


def start_services(base: dict[str, str]) -> tuple[dict[str, str], list]:
    """The database and broker for `make run`: those named in `base`, else private ones.

    Returns the environment of the stack and the functions that stop what was started.
    """
    stops = []
    try:
        database_url = base.get("DATABASE_URL", "")
        if database_url:
            print("Using the database at DATABASE_URL")
        else:
            note = cluster_home_note(cluster_home(RUN_DIR), RUN_DIR)
            if note:
                print(note)
            database = start_private_postgres(RUN_DIR)
            stops.append(database.stop)
            database_url = database.url
            how = "started" if database.owned else "already running"
            print(f"Private PostgreSQL in {database.datadir} ({how}; {database.bindir})")
        redis_url = base.get("REDIS_URL", "")
        if redis_url:
            print(f"Using Redis at {redis_url}")
        else:
            redis = start_redis(RUN_DIR)
            stops.append(redis.stop)
            redis_url = redis.url
            print(f"Private Redis on port {redis.port}")
    except BaseException:
        for stop in reversed(stops):
            stop()
        raise
    return stack_env(base, database_url=database_url, redis_url=redis_url), stops


def main() -> int:
    RUN_DIR.mkdir(exist_ok=True)
    stops = []
    try:
        env, stops = start_services(dict(os.environ))
        python = sys.executable
        for command in (["migrate", "--no-input"], ["seed_demo"]):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
        if not redis_answers(env["REDIS_URL"], 1):
            print(
                f"Warning: nothing answers at REDIS_URL ({env['REDIS_URL']}); entries still save."
            )
        print()
        print(f"  Kesimpta diary: {env['DIARY_BASE_URL']}/   (health: /healthz)")
        print("  Logins, password diary-demo-2026:")
        print("    bob (patient) · alice (clinician, team A) · charlie (clinician, team B)")
        print("    dana (administrator) · carol (Bob's caregiver)")
        print(f"  Second factor for staff: {python} manage.py demo_code alice")
        print("  Press Ctrl-C to stop everything.")
        print()
        honcho = str(Path(python).parent / "honcho")
        # Ctrl-C goes to the whole process group: honcho stops its processes, then we stop
        # the servers we started. A `kill` or a closed terminal (SIGTERM, SIGHUP) reaches
        # only us: we pass it on to honcho as SIGTERM and do the same, so nothing is left
        # running (a private PostgreSQL would otherwise outlive the checkout's session).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack = subprocess.Popen(  # noqa: S603
            [honcho, "-f", str(ROOT / "Procfile.dev"), "-d", str(ROOT), "start", "-p", env["PORT"]],
            cwd=ROOT,
            env=env,
        )

        def pass_on(_signum, _frame) -> None:
            stack.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, pass_on)
        signal.signal(signal.SIGHUP, pass_on)
        return stack.wait()
    except (PostgresError, RuntimeError, subprocess.CalledProcessError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        for stop in reversed(stops):
            stop()


if __name__ == "__main__":
    sys.exit(main())
