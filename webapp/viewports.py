"""The real services bound to the ports the web views use (`webapp.ports`)."""

from __future__ import annotations

from collections.abc import Sequence

from annotations.model import Locator
from refs.styles import style_names
from webapp.citation_service import Citation, CitationService
from webapp.export_service import ExportService, FileExport
from webapp.passage_service import PassageService


class ViewCitations:
    """`CitationsPort` over `CitationService`: citations of references and of passages."""

    def __init__(self, citations: CitationService, passages: PassageService) -> None:
        self._citations = citations
        self._passages = passages

    def cite(
        self,
        citekey: str,
        *,
        style: str,
        locator: Locator | None = None,
        mode: str = "bibliography",
        output: str = "text",
    ) -> Citation:
        """One reference as a bibliography entry, in-text citation or note."""
        return self._citations.cite(citekey, style, locator=locator, mode=mode, output=output)

    def cite_passage(
        self, passage_id: str, *, style: str, mode: str = "quote", output: str = "text"
    ) -> Citation:
        """The quote with its citation, or (`citation`, `note`) the citation alone."""
        passage = self._passages.get(passage_id)
        if mode == "quote":
            return self._citations.quote(passage, style, output)
        return self._citations.cite_passage(passage, style, mode=mode, output=output)

    def styles(self) -> list[str]:
        """Every style name the views may offer, short names first."""
        return style_names()


class ViewExports:
    """`ExportPort` over `ExportService`: the export document as text."""

    def __init__(self, exports: ExportService) -> None:
        self._exports = exports

    def export(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        output: str,
        style: str | None = None,
        notes: bool = False,
    ) -> Citation:
        """The export document (no citekeys and no query: the whole library)."""
        return self._exports.export(citekeys, query=query, output=output, style=style, notes=notes)

    def export_docx(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        style: str | None = None,
        notes: bool = False,
    ) -> FileExport:
        """The same choice as a Word document (.docx)."""
        return self._exports.export_docx(citekeys, query=query, style=style, notes=notes)
