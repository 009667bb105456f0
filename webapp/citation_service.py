"""Citations of one library for the CLI and the web: cite, quote a passage, export.

Plain classes with no Flask or Click, so `florilegium cite`, `export` and the API print
exactly the same thing. Formatting is citeproc-js's (refs/citations.py); this module
chooses what to cite and puts quotes, notes and bibliographies together.

A style tells works apart only among those in the same document ("(Trotsky, Lenin)",
"1957a"). A bibliography or export is one document of the works it lists; a single
citation is formatted among the library's works it could be confused with
(`refs/citecontext.py`), so it reads as it would in a paper citing the whole library.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from annotations.model import Locator, Passage
from refs.bibexport import format_bib
from refs.citations import CitationError, CiteItem, Formatter, missing_fields, shared_engine
from refs.citecontext import LibraryItems
from refs.csl import CslItem, is_work
from refs.model import Reference
from refs.omissions import Omission, omission_reason, unexplained_reason
from refs.repository import ReferenceRepository
from refs.ris import format_ris
from refs.styles import Style, resolve_style

MODES = ("bibliography", "citation", "note")
OUTPUTS = ("text", "html", "markdown")
EXPORT_FORMATS: Mapping[str, str] = {
    "bibtex": "BibTeX: each entry's own text (byte-identical when it is BibTeX already)",
    "biblatex": "BibLaTeX: each entry's own text, classic field names renamed",
    "csljson": "CSL-JSON: the items every CSL processor reads (Zotero, pandoc)",
    "ris": "RIS: the exchange format of EndNote and most managers",
    "text": "a bibliography in --style, plain text",
    "html": "a bibliography in --style, HTML (italics as <i>)",
    "markdown": "a bibliography in --style, Markdown (italics as *…*)",
}
# How an in-text style says "quoted in": MLA's "qtd. in", APA's "as cited in".
_QUOTED_IN_PREFIXES: Mapping[str, str] = {
    "modern-language-association": "qtd. in ",
    "apa": "as cited in ",
}
_MARKDOWN_SPECIALS = re.compile(r"([\\*`])")
# A straight double quote that opens: at the start, or after a space or an opening bracket.
_OPENING_STRAIGHT_QUOTE = re.compile(r'(?:^|(?<=[\s(\[{—–-]))"')


@dataclass(frozen=True, slots=True)
class Citation:
    """Formatted output in one format, with warnings about what the entries lack and the
    works the style leaves out of a bibliography (each with the reason, in words)."""

    output: str
    text: str
    warnings: tuple[str, ...] = ()
    omitted: tuple[Omission, ...] = ()


class CitationService:
    """Format the references of one library in any bundled style."""

    def __init__(self, refs: ReferenceRepository, engine: Formatter | None = None) -> None:
        self._refs = refs
        self._engine: Formatter = engine or shared_engine()
        self._library = LibraryItems(refs)

    def csl_item(self, citekey: str) -> CslItem:
        """One reference as CSL-JSON, with its `crossref` parent's fields inherited."""
        return self._library.item(citekey)

    def cite(
        self,
        citekey: str,
        style: str,
        *,
        locator: Locator | None = None,
        mode: str = "bibliography",
        output: str = "text",
    ) -> Citation:
        """One reference as a bibliography entry, an in-text citation or a (first, full) note,
        told apart from the library's other works as the style says.

        `citation` in a note style gives the note, since that is where the style cites. A
        work the style leaves out of bibliographies gives an empty text and its `omitted`.
        """
        chosen = resolve_style(style)
        _check_output(output)
        context = self._library.context([citekey])
        warnings = _warnings(context[:1])
        if mode == "bibliography":
            entries = self._engine.bibliography(context, chosen, output, only=[citekey])
            if not entries:
                return Citation(output, "", warnings, (self._omission(context[0], chosen),))
            return Citation(output, entries[0][1], warnings)
        if mode not in MODES:
            modes = ", ".join(MODES)
            raise CitationError(f"unknown mode '{mode}'; use one of {modes}", field="mode")
        if mode == "note" and not chosen.is_note:
            raise CitationError(
                f"style '{chosen.id}' cites in the text, not in notes; use --mode citation",
                field="mode",
            )
        [text] = self._engine.citations(context, [[_cite_item(citekey, locator)]], chosen, output)
        return Citation(output, text, warnings)

    def quote(self, passage: Passage, style: str, output: str = "text") -> Citation:
        """The passage's words in quotation marks with their citation, ready to paste.

        In-text styles: `“…” (Freeze 422).`; with a secondary source, MLA's
        `(qtd. in Taubman 310)`, APA's `(as cited in …)`, others "…, quoted in …". Note
        styles: the quote with a note mark, then the full note ("…, quoted in …").
        """
        chosen = resolve_style(style)
        _check_output(output)
        quoted = _escape(inner_quotes_single(passage.text.strip()), output)
        citation = self._passage_citation(passage, chosen, output)
        if chosen.is_note:
            return Citation(output, _with_note(quoted, citation.text, output), citation.warnings)
        text = f"“{_without_final_period(quoted)}” {citation.text}."
        return Citation(output, text, citation.warnings)

    def cite_passage(
        self, passage: Passage, style: str, *, mode: str = "citation", output: str = "text"
    ) -> Citation:
        """The passage's citation without its words: the in-text citation (`(Freeze 422)`,
        `(qtd. in Taubman 310)`) or, in a note style, the full note; `note` in an in-text
        style is refused, as `cite` refuses it."""
        chosen = resolve_style(style)
        _check_output(output)
        if mode not in ("citation", "note"):
            raise CitationError(f"unknown mode '{mode}'; use citation or note", field="mode")
        if mode == "note" and not chosen.is_note:
            raise CitationError(
                f"style '{chosen.id}' cites in the text, not in notes; use --mode citation",
                field="mode",
            )
        return self._passage_citation(passage, chosen, output)

    def _passage_citation(self, passage: Passage, chosen: Style, output: str) -> Citation:
        """The note (note styles) or in-text citation of a passage, a secondary source's
        "quoted in" included."""
        cited = [passage.citekey]
        if passage.quoted_in is not None:
            cited.append(passage.quoted_in.citekey)
        context = self._library.context(cited)
        original = context[0]
        cite = _cite_item(passage.citekey, passage.locator)
        if passage.quoted_in is None:
            secondary = None
        else:
            secondary_item = self.csl_item(passage.quoted_in.citekey)
            secondary = (
                secondary_item,
                _cite_item(secondary_item["id"], passage.quoted_in.locator),
            )
        if chosen.is_note:
            note = self._note(context, cite, secondary, chosen, output)
            items = [original] if secondary is None else [original, secondary[0]]
            return Citation(output, note, _warnings(items))
        citation, items = self._in_text(context, cite, secondary, chosen, output)
        return Citation(output, citation, _warnings(items))

    def bibliography(self, citekeys: Sequence[str], style: str, output: str = "text") -> Citation:
        """The bibliography of `citekeys`, sorted as the style says, one entry a line; the
        works the style leaves out are in `omitted`."""
        chosen = resolve_style(style)
        entries, omitted = self._entries(citekeys, chosen, output)
        items = [self.csl_item(citekey) for citekey in citekeys]
        texts = list(entries.values())
        if output == "html":
            body = "\n".join(f'  <div class="csl-entry">{entry}</div>' for entry in texts)
            html_text = f'<div class="csl-bib-body">\n{body}\n</div>\n'
            return Citation(output, html_text, _warnings(items), omitted)
        separator = "\n\n" if output == "markdown" else "\n"
        text = separator.join(texts) + "\n" if texts else ""
        return Citation(output, text, _warnings(items), omitted)

    def entries(
        self, citekeys: Sequence[str], style: str, output: str = "text"
    ) -> tuple[dict[str, str], tuple[Omission, ...]]:
        """Each reference's bibliography entry by citekey, formatted in one document of
        them all (in the style's order), and the works the style leaves out."""
        return self._entries(citekeys, resolve_style(style), output)

    def omissions(self, style: str) -> list[tuple[Reference, Omission]]:
        """The library's works that `style` leaves out of bibliographies, read from the
        style's conditions without formatting anything (for `check`)."""
        chosen = resolve_style(style)
        found = []
        for reference in self._refs.references():
            if not is_work(reference):
                continue
            item = self.csl_item(reference.citekey)
            reason = omission_reason(item, chosen, entry_type=reference.entry_type.lower())
            if reason is not None:
                found.append((reference, Omission(reference.citekey, reason)))
        return found

    def export(
        self, citekeys: Sequence[str] | None, export_format: str, style: str = "chicago"
    ) -> Citation:
        """The chosen references (all when `citekeys` is None) in one of `EXPORT_FORMATS`."""
        references = self._chosen(citekeys)
        keys = [reference.citekey for reference in references]
        writers: dict[str, Callable[[], Citation]] = {
            "bibtex": lambda: Citation("bibtex", format_bib(references, "bibtex")),
            "biblatex": lambda: Citation("biblatex", format_bib(references, "biblatex")),
            "csljson": lambda: Citation("csljson", _json([self.csl_item(key) for key in keys])),
            "ris": lambda: Citation("ris", format_ris([self.csl_item(key) for key in keys])),
        }
        if export_format in writers:
            return writers[export_format]()
        if export_format in OUTPUTS:
            return self.bibliography(keys, style, export_format)
        raise CitationError(
            f"unknown export format '{export_format}'; use one of {', '.join(EXPORT_FORMATS)}",
            field="format",
        )

    def _chosen(self, citekeys: Sequence[str] | None) -> list[Reference]:
        if citekeys is None:
            return self._refs.references()
        return [self._refs.get(citekey) for citekey in dict.fromkeys(citekeys)]

    def _entries(
        self, citekeys: Sequence[str], style: Style, output: str
    ) -> tuple[dict[str, str], tuple[Omission, ...]]:
        _check_output(output)
        items = [self.csl_item(citekey) for citekey in dict.fromkeys(citekeys)]
        entries = dict(self._engine.bibliography(items, style, output))
        omitted = tuple(self._omission(item, style) for item in items if item["id"] not in entries)
        return entries, omitted

    def _omission(self, item: CslItem, style: Style) -> Omission:
        citekey = str(item["id"])
        entry_type = self._refs.get(citekey).entry_type.lower()
        reason = omission_reason(item, style, entry_type=entry_type)
        return Omission(citekey, reason or unexplained_reason(item, style))

    def _note(
        self,
        context: list[CslItem],
        cite: CiteItem,
        secondary: tuple[CslItem, CiteItem] | None,
        style: Style,
        output: str,
    ) -> str:
        [note] = self._engine.citations(context, [[cite]], style, output)
        if secondary is None:
            return note
        [source_note] = self._engine.citations(context, [[secondary[1]]], style, output)
        return f"{_without_final_period(note)}, quoted in {source_note}"

    def _in_text(
        self,
        context: list[CslItem],
        cite: CiteItem,
        secondary: tuple[CslItem, CiteItem] | None,
        style: Style,
        output: str,
    ) -> tuple[str, list[CslItem]]:
        original = context[0]
        if secondary is None:
            [text] = self._engine.citations(context, [[cite]], style, output)
            return text, [original]
        source_item, source_cite = secondary
        prefix = next(
            (value for key, value in _QUOTED_IN_PREFIXES.items() if style.id.startswith(key)),
            None,
        )
        if prefix is not None:
            prefixed = CiteItem(
                citekey=source_cite.citekey,
                locator=source_cite.locator,
                label=source_cite.label,
                prefix=prefix,
            )
            [text] = self._engine.citations(context, [[prefixed]], style, output)
            return text, [source_item]
        [first] = self._engine.citations(context, [[cite]], style, output)
        [second] = self._engine.citations(context, [[source_cite]], style, output)
        if first.startswith("(") and first.endswith(")") and second.startswith("("):
            return f"{first[:-1]}, quoted in {second[1:]}", [original, source_item]
        return f"{first}, quoted in {second}", [original, source_item]


