"""Turn LaTeX in field values into plain Unicode for display and search (the file keeps LaTeX)."""

from __future__ import annotations

from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_CONVERTER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """`Mi{\\'c}unovi{\\'c}` → `Mićunović`; braces that protect capitals disappear.

    Values without a backslash, brace, tilde or dollar are returned as they are: most
    fields are plain text, and pylatexenc is the slow part of a load.
    """
    if any(char in value for char in "\\{}~$"):
        value = _CONVERTER.latex_to_text(value)
    return _typographic_dashes(" ".join(value.split()))


def _typographic_dashes(text: str) -> str:
    """TeX ligatures: `---` is an em dash, `--` an en dash (as in `1957--1964`)."""
    return text.replace("---", "\u2014").replace("--", "\u2013")
