"""What the web views need from the services other packages provide, as Protocols.

The passage, search, citation and export services are built elsewhere; the views depend
only on these shapes, so tests can hand in small fakes and any class with these methods
can be wired into `Services`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from annotations.model import Anchor, Locator, Note, Passage, QuotedIn


class PassagesPort(Protocol):
    """Passages and their notes: read, add, edit, delete (each write kept on disk)."""

    def find(self, citekey: str | None = None) -> list[Passage]:
        """Every passage, or those of one reference, ordered by locator."""
        ...

    def get(self, passage_id: str) -> Passage:
        """One passage; raises an error that is a `LookupError` when the id is unknown."""
        ...

    def add(
        self,
        citekey: str,
        text: str,
        *,
        locator: Locator | None = None,
        quoted_in: QuotedIn | None = None,
        tags: Sequence[str] = (),
        anchor: Anchor | None = None,
    ) -> Passage:
        """Store a new passage and return it with its id."""
        ...

    def edit(
        self,
        passage_id: str,
        *,
        text: str | None = None,
        locator: Locator | None = None,
        tags: Sequence[str] | None = None,
    ) -> Passage:
        """Change the given parts of a passage (None leaves a part as it is)."""
        ...

    def delete(self, passage_id: str) -> None:
        """Remove a passage and its notes."""
        ...

    def add_note(self, passage_id: str, text: str) -> Note:
        """Attach a Markdown note to a passage."""
        ...

    def edit_note(self, note_id: str, text: str) -> Note:
        """Replace a note's text."""
        ...

    def delete_note(self, note_id: str) -> None:
        """Remove one note."""
        ...


class SearchPort(Protocol):
    """Full-text search over passages, notes and references."""

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
        """The contract's search document: `{query, total, offset, hits, facets}`.

        Any: a JSON document, exactly the one `search --json` prints.
        """
        ...


class CitationsPort(Protocol):
    """Formatted citations in CSL styles."""

    def cite(
        self,
        citekey: str,
        *,
        style: str,
        locator: Locator | None = None,
        mode: str = "bibliography",
        output: str = "text",
    ) -> str:
        """One reference as a bibliography entry, in-text citation or note (text/html/markdown)."""
        ...

    def cite_passage(self, passage_id: str, *, style: str, output: str = "text") -> str:
        """The quote with its in-text citation, ready to paste."""
        ...

    def styles(self) -> list[str]:
        """The style ids and short names that `style` accepts, short names first."""
        ...


class ExportPort(Protocol):
    """Bibliographies and literature notes in the contract's export formats."""

    def export(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        output: str,
        style: str | None = None,
        notes: bool = False,
    ) -> str:
        """The export document (no citekeys and no query: the whole library)."""
        ...
