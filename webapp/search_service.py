"""Search for the CLI and the web: the library's index, fed by its reference and passage stores.

No Flask, no Click. The service layer calls `passage_saved`, `passage_deleted` and
`reference_changed` after each store write, so what a command added is searchable when it
returns; edits made outside the app are caught up before each search.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from annotations.model import Locator, Note, Passage, QuotedIn
from index.indexer import SearchIndex
from index.results import SearchResult
from index.sources import PassageSource, ReferenceSource, SourceFile, scan_folder

PASSAGES_FOLDER_NAME = "passages"
DEFAULT_LIMIT = 20


class SearchService:
    """Search one library, and keep its index in step with writes through the stores."""

    def __init__(
        self,
        library_dir: Path,
        *,
        references: ReferenceSource,
        passages: PassageSource,
        build_processes: int = 1,
    ) -> None:
        """`build_processes`: worker processes for a full build (1 in a threaded server)."""
        self.index = SearchIndex(
            library_dir,
            passages=passages,
            references=references,
            build_processes=build_processes,
        )

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> SearchResult:
        """One page of results for `query` (any text: syntax errors become plain words)."""
        return self.index.search(query, limit=max(0, limit), offset=max(0, offset))

    def reindex(self) -> int:
        """Rebuild the index from the files; returns how many records it holds."""
        return self.index.rebuild()

    def passage_saved(self, passage: Passage) -> None:
        """Call after a passage or one of its notes was added or changed."""
        self.index.passage_saved(passage)

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Call after a passage was deleted."""
        self.index.passage_deleted(passage_id, citekey)

    def reference_changed(self, citekey: str) -> None:
        """Call after a reference was added, edited or deleted."""
        self.index.reference_changed(citekey)


class PassageFolder:
    """The `PassageSource` of a library: `passages/<citekey>.json`, each read by `read_file`.

    `read_file` parses one passages file; the passage store's reader is meant here (see
    `read_passages_file` for the stand-in used until it lands, issue #4).
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


def read_passages_file(path: Path) -> list[Passage]:
    """The passages of one `florilegium-passages/1` file, read without the passage store.

    A stand-in until the passage store (issue #4) lands: it reads what search needs and
    raises `ValueError` naming the file for anything it cannot read.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [_passage_from_json(document["citekey"], item) for item in document["passages"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a passages file ({error})") from error


def _passage_from_json(citekey: str, item: Mapping[str, Any]) -> Passage:  # Any: parsed JSON
    locator = item.get("locator")
    quoted_in = item.get("quoted_in")
    return Passage(
        id=item["id"],
        citekey=citekey,
        text=item["text"],
        locator=Locator(locator["label"], locator["value"]) if locator else None,
        quoted_in=QuotedIn(quoted_in["citekey"]) if quoted_in else None,
        tags=tuple(item.get("tags", ())),
        notes=tuple(
            Note(
                id=note["id"], text=note["text"], created=note["created"], modified=note["modified"]
            )
            for note in item.get("notes", ())
        ),
        created=item["created"],
        modified=item["modified"],
        revision=item.get("revision", 1),
    )
