"""As root, in a checkout the `postgres` account cannot enter (a clone in /root, or in a
`mktemp -d` folder), the private clusters live in a folder of that account's outside it.

No server is started here: tests/site/test_private_services.py starts them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import services

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="only root runs the server as another account (postgres), which may be unable "
    "to enter the checkout; any other user runs it as themselves",
)


@pytest.fixture
def closed() -> Iterator[Path]:
    """A folder only root may enter, as `mktemp -d` makes."""
    path = Path(tempfile.mkdtemp())
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    yield path
    shutil.rmtree(path, ignore_errors=True)


def account_can_write(path: Path, account) -> bool:
    """Asked of the system, as the account itself (not of our own permission reading)."""
    done = subprocess.run(  # noqa: S603
        ["/usr/bin/test", "-w", str(path), "-a", "-x", str(path)],
        user=account.pw_uid,
        group=account.pw_gid,
        extra_groups=[],
        check=False,
    )
    return done.returncode == 0


def test_a_checkout_closed_to_the_server_gets_a_folder_of_the_servers_own(closed):
    account = services._server_user()
    run_dir = closed / "diary" / ".run"
    assert not account_can_write(closed, account)

    home = services.cluster_home(run_dir)
    assert closed not in home.parents
    try:
        assert services.prepare_cluster_home(home, run_dir) == home
        info = home.stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (account.pw_uid, 0o700)
        assert account_can_write(home, account)
        # The same checkout finds the same folder (and its data) again; another does not.
        assert services.cluster_home(closed / "diary" / "." / ".run") == home
        assert services.prepare_cluster_home(home, run_dir) == home
        assert services.cluster_home(closed / "other" / ".run") != home
        # What `make run` and `make test` print first.
        note = services.cluster_home_note(home, run_dir)
        assert note.startswith(f"Private PostgreSQL for this checkout: {home} ")
        assert f"not reachable by the {account.pw_name} account" in note
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_a_checkout_the_server_can_enter_keeps_its_clusters_in_run(closed):
    closed.chmod(0o755)  # pytest's tmp_path is under a mode-700 folder of root's
    run_dir = closed / "diary" / ".run"
    assert services.cluster_home(run_dir) == run_dir
    assert services.cluster_home_note(run_dir, run_dir) is None


def test_a_folder_of_that_name_someone_else_made_is_refused(closed):
    home = services.cluster_home(closed / "diary" / ".run")
    home.mkdir(mode=0o700)
    nobody = 65534
    os.chown(home, nobody, nobody)
    try:
        with pytest.raises(services.PostgresError, match="remove it"):
            services.prepare_cluster_home(home, closed / "diary" / ".run")
    finally:
        shutil.rmtree(home, ignore_errors=True)
