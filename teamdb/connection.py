"""Connections to the team database: one pool per process, errors in one sentence.

psycopg 3's `ConnectionPool` keeps a few connections open, so a command or a request
costs no new connection; `transaction()` is the one way the stores write, so that each
write is one PostgreSQL transaction (all of it or none).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from teamdb.errors import DatabaseUnavailable

CONNECT_TIMEOUT_SECONDS = 5


class Database:
    """A pool of connections to one PostgreSQL database, opened on first use."""

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        self.url = url
        self._max_size = max_size
        self._pool: ConnectionPool[psycopg.Connection[TupleRow]] | None = None
        self._lock = threading.Lock()

    def check(self) -> None:
        """Connect once, so an unreachable database is said at once (`DatabaseUnavailable`)."""
        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS):
                pass
        except psycopg.Error as error:
            raise DatabaseUnavailable(self.url, error) from error

    def _opened(self) -> ConnectionPool[psycopg.Connection[TupleRow]]:
        with self._lock:
            if self._pool is None:
                self.check()
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self._max_size,
                    kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
                    open=True,
                    timeout=30,
                )
            return self._pool

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[TupleRow]]:
        """A connection inside one transaction: committed when the block ends, rolled back
        when it raises."""
        try:
            with self._opened().connection() as connection:
                yield connection
        except (psycopg.OperationalError, PoolTimeout) as error:
            if isinstance(error, psycopg.errors.SerializationFailure):
                raise
            raise DatabaseUnavailable(self.url, error) from error

    def close(self) -> None:
        """Close the pool's connections (a process that forks must not share them)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
