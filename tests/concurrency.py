"""Helpers for tests that race real threads or wait on real processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection


def wait_for(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll `check` every 0.1 s until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def race(action: Callable[[], Any], workers: int = 2) -> tuple[list[Any], list[str]]:
    """Run `action` in `workers` threads released together by a barrier, each on its own
    database connection. Returns (results, errors) for the caller to assert on."""
    barrier = threading.Barrier(workers)
    results: list[Any] = []
    errors: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(action())
        except Exception as exc:  # noqa: BLE001 — returned for the caller's assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
