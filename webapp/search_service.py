"""Search for the CLI and the web: the library's index, fed by its reference and passage stores.

No Flask, no Click. The service layer calls `passage_saved` and `passage_deleted` after
each passage write, so what a command added is searchable when it returns; .bib edits (the
app's own and those made outside it) are caught up before each search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from annotations.model import Passage
from index.results import SearchResult
from index.sources import PassageSource, ReferenceSource, SourceFile, scan_folder
from index.whoosh_backend import whoosh_search_index

PASSAGES_FOLDER_NAME = "passages"
DEFAULT_LIMIT = 20


class KeptIndex(Protocol):
    """A search index kept in step with its library: the folder's (`index.indexer`) or a
    team library's (`index.team_index`)."""

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> SearchResult:
        """One page of results, the index caught up first."""
        ...

    def ensure_current(self) -> None:
        """Build or catch up the index."""
        ...

    def rebuild(self) -> int:
        """Index everything again; returns how many documents."""
        ...

    def passage_saved(self, passage: Passage) -> None:
        """Index a passage just written."""
        ...

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Index many passages just written, in one commit."""
        ...

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Index the passages of `citekey` after a delete."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """Mark a passage write and its index update."""
        ...


class SearchService:
    """Search one library, and keep its index in step with writes through the stores."""

    def __init__(self, index: KeptIndex) -> None:
        self.index = index

    @classmethod
    def for_folder(
        cls,
        library_dir: Path,
        *,
        references: ReferenceSource,
        passages: PassageSource,
        build_processes: int = 1,
    ) -> SearchService:
        """The search of a library folder, in Whoosh under its `.index/`.
        `build_processes`: worker processes for a full build (1 in a threaded server)."""
        return cls(
            whoosh_search_index(
                library_dir,
                passages=passages,
                references=references,
                build_processes=build_processes,
            )
        )

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> SearchResult:
        """One page of results for `query` (any text: syntax errors become plain words)."""
        return self.index.search(query, limit=max(0, limit), offset=max(0, offset))

    def prepare(self) -> None:
        """Build or catch up the index now, so the first search or write does not wait for it."""
        self.index.ensure_current()

    def reindex(self) -> int:
        """Rebuild the index from the files; returns how many records it holds."""
        return self.index.rebuild()

    def passage_saved(self, passage: Passage) -> None:
        """Call after a passage or one of its notes was added or changed."""
        self.index.passage_saved(passage)

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Call after an import added many passages: one index update for all."""
        self.index.passages_saved(passages)

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Call after a passage was deleted."""
        self.index.passage_deleted(passage_id, citekey)

    def writing(self) -> AbstractContextManager[None]:
        """Hold the index's lock around a passage write and its index update."""
        return self.index.writing()


class PassageFolder:
    """The `PassageSource` of a library: `passages/<citekey>.json`, each read by `read_file`.

    `read_file` returns the passages of one file as they are on disk now (the passage
    store's reader), so the index never trusts a stale copy.
    """

    def __init__(self, folder: Path, read_file: Callable[[Path], list[Passage]]) -> None:
        self.folder = folder
        self._read_file = read_file

    def passage_files(self) -> Mapping[str, SourceFile]:
        """Every `<citekey>.json` in the folder, by citekey, with its time and size."""
        return scan_folder(self.folder, ".json")

    def passages_of(self, citekey: str) -> list[Passage]:
        """The passages in `<citekey>.json` now; none if there is no such file."""
        path = self.folder / f"{citekey}.json"
        return self._read_file(path) if path.is_file() else []
