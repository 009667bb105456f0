"""Rewrite a .bib text, character for character, into a form bibtexparser 2.1.0 reads right.

Four things that biber and BibTeX accept make bibtexparser 2.1.0 lose or misread data:
- a `%` comment between the fields of an entry turns the entry into a failed block, or
  silently into a field named `% comment\\n year`;
- a `%` right after a value (`author = {Smith, J.}%,`) is read as part of the value; blanked
  here, the comment may turn out to hide the comma before the next field, which
  `bibfile` then reports at its line instead of loading a value that swallowed that field;
- a `"` inside braces inside a `"…"` value (`"{zeitgem{"a}{\\ss} x}"`) ends the value early
  and every later field of the entry becomes a comment;
- an entry whose type merely starts with "comment" (`@commentary`, biblatex's type for
  commentaries, or `@COMMENTED`) is taken for an `@comment` and dropped without a word.
When a file shows any of them (see `bibfile._is_misread`), it is parsed again from this
rewrite: such comments blanked with spaces, the quotes around a quoted value made braces,
such an entry type's first letter made `_` (`bibfile` reads the type from the file's own
text). Every replacement has the same length and newlines stay, so offsets and line
numbers in the rewritten text are those of the file; the file's own text is what we keep
and splice, never this one.
"""

from __future__ import annotations

import re

# The characters that matter, skipping those escaped by a backslash as bibtexparser does.
_MARK = re.compile(r'(?<!\\)[{}"%()@]')
_LINE_BREAK = re.compile(r"[\r\n]")
# As bibtexparser's splitter: `@`, a type, spaces or tabs, then the opening delimiter.
_BLOCK_START = re.compile(r"@(\w*)[ \t]*([{(])")
# An entry type that bibtexparser mistakes for `@comment`.
COMMENT_LIKE_TYPE = re.compile(r"@[ \t]*comment\w", re.IGNORECASE)


def prepare_for_parser(text: str) -> str:
    """`text` with comments inside entries blanked and quoted values braced (same length)."""
    if '"' not in text and "%" not in text and not COMMENT_LIKE_TYPE.search(text):
        return text
    edits = _find_edits(text)
    if not edits:
        return text
    chars = list(text)
    for position, replacement in edits:
        chars[position] = replacement
    return "".join(chars)


def _find_edits(text: str) -> list[tuple[int, str]]:
    """(position, new character) pairs for one pass over the marks of `text`."""
    edits: list[tuple[int, str]] = []
    closer = ""  # the delimiter closing the block we are in; "" outside blocks
    is_comment = False  # inside an @comment block nothing is rewritten
    depth = 0  # braces open inside the block, not counting its own delimiter
    quote_start = -1  # where the open quoted value started, or -1
    skip_to = 0  # marks before this were consumed (a block's opening, a blanked comment)
    for match in _MARK.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        char = text[at]
        if char == "@":
            block = _BLOCK_START.match(text, at)
            if block is not None and (not closer or _is_line_start(text, at)):
                # Like bibtexparser, a block start at a line's start aborts an open block.
                closer = ")" if block.group(2) == "(" else "}"
                block_type = block.group(1).lower()
                is_comment = block_type == "comment"
                if block_type.startswith("comment") and not is_comment:
                    edits.append((block.start(1), "_"))
                depth, quote_start, skip_to = 0, -1, block.end()
        elif not closer:
            continue
        elif char == "{":
            depth += 1
        elif char == "}" or char == ")":
            if depth == 0 and char == closer and quote_start < 0:
                closer = ""
            elif char == "}":
                depth = max(depth - 1, 0)
        elif is_comment:
            continue
        elif char == '"' and depth == 0:
            if quote_start < 0:
                quote_start = at
            else:
                edits += [(quote_start, "{"), (at, "}")]
                quote_start = -1
        elif char == "%" and depth == 0 and quote_start < 0:
            skip_to = _line_end(text, at)
            edits += [(index, " ") for index in range(at, skip_to)]
    return edits


def _is_line_start(text: str, at: int) -> bool:
    """True when only spaces stand between the previous newline and `at`."""
    line_start = text.rfind("\n", 0, at) + 1
    return not text[line_start:at].strip()


def _line_end(text: str, at: int) -> int:
    """The offset of the line break (`\n`, `\r\n` or a lone `\r`) ending the line at `at`."""
    match = _LINE_BREAK.search(text, at)
    return len(text) if match is None else match.start()