def _cite_item(citekey: str, locator: Locator | None) -> CiteItem:
    if locator is None:
        return CiteItem(citekey=citekey)
    return CiteItem(citekey=citekey, locator=locator.value, label=locator.label)


def _check_output(output: str) -> None:
    if output not in OUTPUTS:
        raise CitationError(
            f"unknown format '{output}'; use one of {', '.join(OUTPUTS)}", field="format"
        )


def _warnings(items: Sequence[CslItem]) -> tuple[str, ...]:
    return tuple(
        f"{item['id']}: no {field}; the citation is printed without it"
        for item in items
        for field in missing_fields(item)
    )


def inner_quotes_single(text: str) -> str:
    """`text` with its double quotation marks made single (“…” and "…" become ‘…’), as a
    quotation inside the double quotation marks of a quote must be.

    Straight quotes open at the start or after a space or an opening bracket and close
    elsewhere; single quotation marks and apostrophes already in `text` stay as they are.
    """
    text = _OPENING_STRAIGHT_QUOTE.sub("‘", text)
    return text.replace('"', "’").replace("“", "‘").replace("”", "’")


def _escape(text: str, output: str) -> str:
    if output == "html":
        return html.escape(text, quote=False)
    if output == "markdown":
        return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    return text


def _without_final_period(text: str) -> str:
    """Drop one closing period (the citation's own period follows), never an ellipsis."""
    if text.endswith(".") and not text.endswith("..."):
        return text[:-1]
    return text


def _with_note(quoted: str, note: str, output: str) -> str:
    """The quote, a note mark, and the note itself, laid out for pasting."""
    if not quoted.endswith((".", "?", "!", "…")):
        quoted += "."
    if output == "html":
        return f'<p>“{quoted}”<sup>1</sup></p>\n<p class="footnote">1. {note}</p>'
    if output == "markdown":
        return f"“{quoted}”[^1]\n\n[^1]: {note}"
    return f"“{quoted}”¹\n\n1. {note}"


def _json(items: list[CslItem]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
