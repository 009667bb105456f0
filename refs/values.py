"""Evaluate a BibTeX field value as written (braces, quotes, numbers, `@string` macros, `#`).

bibtexparser v2 resolves `@string` macros one level only and does not follow a macro
defined by another macro; we keep its values raw and evaluate them here, following macro
chains to any depth and reporting loops and unknown macros instead of guessing.

Expansion is bounded: each macro is expanded once per value (so `b = a # a`, `c = b # b`…
costs linear time, not exponential), a value may use at most `MAX_MACRO_USES` macros and
expand to at most `MAX_EXPANDED_LENGTH` characters; past either, the value is refused
with an error and the rest of the file still loads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from refs.errors import RefsError

MONTH_MACROS: Mapping[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}


_MARKS = re.compile(r'[{}"#]')
# A name that can only be a macro (no braces, quotes, `#` or spaces).
_MACRO_NAME = re.compile(r"[^\s{}\"#]+")
# Text without braces or quotes.
_PLAIN = re.compile(r'[^{}"]*')
# Text whose braces nest at most two deep and never close more than they opened.
_BALANCED = re.compile(r"(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*")
MAX_EXPANDED_LENGTH = 1_000_000
MAX_MACRO_USES = 10_000


class InvalidValue(RefsError, ValueError):
    """A field value that cannot be evaluated (unbalanced braces, unknown macro, macro loop)."""


def split_concatenation(raw: str) -> list[str]:
    """Split `a # {b} # "c"` into its parts, ignoring `#` inside braces or quotes."""
    parts: list[str] = []
    depth = 0
    in_quotes = False
    start = 0
    # Jumping between the few characters that matter keeps loading 20,000 entries fast.
    for mark in _MARKS.finditer(raw):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise InvalidValue(f"unbalanced '}}' in {raw!r}")
        elif char == '"':
            in_quotes = in_quotes != (depth == 0)
        elif depth == 0 and not in_quotes:
            parts.append(raw[start : mark.start()].strip())
            start = mark.end()
    if depth != 0 or in_quotes:
        raise InvalidValue(f"unbalanced braces or quotes in {raw!r}")
    parts.append(raw[start:].strip())
    return parts


def evaluate(raw: str, macros: Mapping[str, str]) -> str:
    """The text a field value stands for, with `macros` (raw `@string` values) expanded."""
    text = raw.strip()
    # Most values are one braced or quoted string or a number; read those at once (the
    # full reading below gives the same for them, a character at a time).
    if len(text) >= 2:
        inner = text[1:-1]
        if text[0] == "{" and text[-1] == "}" and _BALANCED.fullmatch(inner):
            return inner
        if text[0] == text[-1] == '"' and _PLAIN.fullmatch(inner):
            return inner
    if text.isdigit():
        return text
    # A macro alone (`journal = TUGboat`) standing for one braced or quoted string.
    defined = macros.get(text.lower()) if _MACRO_NAME.fullmatch(text) else None
    if defined is not None:
        value = defined.strip()
        inner = value[1:-1]
        if len(value) >= 2 and value[0] == "{" and value[-1] == "}" and _BALANCED.fullmatch(inner):
            return inner
        if len(value) >= 2 and value[0] == value[-1] == '"' and _PLAIN.fullmatch(inner):
            return inner
    return _Expansion(macros).value(raw, ())


class _Expansion:
    """One value's evaluation: each macro expanded once, uses and length counted."""

    def __init__(self, macros: Mapping[str, str]) -> None:
        self.macros = macros
        self.expanded: dict[str, str] = {}
        self.uses = 0

    def value(self, raw: str, expanding: tuple[str, ...]) -> str:
        pieces: list[str] = []
        length = 0
        for part in split_concatenation(raw.strip()):
            if not part:
                raise InvalidValue(f"empty part in concatenation {raw!r}")
            if (part[0], part[-1]) in (("{", "}"), ('"', '"')) and len(part) >= 2:
                piece = part[1:-1]
            elif part.isdigit():
                piece = part
            else:
                piece = self.macro(part, expanding)
                length += len(piece)  # only what macros bring counts: the file's own text
            if length > MAX_EXPANDED_LENGTH:
                raise InvalidValue(
                    f"@string macros expand past {MAX_EXPANDED_LENGTH:,} characters; "
                    "the value is refused"
                )
            pieces.append(piece)
        return "".join(pieces)

    def macro(self, name: str, expanding: tuple[str, ...]) -> str:
        folded = name.lower()
        self.uses += 1
        if self.uses > MAX_MACRO_USES:
            raise InvalidValue(
                f"a value uses more than {MAX_MACRO_USES:,} @string macros; the value is refused"
            )
        if folded in expanding:
            chain = " -> ".join((*expanding, folded))
            raise InvalidValue(f"@string macros refer to each other in a loop: {chain}")
        if folded in self.expanded:
            return self.expanded[folded]
        if folded in self.macros:
            text = self.value(self.macros[folded], (*expanding, folded))
        elif folded in MONTH_MACROS:
            text = MONTH_MACROS[folded]
        else:
            raise InvalidValue(f"unknown @string macro '{name}'")
        self.expanded[folded] = text
        return text
