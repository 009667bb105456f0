"""The library's search service, opened on its first use rather than with the library.

Opening the search index imports Whoosh and the analysis stack, which costs a command's
start-up more than most commands take in all. `DeferredSearch` stands in for the
`SearchService` as `Services.search` and as the passage writes' listener: a command that
neither searches nor writes a passage (`refs list`, `cite`, `quote list`) never opens it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotations.model import Passage
    from index.results import SearchResult
    from webapp.search_service import SearchService


class DeferredSearch:
    """`SearchPort` and passage listener over a `SearchService` built by `open_service` at
    the first call; the web server's threads share one, built once under a lock."""

    def __init__(self, open_service: Callable[[], SearchService]) -> None:
        self._open_service = open_service
        self._service: SearchService | None = None
        self._lock = threading.Lock()

    def _opened(self) -> SearchService:
        service = self._service
        if service is None:
            with self._lock:
                if self._service is None:
                    self._service = self._open_service()
                service = self._service
        return service

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """One page of results for `query` (see `SearchService.search`)."""
        return self._opened().search(query, limit=limit, offset=offset)

    def prepare(self) -> None:
        """Build or catch up the index now."""
        self._opened().prepare()

    def reindex(self) -> int:
        """Rebuild the index from the files; returns how many records it holds."""
        return self._opened().reindex()

    def passage_saved(self, passage: Passage) -> None:
        """A passage or one of its notes was added or changed."""
        self._opened().passage_saved(passage)

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Many passages were added at once (an import)."""
        self._opened().passages_saved(passages)

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """A passage was deleted."""
        self._opened().passage_deleted(passage_id, citekey)

    def writing(self) -> AbstractContextManager[None]:
        """Hold the index's lock around a passage write and its index update."""
        return self._opened().writing()
