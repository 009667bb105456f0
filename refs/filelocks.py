"""A file's write lock: one process at a time, and one thread at a time within it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

# How often a process waiting for another one's hold looks again: a write takes a few
# milliseconds to tens, and filelock's default of 50 ms left the lock idle after most.
POLL_SECONDS = 0.005
# One thread lock per lock file, for every FileWriteLock of this process.
_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


class FileWriteLock:
    """A cross-process lock file, queued for first among this process's threads.

    A file lock is taken by polling; threads of one server polling for it would leave it
    idle for part of each poll interval after every release, and writes, which take it
    one at a time, would go at the pace of the polls. A thread lock of the process hands
    it over at once, so only threads of different processes poll (and often).
    """

    def __init__(self, path: Path) -> None:
        # filelock is imported by the first lock, not with the module: a command that
        # writes nothing (`refs list`) never loads it.
        from filelock import FileLock

        self._file_lock = FileLock(path)
        with _REGISTRY_LOCK:
            self._thread_lock = _THREAD_LOCKS.setdefault(path, threading.Lock())

    def acquire(self, timeout: float) -> None:
        """Take both locks within `timeout` seconds (0: only if free now), or raise Timeout."""
        deadline = time.monotonic() + timeout
        taken = (
            self._thread_lock.acquire(timeout=timeout)
            if timeout > 0
            else self._thread_lock.acquire(blocking=False)
        )
        if not taken:
            from filelock import Timeout

            raise Timeout(str(self._file_lock.lock_file))
        try:
            self._file_lock.acquire(
                timeout=max(0.0, deadline - time.monotonic()), poll_interval=POLL_SECONDS
            )
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        """Free both locks, the file lock first (the next thread here takes it at once)."""
        self._file_lock.release()
        self._thread_lock.release()
