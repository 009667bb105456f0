"""The audit log: who changed which record, when, and what it was before and after.

The stores write one row per changed record inside the transaction of the write itself,
so the log never lists a write that did not happen nor misses one that did. Who acts is
set once per command or request (`acting_as`) in a context variable, which each thread
of a web server holds for its own request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

_actor: ContextVar[str] = ContextVar("florilegium_actor", default="(unknown)")


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record the writes made inside the block as `name`'s."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(name: str) -> Token[str]:
    """Record this context's writes from now on as `name`'s (a command's run, a request),
    until `reset_actor` is given the token returned."""
    return _actor.set(name)


def reset_actor(token: Token[str]) -> None:
    """Record writes as whoever was acting before the `set_actor` that gave `token`."""
    _actor.reset(token)


def current_actor() -> str:
    """Who the writes of this context are recorded as."""
    return _actor.get()


def record_change(
    connection: Connection[TupleRow],
    *,
    kind: str,
    record_id: str,
    before: Mapping[str, Any] | None,  # Any: a JSON object
    after: Mapping[str, Any] | None,  # Any: a JSON object
) -> None:
    """One row of the log; the action is read from what changed (add, edit or delete)."""
    from psycopg.types.json import Jsonb  # psycopg is loaded by then: a write is under way

    action = "add" if before is None else "delete" if after is None else "edit"
    connection.execute(
        "INSERT INTO audit_log (actor, action, record_kind, record_id, before, after) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        (
            current_actor(),
            action,
            kind,
            record_id,
            None if before is None else Jsonb(dict(before)),
            None if after is None else Jsonb(dict(after)),
        ),
    )
