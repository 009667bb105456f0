"""Limits on failed logins, per client address and per user name, shared by all processes.

A password can only be guessed as fast as the server checks guesses. Every failed login is
one row (client address, user name, time) in a small SQLite file in the library's private
`.index/` folder; a login is refused, before its password is checked, while its address or
its name has had its limit of failures within the window. The rows are in a file, not in
memory, because `serve --processes N` runs N processes that each take their share of the
connections: counters in memory would give a guesser N times the limit.

Each attempt takes its place in the count before its password is checked (a login that
succeeds gives it back), so attempts in flight at once cannot slip past the limit. A
successful login forgets its own name's earlier failures from the same address (the typos
of the person who just got in) and nothing else: logging in to one's own account never
resets an address's count of guesses at other names.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

Clock = Callable[[], float]  # seconds since the epoch, as time.time

# How long a process waits for another holding the file (a write takes milliseconds).
BUSY_TIMEOUT_SECONDS = 10.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS failed_logins (address TEXT NOT NULL, name TEXT NOT NULL, "
    "at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS failed_logins_by_address ON failed_logins (address, at)",
    "CREATE INDEX IF NOT EXISTS failed_logins_by_name ON failed_logins (name, at)",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginLimits:
    """At most `per_address` failed logins from one address and `per_name` at one user
    name within any `window_seconds`."""

    per_address: int = 20
    per_name: int = 10
    window_seconds: float = 900.0


@dataclass(frozen=True, slots=True)
class Attempt:
    """A login attempt counted while its password is checked."""

    address: str
    name: str
    row: int


class TooManyFailures(Exception):
    """Too many failed logins lately: the attempt was refused without checking it."""

    def __init__(self, retry_after: int) -> None:
        minutes = math.ceil(retry_after / 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(f"Too many failed logins: try again in {when}.")
        self.retry_after = retry_after  # whole seconds until one more attempt is allowed


class CountingFailed(Exception):
    """The file of failed logins cannot be used (a read-only library): logins are refused."""

    def __init__(self, database: Path, error: Exception) -> None:
        super().__init__(f"{database}: cannot count failed logins, so none are accepted: {error}")
        self.database = database


class LoginThrottle:
    """Counts failed logins in one SQLite database and refuses attempts over the limits."""

    def __init__(self, database: Path, limits: LoginLimits, clock: Clock = time.time) -> None:
        self.limits = limits
        self._database = database
        self._clock = clock

    def begin(self, address: str, name: str) -> Attempt:
        """Count an attempt to log in as `name` from client `address`, or refuse it.

        Raises `TooManyFailures` (with the seconds to wait) when the address or the name
        is at its limit; the refused attempt is not counted, so waiting always helps.
        """
        address, name = address_key(address), _name_key(name)
        now = self._clock()
        window = self.limits.window_seconds
        with self._transaction() as db:
            db.execute("DELETE FROM failed_logins WHERE at <= ?", (now - window,))
            waits = [
                _wait(db, "address", address, self.limits.per_address, now, window),
                _wait(db, "name", name, self.limits.per_name, now, window),
            ]
            if max(waits) > 0:
                raise TooManyFailures(max(waits))
            cursor = db.execute(
                "INSERT INTO failed_logins (address, name, at) VALUES (?, ?, ?)",
                (address, name, now),
            )
            return Attempt(address, name, cursor.lastrowid or 0)

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt logged in: it and its name's earlier failures from its address no
        longer count."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM failed_logins WHERE rowid = ? OR (address = ? AND name = ?)",
                (attempt.row, attempt.address, attempt.name),
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the shared file; a file that cannot be used refuses
        every login (`CountingFailed`) rather than let them go uncounted."""
        try:
            self._database.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self._database, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
        except (OSError, sqlite3.Error) as error:
            raise CountingFailed(self._database, error) from error
        with closing(connection):
            try:
                # IMMEDIATE takes the write lock first: no two processes count one slot.
                connection.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    connection.execute(statement)
                yield connection
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise CountingFailed(self._database, error) from error
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise


def address_key(address: str) -> str:
    """The client a limit counts for: an IPv4 address, or an IPv6 address's /64 network
    (one machine commonly holds a whole /64, so single IPv6 addresses cost nothing)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _name_key(name: str) -> str:
    # Names are counted by digest: any text may be typed, and none of it need be kept.
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def _wait(
    db: sqlite3.Connection, column: str, key: str, limit: int, now: float, window: float
) -> int:
    """Seconds until `key` has fewer than `limit` failures in the window (0: it has now)."""
    # The limit-th newest failure is the one that must leave the window.
    row = db.execute(
        f"SELECT at FROM failed_logins WHERE {column} = ? ORDER BY at DESC LIMIT 1 OFFSET ?",
        (key, max(limit, 1) - 1),
    ).fetchone()
    if row is None:
        return 0
    oldest_counted: float = row[0]
    return max(1, math.ceil(oldest_counted + window - now))
