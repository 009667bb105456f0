"""The search backend protocol: the few operations the index needs from a full-text engine.

Whoosh implements it (`index.whoosh_backend`) for a folder library, PostgreSQL full text
(`index.pg_backend`) for a team library; the service layer, the CLI and the views only see
`SearchIndex` and `SearchResult`. A folder library's writes are serialised by the caller
(`SearchIndex` holds a cross-process lock); the PostgreSQL backend also takes an advisory
lock of its own, since a team library's writers need not share a folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from index.documents import IndexDocument
from index.results import SearchResult


class SearchBackend(Protocol):
    """A full-text engine holding `IndexDocument`s, replaced group by group."""

    def is_usable(self) -> bool:
        """True when the index exists, has the current schema and opens without error."""
        ...

    def rebuild(self, documents: Sequence[IndexDocument]) -> None:
        """Replace the whole index by `documents`; readers see the old one until it is done."""
        ...

    def update(self, groups: Mapping[str, Sequence[IndexDocument]]) -> None:
        """Replace every document of each group by the given ones, in one commit."""
        ...

    def delete(self, groups: Iterable[str]) -> None:
        """Remove every document of these groups, in one commit."""
        ...

    def search(self, query: str, *, limit: int, offset: int) -> SearchResult:
        """Answer `query` in the query language; never fails because of the query's syntax."""
        ...
