"""Read one .bib file into references located by byte position, and splice edits into it.

bibtexparser v2 cuts the file into blocks; we keep the file's own text and find each
block's raw text in it ourselves (its `start_line` drifts after a line ending in `\\\\`).
An edit replaces the characters of one block and leaves every other character of the file
as it was: comments, blank lines, field order, brace style and line endings.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from refs.collector import collector_paused
from refs.errors import EntryError, RefsError
from refs.model import Reference
from refs.parserinput import COMMENT_LIKE_TYPE, prepare_for_parser
from refs.values import evaluate

if TYPE_CHECKING:
    from bibtexparser import model as bibmodel

logger = logging.getLogger(__name__)

ENCODING = "utf-8"
# Invalid UTF-8 bytes survive a read and a write unchanged as lone surrogates.
DECODE_ERRORS = "surrogateescape"
BOM = b"\xef\xbb\xbf"
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# What a field or macro name looks like; anything else means the parser misread the entry.
_FIELD_NAME = re.compile(r"^[^\s%{}\"#,=@()]+$")
# A field name and its `=` where only a value may stand: the value swallowed the next field.
_SWALLOWED = re.compile(r"([^\s%{}\"#,=@()]+)\s*=")


class Span(NamedTuple):
    """Where a block's text lies in its file: character offsets and the 1-based first line.

    A named tuple rather than a dataclass: an edit shifts the spans of every entry after
    it, and tuples are made several times faster.
    """

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
    """A parsed .bib file: its text, its references in file order, and what failed to load.

    A BibFile is not changed in place: the splice methods return a new one for the new
    text, re-parsing only the characters that changed and shifting the positions after them.
    """

    path: Path
    text: str
    fingerprint: Fingerprint
    references: list[Reference] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)
    problems: list[EntryError] = field(default_factory=list)
    macros: dict[str, str] = field(default_factory=dict)
    # (citekey, field) of values kept raw because they could not be evaluated; the store
    # tries them again with the macros of the library's other files.
    unresolved: set[tuple[str, str]] = field(default_factory=set)

    @property
    def newline(self) -> str:
        """The file's own line ending, used for whatever we append."""
        return "\r\n" if "\r\n" in self.text else "\n"

    def entry_text(self, citekey: str) -> str:
        """The exact text of the entry `citekey` in this file."""
        span = self.spans[citekey]
        return self.text[span.start : span.end]

    def with_entry_replaced(self, citekey: str, entry_text: str) -> BibFile:
        """This file with the entry `citekey` replaced by `entry_text`."""
        span = self.spans[citekey]
        return self._with_splice(span.start, span.end, entry_text)

    def with_entry_removed(self, citekey: str) -> BibFile:
        """This file without the entry `citekey`, its indentation and the blank line after it."""
        span = self.spans[citekey]
        start, end = span.start, span.end
        line_start = self.text.rfind("\n", 0, start) + 1
        if not self.text[line_start:start].strip(" \t"):
            start = line_start
        for _ in range(2):
            if self.text.startswith("\r\n", end):
                end += 2
            elif self.text.startswith("\n", end):
                end += 1
        return self._with_splice(start, end, "")

    def with_entries_appended(self, entries: list[str]) -> BibFile:
        """This file with `entries` added at the end, each after one blank line."""
        newline = self.newline
        text = self.text
        lead = ""
        if text.strip():
            if not text.endswith("\n"):
                lead += newline
            if not (text + lead).endswith(newline * 2):
                lead += newline
        # Joined once: adding to one string entry by entry copied it for each of thousands.
        body = newline.join(
            entry.replace("\r\n", "\n").replace("\n", newline) + newline for entry in entries
        )
        return self._with_splice(len(text), len(text), lead + body)

    def _with_splice(self, start: int, end: int, replacement: str) -> BibFile:
        """A new BibFile for the text with `start:end` replaced; only `replacement` is parsed."""
        text = self.text[:start] + replacement + self.text[end:]
        first_line = self.text.count("\n", 0, start) + 1
        line_shift = replacement.count("\n") - self.text.count("\n", start, end)
        shift = len(replacement) - (end - start)
        part = _parse(replacement, self.path, dict(self.macros), start, first_line)
        updated = BibFile(path=self.path, text=text, fingerprint=self.fingerprint)
        updated.macros = part.macros
        # References are in file order, so those before and after the splice are slices.
        spans = [self.spans[reference.citekey] for reference in self.references]
        first_after = bisect.bisect_left([span.start for span in spans], end)
        last_before = bisect.bisect_right([span.end for span in spans], start)
        before, after = self.references[:last_before], self.references[first_after:]
        updated.spans = {ref.citekey: span for ref, span in zip(before, spans, strict=False)}
        updated.spans.update(part.spans)
        for reference, old in zip(after, spans[first_after:], strict=True):
            updated.spans[reference.citekey] = Span(
                old.start + shift, old.end + shift, old.line + line_shift
            )
        updated.unresolved = part.unresolved | {
            (citekey, name)
            for citekey, name in self.unresolved
            if citekey in updated.spans and citekey not in part.spans
        }
        updated.references = [*before, *part.references]
        updated.references += (
            after if not line_shift else [_moved(ref, line_shift) for ref in after]
        )
        last_line = first_line + self.text.count("\n", start, end)
        for problem in self.problems:
            if problem.line < first_line or (start == end and problem.line == first_line):
                updated.problems.append(problem)
            elif problem.line > last_line:
                updated.problems.append(_shifted(problem, line_shift))
        updated.problems += part.problems
        updated.problems.sort(key=lambda problem: problem.line)
        return updated


