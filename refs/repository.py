"""What any reference store offers: the folder's `.bib` files (`refs.store.ReferenceStore`)
or a team library's rows (`refs.pgstore.PgReferenceStore`).

The services, the CLI, the views and the citation code depend on this protocol only, so
either store stands behind them unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from refs.bibfile import BibFile
from refs.errors import EntryError
from refs.model import Reference


class ReferenceRepository(Protocol):
    """The references of one library, looked up by citekey and edited losslessly."""

    @property
    def problems(self) -> list[EntryError]:
        """What could not be read (each names its file and line); the rest still loads."""
        ...

    def reload(self) -> None:
        """Read every .bib file again."""
        ...

    def refresh(self) -> bool:
        """Read again the files changed since they were read; True if any were."""
        ...

    def bib_paths(self) -> list[Path]:
        """The library's .bib files, in name order."""
        ...

    def read_cached_csl(self) -> None:
        """Give entries the CSL items a cache kept for their text (when there is a cache)."""
        ...

    def keep_csl(self) -> None:
        """Keep the CSL items converted since in the cache (when there is one)."""
        ...

    def references(self) -> list[Reference]:
        """Every loadable reference, sorted by citekey."""
        ...

    def get(self, citekey: str) -> Reference:
        """The reference with this citekey, or `UnknownCitekey`."""
        ...

    def find(self, citekey: str) -> Reference | None:
        """The reference with this citekey, ignoring case as BibTeX's `crossref` does."""
        ...

    def __contains__(self, citekey: object) -> bool:
        """True when a reference has exactly this citekey."""
        ...

    def read_input(self, bibtex: str, path: Path) -> BibFile:
        """BibTeX from outside, parsed with the library's @string macros defined."""
        ...

    def add(self, bibtex: str, *, to: str | None = None) -> list[Reference]:
        """Append the entries in `bibtex` to one .bib file, leaving its other bytes alone."""
        ...

    def append_entries(
        self,
        entries: Sequence[str],
        check: Callable[[list[Reference], list[EntryError]], None],
        *,
        to: str | None = None,
    ) -> None:
        """Append entries this program wrote (an import's), `check` seeing them first."""
        ...

    def add_fields(
        self, entry_type: str, citekey: str, fields: Mapping[str, str], *, to: str | None = None
    ) -> Reference:
        """Append a new entry built from `fields`."""
        ...

    def edit(
        self,
        citekey: str,
        *,
        set_fields: Mapping[str, str] | None = None,
        unset_fields: Iterable[str] = (),
    ) -> Reference:
        """Change fields of one entry in place; every other byte of its file stays."""
        ...

    def delete(self, citekey: str) -> None:
        """Remove one entry from its file."""
        ...
