"""The web process's publisher: one long-lived thread, in order, bounded, never raising."""

from __future__ import annotations

import threading

from diary_core.publisher import Publisher


def test_it_runs_publishes_in_order_off_the_callers_thread():
    publisher = Publisher()
    seen: list[tuple[int, str]] = []
    futures = [
        publisher.submit(lambda i: seen.append((i, threading.current_thread().name)), i)
        for i in range(5)
    ]
    for future in futures:
        future.result(timeout=5)
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    assert {name for _, name in seen} == {"publisher"}


def test_a_failing_publish_is_logged_and_the_next_one_still_runs(caplog):
    publisher = Publisher()

    def broken() -> None:
        raise ConnectionError("broker down")

    ran = []
    publisher.submit(broken).result(timeout=5)
    publisher.submit(ran.append, "next").result(timeout=5)
    assert ran == ["next"]
    assert "could not publish broken" in caplog.text


def test_beyond_the_limit_publishes_are_dropped_for_the_sweep(caplog):
    publisher = Publisher()
    publisher.MAX_PENDING = 2
    gate = threading.Event()
    ran = []
    blocked = [publisher.submit(gate.wait), publisher.submit(ran.append, "queued")]
    dropped = publisher.submit(ran.append, "dropped")
    assert dropped.done()  # returned at once, nothing queued
    assert "publish queue full" in caplog.text
    gate.set()
    for future in blocked:
        future.result(timeout=5)
    assert ran == ["queued"]
    # Room again once the queue has drained.
    publisher.submit(ran.append, "later").result(timeout=5)
    assert ran == ["queued", "later"]


def test_after_a_fork_it_starts_its_own_thread():
    publisher = Publisher()
    publisher.submit(lambda: None).result(timeout=5)
    publisher._pid = -1  # as a forked child sees it: the parent's thread is not there
    ran = []
    publisher.submit(ran.append, "child").result(timeout=5)
    assert ran == ["child"]
