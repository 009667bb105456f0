"""Exports for the CLI and the web: bibliographies, literature notes and W3C annotations.

The references are chosen by citekey, by a search (the references whose passages, notes or
own fields match), or all of them. No Flask, no Click.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

from index.results import MATCH_ALL
from refs.omissions import Omission
from webapp.citation_service import Citation, CitationService
from webapp.passage_service import PassageService
from webapp.ports import SearchPort
from webapp.safehtml import clean_html, render_markdown

# Enough to reach every match of a query in any library this app is meant for.
_QUERY_MATCH_LIMIT = 100_000
# An HTML export is opened from disk or served as text/html: nothing in it may run or load.
HTML_EXPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True, slots=True)
class FileExport:
    """An export that is a binary file (`docx`), with what `Citation` says beside a text:
    warnings about what the entries lack and the works the style leaves out."""

    output: str
    data: bytes
    warnings: tuple[str, ...] = ()
    omitted: tuple[Omission, ...] = ()


class ExportService:
    """One export document from the chosen references, in any of the contract's formats."""

    def __init__(
        self, citations: CitationService, passages: PassageService, search: SearchPort
    ) -> None:
        self._citations = citations
        self._passages = passages
        self._search = search

    def export(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        output: str,
        style: str | None = None,
        notes: bool = False,
    ) -> Citation:
        """`citekeys` and the references matching `query`; neither given: the whole library."""
        chosen = self._chosen(citekeys, query)
        style = style or "chicago"
        if output == "w3c":
            document = self._passages.export_w3c(chosen)
            text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            return Citation(output, text)
        if notes:
            entry_output = output if output in ("markdown", "text") else "markdown"
            # One document of every reference the notes show, so that the style tells
            # them apart ("1957a", "1957b") as in a bibliography of them.
            selected = (
                self._passages.passages()
                if chosen is None
                else [passage for citekey in chosen for passage in self._passages.passages(citekey)]
            )
            shown = list(dict.fromkeys(passage.citekey for passage in selected))
            entries, omitted = self._citations.entries(shown, style, entry_output)
            notes_text = self._passages.literature_notes(
                chosen, format_entry=lambda citekey: entries.get(citekey, citekey)
            )
            if output == "html":
                notes_text = html_export_document(render_markdown(notes_text))
            return Citation(output, notes_text, omitted=omitted)
        exported = self._citations.export(chosen, output, style)
        if output == "html":
            return dataclasses.replace(exported, text=html_export_document(exported.text))
        return exported

    def export_docx(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        style: str | None = None,
        notes: bool = False,
    ) -> FileExport:
        """The HTML export of the same choice as a Word document: italics as italic runs,
        bibliography entries with hanging indents (`webapp/docx_export.py`)."""
        from webapp.docx_export import html_to_docx  # python-docx: only for this format

        exported = self.export(citekeys, query=query, output="html", style=style, notes=notes)
        return FileExport("docx", html_to_docx(exported.text), exported.warnings, exported.omitted)

    def _chosen(self, citekeys: Sequence[str], query: str | None) -> list[str] | None:
        if query is None:
            return list(citekeys) or None
        result = self._search.search(query, limit=_QUERY_MATCH_LIMIT)
        # An export takes the works that match every word: the looser tiers that keep a
        # search page from being empty would fill a bibliography with works not asked for.
        matching = [hit.citekey for hit in result.hits if hit.match == MATCH_ALL]
        return list(dict.fromkeys([*citekeys, *matching]))


# The export's own styles (inline: the policy lets nothing load). Bibliography entries hang
# from their first line, as every style's bibliography is printed; the print rules make
# the file ready to print or to save as PDF from a browser.
HTML_EXPORT_STYLE = """\
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #111;
  max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
.csl-entry { padding-left: 2em; text-indent: -2em; margin: 0 0 0.6em; }
blockquote { margin: 0.5em 0 0.5em 1.5em; }
h1, h2, h3 { line-height: 1.25; }
@media print {
  @page { margin: 2.5cm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 12pt; color: #000; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3 { break-after: avoid; }
  .csl-entry, blockquote, li { break-inside: avoid; }
}
"""


def html_export_document(body: str, *, title: str = "Florilegium export") -> str:
    """`body` cleaned by the pages' one sanitiser, in a complete document (doctype,
    language, character set, print styles, hanging indents) whose Content-Security-Policy
    lets nothing run or load (inline styles only), so an export is as safe to open as the
    pages that show the same notes."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{HTML_EXPORT_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\n{HTML_EXPORT_STYLE}</style>\n"
        "</head>\n<body>\n"
        f"{clean_html(body)}\n"
        "</body>\n</html>\n"
    )
