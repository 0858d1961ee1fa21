from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.checkouts import copy_checkout

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_URL = "postgres://postgres@/diary?host=/somewhere/pgdata&port=5432"


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A checkout where `make run` has never run: no `.run/database-url`."""
    return copy_checkout(tmp_path)


def made_run_once(checkout: Path) -> Path:
    """What `make run` leaves for the settings (scripts/services.py)."""
    (checkout / ".run").mkdir()
    (checkout / ".run" / "database-url").write_text(PRIVATE_URL + "\n")
    return checkout


def run_setup(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="diary_site.settings", **env_overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_setup(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_starts_in_production_with_a_secret_key():
    result = run_setup(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_in_production_without_a_database_url():
    result = run_setup(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_it_refuses_a_database_other_than_postgresql():
    result = run_setup(DJANGO_DEBUG="true", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def database_host(checkout: Path, settings: str = "diary_site.settings"):
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "print(connection.get_connection_params()['host'])",
        ],
        cwd=checkout,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("settings", ["diary_site.settings", "diary_site.test_settings"])
def test_a_developer_checkout_defaults_to_its_private_postgresql(checkout, settings):
    result = database_host(made_run_once(checkout), settings)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/somewhere/pgdata"


def test_a_checkout_without_its_private_postgresql_yet_still_loads_on_a_placeholder(checkout):
    """Before the first `make run` the settings load (check, makemigrations --check and
    collectstatic need no database); a query would fail on a folder that says why."""
    for settings in ("diary_site.settings", "diary_site.test_settings"):
        result = database_host(checkout, settings)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(checkout.resolve() / ".run" / "no-database-yet")


def test_it_starts_in_debug_without_a_secret_key():
    result = run_setup(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def run_manage(checkout: Path, *args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_works_in_an_unconfigured_checkout_and_says_so(checkout):
    result = run_manage(checkout, "check")
    assert result.returncode == 0, result.stderr
    assert "using development settings" in result.stderr
    # ...and says there is no database yet, and what to do.
    assert "diary.W002" in result.stderr
    assert "`make run`" in result.stderr and "`make test`" in result.stderr
    assert "DATABASE_URL" in result.stderr
    migrations = run_manage(checkout, "makemigrations", "--check", "--dry-run")
    assert migrations.returncode == 0, migrations.stderr
    assert "No changes detected" in migrations.stdout


def test_a_checkout_after_make_run_is_not_warned(checkout):
    result = run_manage(made_run_once(checkout), "check")
    assert result.returncode == 0, result.stderr
    assert "diary.W002" not in result.stderr


def test_manage_py_still_refuses_production_without_a_secret_key(checkout):
    result = run_manage(made_run_once(checkout), "check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