def read_text(path: Path) -> tuple[str, Fingerprint]:
    """The text of `path` (invalid UTF-8 kept as lone surrogates) and its fingerprint."""
    data = path.read_bytes()
    return data.decode(ENCODING, errors=DECODE_ERRORS), Fingerprint.of_bytes(data, path)


def read_input_text(path: Path) -> str:
    """The text of a .bib file given to `import` or `refs add`: a byte-order mark dropped,
    invalid UTF-8 kept as lone surrogates (so the parse reports it by line, never crashes)."""
    return decode_input_bytes(path.read_bytes())


def decode_input_bytes(data: bytes) -> str:
    """The bytes of a .bib file given to `import` or `refs add` as `read_input_text` reads them."""
    return data.removeprefix(BOM).decode(ENCODING, errors=DECODE_ERRORS)


def has_undecodable_bytes(text: str) -> bool:
    """True when `text` holds bytes that were not valid UTF-8 (see `read_input_text`)."""
    return _UNDECODABLE.search(text) is not None


def encode_text(text: str) -> bytes:
    """The bytes to write for `text`: exactly the bytes read, where the text was not changed."""
    return text.encode(ENCODING, errors=DECODE_ERRORS)


def parse_bib_text(text: str, path: Path) -> BibFile:
    """Parse BibTeX `text` as though it were the file `path` (used for files and for input)."""
    bib = _parse(text, path, {}, 0, 1)
    bib.problems.sort(key=lambda problem: problem.line)
    return bib


def _parse(text: str, path: Path, macros: dict[str, str], offset: int, first_line: int) -> BibFile:
    """Parse `text`, which starts at character `offset` and line `first_line` of its file."""
    with collector_paused():  # blocks, references, spans: many objects and no cycles
        return _parse_blocks(text, path, macros, offset, first_line)


def _parse_blocks(
    text: str, path: Path, macros: dict[str, str], offset: int, first_line: int
) -> BibFile:
    # bibtexparser (and pylatexenc under it) is imported by the first parse, so that a
    # command reading only cached files never loads it.
    from bibtexparser import model as bibmodel

    bib = BibFile(path=path, text=text, fingerprint=Fingerprint(0, 0, ""), macros=macros)
    _report_undecodable_bytes(bib, first_line)
    prepared, blocks = _read_blocks(text)
    cursor, line = 0, first_line  # `line` is the line number at `cursor`
    for block in blocks:
        raw = block.raw or ""
        start = prepared.find(raw, cursor)
        if start < 0:
            bib.problems.append(EntryError("could not locate a block", path=path, line=line))
            continue
        line += prepared.count("\n", cursor, start)
        end = start + len(raw)
        span = Span(offset + start, offset + end, line)
        if isinstance(block, bibmodel.String):
            macros[block.key.lower()] = block.value
        elif isinstance(block, bibmodel.DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, bibmodel.String
        ):
            # As BibTeX does: a macro defined again takes its new value from here on.
            macros[block.key.lower()] = block.ignore_error_block.value
        elif isinstance(block, bibmodel.Entry):
            _add_entry(bib, block, span, text[start:end])
        elif isinstance(block, bibmodel.DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, bibmodel.Entry
        ):
            # As BibTeX does: the first value counts, the others are reported.
            _add_entry(bib, block.ignore_error_block, span, text[start:end])
        elif isinstance(block, bibmodel.ParsingFailedBlock):
            bib.problems.append(EntryError(_failure_message(block), path=path, line=line))
        if isinstance(block, bibmodel.ParsingFailedBlock):
            # bibtexparser gives a block it gave up on the `@type` that made it give up, so
            # the next block starts inside this one's text (`@misc{ph\n\n@book{good,`).
            cursor = start + 1
        else:
            cursor = end
            line += raw.count("\n")
    return bib


