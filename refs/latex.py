"""Turn LaTeX in field values into plain Unicode for display and search (the file keeps LaTeX)."""

from __future__ import annotations

import logging
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

logger = logging.getLogger(__name__)

_CONVERTER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """`Mi{\\'c}unovi{\\'c}` → `Mićunović`; braces that protect capitals disappear.

    Values without a backslash, brace, tilde or dollar are returned as they are: most
    fields are plain text, and pylatexenc is the slow part of a load.
    """
    if any(char in value for char in "\\{}~$"):
        try:
            value = _CONVERTER.latex_to_text(value)
        except RecursionError:
            # pylatexenc recurses once per brace: thousands of nested braces (a damaged or
            # hostile file) must not stop a load or an import, so show the text unbraced.
            logger.warning("LaTeX nested too deeply to convert; braces dropped")
            value = value.replace("{", "").replace("}", "")
    return _typographic_dashes(" ".join(value.split()))


def _typographic_dashes(text: str) -> str:
    """TeX ligatures: `---` is an em dash, `--` an en dash (as in `1957--1964`)."""
    return text.replace("---", "\u2014").replace("--", "\u2013")
