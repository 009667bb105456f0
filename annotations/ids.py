"""Identifiers and timestamps of passages and notes: ULIDs and UTC ISO 8601 with a `Z`.

ULIDs sort by creation time, so a file ordered by id lists passages in the order they were
added; ids made in the same millisecond by one process still increase.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from ulid import ULID

_lock = threading.Lock()
_last = ULID.from_int(0)


def new_id() -> str:
    """A fresh ULID, greater than every id this process made before."""
    global _last
    with _lock:
        candidate = ULID()
        if candidate <= _last:
            candidate = ULID.from_int(int(_last) + 1)
        _last = candidate
        return str(candidate)


def format_timestamp(moment: datetime) -> str:
    """`2026-11-23T18:00:00Z`: UTC, to the second (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_timestamp() -> str:
    """The current time as stored in passage files."""
    return format_timestamp(datetime.now(UTC))


def parse_timestamp(text: str) -> str:
    """Any ISO 8601 date-time (`2019-03-05T12:34:56.123+00:00`) in the stored form.

    Raises ValueError for text that is not an ISO 8601 date-time.
    """
    return format_timestamp(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def timestamp_or_default(value: object, default: str | None = None) -> str:
    """`value` as a stored timestamp if it is an ISO 8601 string, else `default` or now.

    Imports use it: a missing or unreadable date should not cost the user an annotation.
    """
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError:
            pass
    return default or now_timestamp()
