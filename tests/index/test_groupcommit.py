"""Concurrent index updates share commits, and each caller returns only once its own is in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from index.errors import SearchError
from index.groupcommit import GroupCommit


def wait_until(condition: Callable[[], bool]) -> None:
    """Wait (up to 10 s) for other threads to reach a state."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the other threads never got there"
        time.sleep(0.001)


def run_followers(
    commits: GroupCommit,
    leader: threading.Thread,
    followers: list[threading.Thread],
    release: threading.Event,
) -> None:
    """Start `followers` while the leader's update runs; once every one of them has added
    its key and waits, let the leader's update end (`release`), and wait for them all."""
    for thread in followers:
        thread.start()
    wait_until(lambda: len(commits._waiting) == len(followers))  # the waiting room
    release.set()
    for thread in [leader, *followers]:
        thread.join(timeout=10)


def run_together(callers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every caller at once; the errors they raised."""
    failures: list[BaseException] = []
    start = threading.Barrier(len(callers))

    def call(caller: Callable[[], None]) -> None:
        start.wait()
        try:
            caller()
        except BaseException as error:  # the finding
            failures.append(error)

    threads = [threading.Thread(target=call, args=(caller,)) for caller in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return failures


def test_writes_arriving_during_an_update_share_the_next_one() -> None:
    commits = GroupCommit()
    batches: list[set[str]] = []
    first_running = threading.Event()
    others_waiting = threading.Event()
    seen_on_return: dict[str, list[set[str]]] = {}

    def update(keys: set[str]) -> None:
        batches.append(set(keys))
        if len(batches) == 1:
            first_running.set()
            assert others_waiting.wait(timeout=10)

    def write(key: str) -> Callable[[], None]:
        def caller() -> None:
            if key != "first":
                assert first_running.wait(timeout=10)
            commits.run([key], update)
            seen_on_return[key] = list(batches)

        return caller

    leader = threading.Thread(target=write("first"))
    leader.start()
    assert first_running.wait(timeout=10)
    followers = [threading.Thread(target=write(f"key{number}")) for number in range(5)]
    run_followers(commits, leader, followers, others_waiting)
    assert batches == [{"first"}, {f"key{number}" for number in range(5)}]
    # Nobody returned before an update that held its key had ended.
    for key, seen in seen_on_return.items():
        assert any(key in batch for batch in seen)


def test_every_caller_returns_after_an_update_holding_its_key() -> None:
    commits = GroupCommit()
    updated: list[str] = []
    lock = threading.Lock()

    def update(keys: set[str]) -> None:
        with lock:
            updated.extend(sorted(keys))

    def write(key: str) -> Callable[[], None]:
        def caller() -> None:
            commits.run([key], update)
            with lock:
                assert key in updated

        return caller

    assert run_together([write(f"k{number}") for number in range(16)]) == []
    assert sorted(updated) == sorted(f"k{number}" for number in range(16))


def test_a_failed_update_fails_every_write_it_held() -> None:
    commits = GroupCommit()
    running = threading.Event()
    release = threading.Event()
    errors: dict[str, BaseException] = {}

    def failing(keys: set[str]) -> None:
        if "first" in keys:
            running.set()
            assert release.wait(timeout=10)
            return
        raise OSError(28, "No space left on device")

    def write(key: str) -> None:
        try:
            commits.run([key], failing)
        except BaseException as error:  # the finding
            errors[key] = error

    leader = threading.Thread(target=write, args=("first",))
    leader.start()
    assert running.wait(timeout=10)
    followers = [threading.Thread(target=write, args=(f"k{n}",)) for n in range(3)]
    run_followers(commits, leader, followers, release)
    assert "first" not in errors
    # The one that ran the update sees its own error; the others one that names it.
    own = [error for error in errors.values() if isinstance(error, OSError)]
    named = [error for error in errors.values() if isinstance(error, SearchError)]
    assert len(own) == 1 and len(named) == 2
    assert all("No space left on device" in str(error) for error in named)
    # The next write is not blamed for the old failure.
    commits.run(["later"], lambda keys: None)


def test_the_leaders_own_error_is_raised_unchanged() -> None:
    commits = GroupCommit()

    def broken(keys: set[str]) -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        commits.run(["only"], broken)