def _read_blocks(text: str) -> tuple[str, list[bibmodel.Block]]:
    """bibtexparser's blocks of `text`, and the text they were read from.

    Where bibtexparser misread a block (`_is_misread`), the stretch from that block to the
    next well-read entry starting a line is rewritten by `prepare_for_parser` and read
    again; the other blocks stand as read. A block starting a line ends any block before
    it for bibtexparser, so each stretch reads as it would in the whole rewritten text,
    and the rewrite keeps every offset: the text returned is `text` with those stretches
    rewritten. Should a stretch still end inside an entry, the whole text is rewritten and
    read again, as it always was before (twice the parse of a large file).
    """
    from bibtexparser.entrypoint import parse_string

    blocks = parse_string(text, parse_stack=[]).blocks
    misread = [index for index, block in enumerate(blocks) if _is_misread_block(block)]
    if not misread:
        return text, blocks
    starts = _block_starts(text, blocks)
    pieces: list[str] = []
    read: list[bibmodel.Block] = []
    done = 0  # characters of `text` handled, and blocks taken from `blocks`
    taken = 0
    for index in misread:
        start = starts[index]
        if start is None or start < done:
            continue  # inside the stretch of an earlier misread block
        after = _next_clean_start(text, blocks, starts, index)
        end = len(text) if after is None else starts[after]
        assert end is not None
        stretch = prepare_for_parser(text[start:end])
        again = parse_string(stretch, parse_stack=[]).blocks
        if any(_ends_early(block) for block in again):
            prepared = prepare_for_parser(text)
            return prepared, parse_string(prepared, parse_stack=[]).blocks
        read += [block for block in blocks[taken:index]]
        read += again
        pieces += [text[done:start], stretch]
        done, taken = end, len(blocks) if after is None else after
    read += blocks[taken:]
    pieces.append(text[done:])
    return "".join(pieces), read


def _block_starts(text: str, blocks: list[bibmodel.Block]) -> list[int | None]:
    """Where each block's text starts in `text` (None if it cannot be found)."""
    starts: list[int | None] = []
    cursor = 0
    for block in blocks:
        raw = block.raw or ""
        start = text.find(raw, cursor)
        starts.append(start if start >= 0 else None)
        if start >= 0:
            cursor = start + 1 if _is_failed(block) else start + len(raw)
    return starts


def _next_clean_start(
    text: str, blocks: list[bibmodel.Block], starts: list[int | None], index: int
) -> int | None:
    """The index of the first block after `index` that was read well, is an entry or a
    macro and starts a line: where the stretch of the misread block `index` ends."""
    from bibtexparser import model as bibmodel

    for later in range(index + 1, len(blocks)):
        block, start = blocks[later], starts[later]
        if (
            start is not None
            and isinstance(block, bibmodel.Entry | bibmodel.String)
            and not _is_misread_block(block)
            and _starts_line(text, start)
        ):
            return later
    return None


