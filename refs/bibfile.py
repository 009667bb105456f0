"""Read one .bib file into references located by byte position, and splice edits into it.

bibtexparser v2 cuts the file into blocks; we keep the file's own text and find each
block's raw text in it ourselves (its `start_line` drifts after a line ending in `\\\\`).
An edit replaces the characters of one block and leaves every other character of the file
as it was: comments, blank lines, field order, brace style and line endings.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bibtexparser import model as bibmodel
from bibtexparser.entrypoint import parse_string

from refs.errors import EntryError, RefsError
from refs.model import Reference
from refs.values import evaluate

logger = logging.getLogger(__name__)

ENCODING = "utf-8"
# Invalid UTF-8 bytes survive a read and a write unchanged as lone surrogates.
DECODE_ERRORS = "surrogateescape"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a block's text lies in its file: character offsets and the 1-based first line."""

    start: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like when read, to notice a change made behind our back."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of_bytes(cls, data: bytes, path: Path) -> Fingerprint:
        """The fingerprint of `data` just read from `path`."""
        stat = path.stat()
        return cls(len(data), stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass(slots=True, kw_only=True)
class BibFile:
    """A parsed .bib file: its text, its references in file order, and what failed to load."""

    path: Path
    text: str
    fingerprint: Fingerprint
    references: list[Reference] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)
    problems: list[EntryError] = field(default_factory=list)

    @property
    def newline(self) -> str:
        """The file's own line ending, used for whatever we append."""
        return "\r\n" if "\r\n" in self.text else "\n"

    def spliced(self, span: Span, replacement: str) -> str:
        """The file's text with the characters of `span` replaced."""
        return self.text[: span.start] + replacement + self.text[span.end :]

    def without(self, span: Span) -> str:
        """The file's text with the block at `span` removed along with the blank line after it."""
        end = span.end
        for _ in range(2):
            if self.text.startswith("\r\n", end):
                end += 2
            elif self.text.startswith("\n", end):
                end += 1
        return self.text[: span.start] + self.text[end:]

    def appended(self, entry_text: str) -> str:
        """The file's text with `entry_text` added at the end after one blank line."""
        newline = self.newline
        entry_text = entry_text.replace("\r\n", "\n").replace("\n", newline)
        if not self.text.strip():
            return self.text + entry_text + newline
        text = self.text if self.text.endswith("\n") else self.text + newline
        if not text.endswith(newline * 2):
            text += newline
        return text + entry_text + newline


def read_bib_file(path: Path) -> BibFile:
    """Parse the file at `path`; never raises for bad content, only for an unreadable file."""
    data = path.read_bytes()
    text = data.decode(ENCODING, errors=DECODE_ERRORS)
    bib = parse_bib_text(text, path)
    bib.fingerprint = Fingerprint.of_bytes(data, path)
    return bib


def parse_bib_text(text: str, path: Path) -> BibFile:
    """Parse BibTeX `text` as though it were the file `path` (used for files and for input)."""
    bib = BibFile(path=path, text=text, fingerprint=Fingerprint(0, 0, ""))
    _report_undecodable_bytes(bib)
    library = parse_string(text, parse_stack=[])
    macros: dict[str, str] = {}
    cursor = 0
    for block in library.blocks:
        span, cursor = _locate(text, block, cursor)
        if span is None:
            bib.problems.append(
                EntryError("could not locate a block in the file", path=path, line=1)
            )
            continue
        if isinstance(block, bibmodel.String):
            macros[block.key.lower()] = block.value
        elif isinstance(block, bibmodel.Entry):
            _add_entry(bib, block, span, macros)
        elif isinstance(block, bibmodel.ParsingFailedBlock):
            bib.problems.append(EntryError(_failure_message(block), path=path, line=span.line))
    return bib


def _locate(text: str, block: bibmodel.Block, cursor: int) -> tuple[Span | None, int]:
    raw = block.raw or ""
    start = text.find(raw, cursor)
    if start < 0:
        return None, cursor
    end = start + len(raw)
    return Span(start, end, text.count("\n", 0, start) + 1), end


def _add_entry(bib: BibFile, entry: bibmodel.Entry, span: Span, macros: Mapping[str, str]) -> None:
    citekey = entry.key.strip()
    raw = entry.raw or ""
    if not _is_complete(raw):
        # bibtexparser 2.1.0 ends a "…"-quoted value at a `"` inside braces and turns the
        # rest of the entry into a comment; loading it would silently drop fields.
        bib.problems.append(
            EntryError(
                f"entry '{citekey}' ends before its closing brace (a '\"' inside a "
                "quoted value? write that value in braces)",
                path=bib.path,
                line=span.line,
            )
        )
        return
    if not citekey:
        bib.problems.append(EntryError("entry has no citekey", path=bib.path, line=span.line))
        return
    fields: dict[str, str] = {}
    for bib_field in entry.fields:
        name = _field_name(bib_field.key)
        line = span.line + raw.count("\n", 0, raw.find(bib_field.key))
        try:
            fields[name] = evaluate(str(bib_field.value), macros)
        except RefsError as error:
            bib.problems.append(EntryError(str(error), path=bib.path, line=line, field=name))
            fields[name] = str(bib_field.value)
    bib.references.append(
        Reference(
            citekey=citekey,
            entry_type=entry.entry_type.lower(),
            fields=fields,
            path=bib.path,
            line=span.line,
            raw=raw,
        )
    )
    bib.spans[citekey] = span


def _is_complete(raw: str) -> bool:
    """True when the entry's text closes its braces, i.e. the splitter did not cut it short."""
    body = raw.rstrip()
    return body.endswith(("}", ")")) and body.count("{") == body.count("}")


def _field_name(key: str) -> str:
    """The field name without `%` comment lines before it (biber accepts those in entries)."""
    lines = [line for line in key.splitlines() if not line.lstrip().startswith("%")]
    return " ".join(lines).strip().lower()


def _failure_message(block: bibmodel.ParsingFailedBlock) -> str:
    if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
        return f"duplicate citekey '{block.key}' (the first entry with it is kept)"
    if isinstance(block, bibmodel.DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        entry = block.ignore_error_block
        key = entry.key if isinstance(entry, bibmodel.Entry) else "?"
        return f"entry '{key}' has the field(s) {names} more than once"
    return f"could not parse this block: {block.error}"


def _report_undecodable_bytes(bib: BibFile) -> None:
    for number, line in enumerate(bib.text.splitlines(), start=1):
        if any("\udc80" <= char <= "\udcff" for char in line):
            bib.problems.append(
                EntryError("invalid UTF-8 bytes (kept as they are)", path=bib.path, line=number)
            )
