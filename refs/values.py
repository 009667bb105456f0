"""Evaluate a BibTeX field value as written (braces, quotes, numbers, `@string` macros, `#`).

bibtexparser v2 resolves `@string` macros one level only and does not follow a macro
defined by another macro; we keep its values raw and evaluate them here, following macro
chains to any depth and reporting loops and unknown macros instead of guessing.
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
    return _evaluate(raw, macros, ())


def _evaluate(raw: str, macros: Mapping[str, str], expanding: tuple[str, ...]) -> str:
    pieces: list[str] = []
    for part in split_concatenation(raw.strip()):
        if not part:
            raise InvalidValue(f"empty part in concatenation {raw!r}")
        if (part[0], part[-1]) in (("{", "}"), ('"', '"')) and len(part) >= 2:
            pieces.append(part[1:-1])
        elif part.isdigit():
            pieces.append(part)
        else:
            pieces.append(_expand_macro(part, macros, expanding))
    return "".join(pieces)


def _expand_macro(name: str, macros: Mapping[str, str], expanding: tuple[str, ...]) -> str:
    folded = name.lower()
    if folded in expanding:
        chain = " -> ".join((*expanding, folded))
        raise InvalidValue(f"@string macros refer to each other in a loop: {chain}")
    if folded in macros:
        return _evaluate(macros[folded], macros, (*expanding, folded))
    if folded in MONTH_MACROS:
        return MONTH_MACROS[folded]
    raise InvalidValue(f"unknown @string macro '{name}'")
