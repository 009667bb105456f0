"""The errors the search index raises; the CLI and the web turn them into messages."""

from __future__ import annotations


class SearchError(Exception):
    """Base of every error raised by the `index` package."""


class IndexBusy(SearchError, TimeoutError):
    """Another process held the index's write lock for longer than we are willing to wait.

    Example: "library/.index: another process is still writing the search index".
    """

    def __init__(self, folder: object) -> None:
        super().__init__(f"{folder}: another process is still writing the search index")
        self.folder = folder


class IndexDamaged(SearchError):
    """The index files could not be read; the index must be rebuilt from the library."""
