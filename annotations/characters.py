"""The one rule of which characters a stored text may hold: anything but NUL and lone surrogates.

A NUL ends strings in C libraries and many of the tools a library's files meet, and a lone
surrogate half (U+D800 to U+DFFF, which a JSON `\\ud800` escape or Python's reading of
undecodable command-line bytes produce) is no character at all: it cannot be written as
UTF-8. Every other character is text like any other, bidi controls and emoji included.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can.

    text_problem("a\\x00b") → "contains a NUL character at position 2"
    """
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    character = found.group()
    what = (
        "a NUL character"
        if character == "\x00"
        else f"a lone surrogate (U+{ord(character):04X}), which is no character"
    )
    return f"contains {what} at position {found.start() + 1}"


def printable(text: str) -> str:
    """`text` with each character that cannot be stored replaced by U+FFFD, so that a
    report can name a field or value that holds one."""
    return _UNSTORABLE.sub("\N{REPLACEMENT CHARACTER}", text)
