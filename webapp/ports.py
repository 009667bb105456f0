"""What the web views need from the search, citation and export services, as Protocols.

The views depend only on these shapes, so a team edition can wire in another search
backend (PostgreSQL full-text search) or citation service behind the same views.
`Services` binds the real ones (`viewports.py`). (Passages are the real `PassageService`,
not a port.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from annotations.model import Locator
from index.results import SearchResult
from webapp.citation_service import Citation

if TYPE_CHECKING:
    from webapp.export_service import FileExport


class SearchPort(Protocol):
    """Full-text search over passages, notes and references."""

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """One page of hits, the total and the facets (`presenters.search_result_json`)."""
        ...

    def prepare(self) -> None:
        """Build or catch up the index ahead of the first request."""
        ...

    def reindex(self) -> int:
        """Rebuild the index from the files; returns how many records it holds."""
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
    ) -> Citation:
        """One reference as a bibliography entry, in-text citation or note (text/html/markdown);
        a bibliography entry the style leaves out is empty, with the reason in `omitted`."""
        ...

    def cite_passage(
        self, passage_id: str, *, style: str, mode: str = "quote", output: str = "text"
    ) -> Citation:
        """The quote with its citation, ready to paste (`quote`), or the citation alone: the
        in-text citation (`citation`) or, in a note style, the note (`note`)."""
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
    ) -> Citation:
        """The export document (no citekeys and no query: the whole library), with the
        references its style leaves out of the bibliography in `omitted`."""
        ...

    def export_docx(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        style: str | None = None,
        notes: bool = False,
    ) -> FileExport:
        """The same choice as a Word document (.docx)."""
        ...
