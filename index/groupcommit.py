"""One index commit for the writes of many threads (group commit).

Index updates go one at a time, under the index's lock, and each costs a commit: a new
segment, and a new searcher for every search after it. Threads whose writes arrive while
an update runs wait for it to end; the first of them then updates the index for all of
them at once, in one commit. Each thread still returns only once an update that includes
its own write has ended, so a write is searchable as soon as it is acknowledged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from index.errors import SearchError

# Failures of past batches kept for the threads that still have to read them: far more
# batches than threads can fall behind by.
KEPT_FAILURES = 64


class GroupCommit:
    """Runs an update for the keys (citekeys) given by concurrent callers, in batches."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._waiting: set[str] = set()
        self._started = 0  # batches begun
        self._finished = 0  # batches ended (they end in order: one runs at a time)
        self._running = False
        self._failures: dict[int, BaseException] = {}

    def run(self, keys: Iterable[str], update: Callable[[set[str]], None]) -> None:
        """Return once `update` has run, in this thread or another, for a set including
        `keys`; raise if that run failed (the leader's own error, a `SearchError` naming
        it for the others)."""
        with self._condition:
            self._waiting.update(keys)
            batch = self._started + 1  # the first batch to begin from now takes our keys
            while self._running and self._finished < batch:
                self._condition.wait()
            if self._finished >= batch:
                failure = self._failures.get(batch)
                if failure is not None:
                    raise SearchError(f"search index not updated: {failure}") from failure
                return
            self._running = True
            self._started = batch
            taken, self._waiting = self._waiting, set()
        failure = None
        try:
            update(taken)
        except BaseException as error:
            failure = error
            raise
        finally:
            with self._condition:
                self._running = False
                self._finished = batch
                if failure is not None:
                    self._failures[batch] = failure
                for old in [number for number in self._failures if number <= batch - KEPT_FAILURES]:
                    del self._failures[old]
                self._condition.notify_all()