def _starts_line(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    return not text[line_start:at].strip()


def _ends_early(block: bibmodel.Block) -> bool:
    """True for an entry that a stretch read again still cuts before its closing brace."""
    from bibtexparser import model as bibmodel

    return isinstance(block, bibmodel.Entry) and not _is_complete(block.raw or "")


def _is_failed(block: bibmodel.Block) -> bool:
    from bibtexparser import model as bibmodel

    return isinstance(block, bibmodel.ParsingFailedBlock)


_MAX_UNDECODABLE_LINES_SHOWN = 5
_ENTRY_TYPE = re.compile(r"\s*@\s*(\w+)")


def _is_misread_block(block: bibmodel.Block) -> bool:
    """True when bibtexparser 2.1.0 may have lost or misplaced something in `block` that
    `prepare_for_parser` would save: a failed block (other than a duplicate), an entry cut
    short by a quote, a field name that swallowed a `%` comment, or a value that did
    (`author = {Smith, J.}%,`: the `%` and what follows it read as part of the value)."""
    from bibtexparser import model as bibmodel

    if isinstance(block, bibmodel.ParsingFailedBlock):
        return not isinstance(
            block, bibmodel.DuplicateBlockKeyBlock | bibmodel.DuplicateFieldKeyBlock
        )
    if isinstance(block, bibmodel.Entry):
        if not _is_complete(block.raw or ""):
            return True
        for field in block.fields:  # a loop: this runs for every field of every file
            if not _FIELD_NAME.match(field.key.strip()) or _has_comment(str(field.value)):
                return True
        return False
    if isinstance(block, bibmodel.String):
        return not _FIELD_NAME.match(block.key.strip())
    if isinstance(block, bibmodel.ExplicitComment):
        return COMMENT_LIKE_TYPE.match((block.raw or "").lstrip()) is not None
    return False


def _has_comment(value: str) -> bool:
    """True when a raw value holds a `%` outside braces and quotes."""
    return "%" in value and "%" in _outside_delimiters(value)


def _add_entry(bib: BibFile, entry: bibmodel.Entry, span: Span, raw: str) -> None:
    """Add the parsed `entry` (its own text `raw`) to `bib`, or report why it cannot be."""
    citekey = entry.key.strip()
    refusal = _refusal(entry, citekey, raw, span, bib.path)
    if refusal is not None:
        bib.problems.append(refusal)
        return
    bib.references.append(
        Reference(
            citekey=citekey,
            entry_type=_entry_type(raw, entry),
            fields=_evaluated_fields(bib, entry, citekey, raw, span),
            path=bib.path,
            line=span.line,
            raw=raw,
        )
    )
    bib.spans[citekey] = span


def _refusal(
    entry: bibmodel.Entry, citekey: str, raw: str, span: Span, path: Path
) -> EntryError | None:
    """Why `entry` cannot be loaded at all, if it cannot: loading it would lose fields."""
    if not _is_complete(entry.raw or ""):
        # A safety net: should bibtexparser still end an entry before its closing brace,
        # loading it would silently drop the fields after the cut.
        return EntryError(
            f"entry '{citekey}' ends before its closing brace", path=path, line=span.line
        )
    if not citekey:
        return EntryError("entry has no citekey", path=path, line=span.line)
    return _run_on_field(entry, citekey, raw, span, path)


def _run_on_field(
    entry: bibmodel.Entry, citekey: str, raw: str, span: Span, path: Path
) -> EntryError | None:
    """No comma between two fields: a value ran on into the next field. Loading it would
    give this field a wrong value and drop the next one, so the entry is refused."""
    for bib_field in entry.fields:
        swallowed = _swallowed_field(str(bib_field.value))
        if swallowed is None:
            continue
        value = str(bib_field.value)
        at = (entry.raw or "").find(value)
        hidden = at >= 0 and "%" in _outside_delimiters(raw[at : at + len(value)])
        why = " (a `%` comment on this line hides the rest of it, comma included)"
        return EntryError(
            f"entry '{citekey}' has no comma between field '{bib_field.key.strip()}' "
            f"and field '{swallowed}'{why if hidden else ''}; the entry is not loaded",
            path=path,
            line=span.line + _lines_before_field(raw, bib_field.key),
            field=bib_field.key.strip().lower(),
            citekey=citekey,
        )
    return None


def _evaluated_fields(
    bib: BibFile, entry: bibmodel.Entry, citekey: str, raw: str, span: Span
) -> dict[str, str]:
    """The entry's fields evaluated (macros expanded); a repeated field keeps its first
    value, and a value that cannot be evaluated stays as written, each reported."""
    fields: dict[str, str] = {}
    for bib_field in entry.fields:
        name = bib_field.key.strip().lower()
        if name in fields:
            bib.problems.append(
                EntryError(
                    f"entry '{citekey}' has this field more than once (the first one counts)",
                    path=bib.path,
                    line=span.line + _lines_before_field(raw, bib_field.key, occurrence=2),
                    field=name,
                    citekey=citekey,
                )
            )
            continue
        try:
            fields[name] = evaluate(str(bib_field.value), bib.macros)
        except RefsError as error:
            # Kept raw, as written in the file (not as rewritten for the parser): the macro
            # may be defined in another of the library's files.
            value = str(bib_field.value)
            at = (entry.raw or "").find(value)
            fields[name] = raw[at : at + len(value)] if at >= 0 else value
            bib.unresolved.add((citekey, name))
            bib.problems.append(
                EntryError(
                    str(error),
                    path=bib.path,
                    line=span.line + _lines_before_field(raw, bib_field.key),
                    field=name,
                    citekey=citekey,
                )
            )
    return fields


def _entry_type(raw: str, entry: bibmodel.Entry) -> str:
    """The entry's type as its own text spells it (the parser may have read a rewrite)."""
    written = _ENTRY_TYPE.match(raw)
    return (written.group(1) if written else entry.entry_type).lower()


def _outside_delimiters(value: str) -> str:
    """The characters of a raw field value outside braces and quotes: what is left of
    `{Smith, J.} # " x" # macro` is ` #  # macro`."""
    kept: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted:
            kept.append(char)
    return "".join(kept)


def _swallowed_field(value: str) -> str | None:
    """The name of the next field when a raw value ran on into it (`{A}\n title = {T}`):
    a comma was missing, or hidden by a `%` comment. None for a well-formed value."""
    if "=" not in value:
        return None
    found = _SWALLOWED.search(_outside_delimiters(value))
    return found.group(1) if found else None


def _lines_before_field(raw: str, key: str, occurrence: int = 1) -> int:
    """How many lines into the entry's text the field `key` starts (its n-th occurrence)."""
    pattern = re.compile(rf"(?<![\w:+.-]){re.escape(key.strip())}\s*=", re.IGNORECASE)
    matches = list(pattern.finditer(raw))[:occurrence]
    return raw.count("\n", 0, matches[-1].start()) if matches else 0


def _is_complete(raw: str) -> bool:
    """True when the entry's text closes its braces, i.e. the splitter did not cut it short."""
    body = raw.rstrip()
    return body.endswith(("}", ")")) and body.count("{") == body.count("}")


def _failure_message(block: bibmodel.ParsingFailedBlock) -> str:
    from bibtexparser import model as bibmodel

    if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
        return f"duplicate citekey '{block.key}' (the first entry with it is kept)"
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    return f"could not parse this block: {' '.join(reason.split())}"


def _moved(reference: Reference, lines: int) -> Reference:
    """`reference` moved down by `lines` (built directly: `dataclasses.replace` is slow),
    with what it converts to: its text and fields are the same."""
    moved = Reference(
        citekey=reference.citekey,
        entry_type=reference.entry_type,
        fields=reference.fields,
        path=reference.path,
        line=reference.line + lines,
        raw=reference.raw,
    )
    object.__setattr__(moved, "summary", reference.summary)
    object.__setattr__(moved, "csl", reference.csl)
    return moved


def _shifted(problem: EntryError, lines: int) -> EntryError:
    return EntryError(
        problem.message,
        path=problem.path,
        line=problem.line + lines,
        field=problem.field,
        citekey=problem.citekey,
    )


def _report_undecodable_bytes(bib: BibFile, first_line: int) -> None:
    """One problem per line holding bytes that are not UTF-8; past a few such lines, one
    for the whole file, which is then in another encoding (Windows-1251, Latin-1…)."""
    if _UNDECODABLE.search(bib.text) is None:
        return
    # Lines end at \n only, as everywhere else here (`splitlines` also cuts at \x0c, \x1c...).
    lines = []
    number, counted = first_line, 0
    found = _UNDECODABLE.search(bib.text)
    while found is not None:  # once per line holding such bytes
        number += bib.text.count("\n", counted, found.start())
        counted = found.start()
        lines.append(number)
        line_end = bib.text.find("\n", counted)
        found = None if line_end < 0 else _UNDECODABLE.search(bib.text, line_end)
    if len(lines) > _MAX_UNDECODABLE_LINES_SHOWN:
        shown = ", ".join(str(number) for number in lines[:_MAX_UNDECODABLE_LINES_SHOWN])
        message = (
            f"invalid UTF-8 bytes on {len(lines)} lines ({shown}…), kept as they are: the "
            "file is in another encoding; save it as UTF-8 to read its accents and letters"
        )
        bib.problems.append(EntryError(message, path=bib.path, line=lines[0]))
        return
    for number in lines:
        bib.problems.append(
            EntryError("invalid UTF-8 bytes (kept as they are)", path=bib.path, line=number)
        )
