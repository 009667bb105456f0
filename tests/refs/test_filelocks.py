"""A file's write lock: threads of one process queue for it, processes poll for it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

from refs.filelocks import FileWriteLock


def test_the_lock_goes_to_one_thread_or_process_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / ".file.lock"
    first, second = FileWriteLock(path), FileWriteLock(path)
    first.acquire(1.0)
    with pytest.raises(Timeout):
        second.acquire(0)
    with pytest.raises(Timeout):
        second.acquire(0.05)
    taken = threading.Event()

    def take() -> None:  # a lock is released by the thread that took it
        second.acquire(10.0)
        taken.set()
        second.release()

    waiter = threading.Thread(target=take)
    waiter.start()
    first.release()
    waiter.join(timeout=10)
    assert taken.is_set()
    # Another process's hold (its file lock) keeps this one out too.
    with FileLock(path, timeout=0), pytest.raises(Timeout):
        first.acquire(0.05)
    first.acquire(0)
    first.release()
