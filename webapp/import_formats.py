"""Tell which import format a pasted text or an uploaded file is in, from its name and text.

The command line goes by a file's extension (`import_service.guess_format`); a browser
also gets pasted text, which has no name, and `.json` files of three kinds (CSL-JSON,
W3C Web Annotation, Hypothes.is). A text this cannot place is None: the user chooses.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any

# Extensions that name one format; `.json` is decided by what the document holds.
_FORMAT_BY_SUFFIX = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris"}
# A RIS record starts with its type tag: `TY`, two spaces, a hyphen.
_RIS_START = re.compile(r"\s*TY  - ")
# A BibTeX entry: `@type{` or `@type(`.
_BIBTEX_ENTRY = re.compile(r"@[ \t]*[A-Za-z]+[ \t]*[{(]")
_W3C_TYPES = frozenset({"Annotation", "AnnotationPage", "AnnotationCollection"})
# Only the start of a large file is looked at to tell BibTeX from RIS.
_SNIFFED_CHARS = 65_536


def detect_format(text: str, filename: str = "") -> str | None:
    """`bibtex`, `ris`, `csljson`, `w3c`, `hypothesis`, or None when it cannot tell.

    >>> detect_format("TY  - BOOK\\nTI  - Khrushchev Remembers\\nER  - \\n")
    'ris'
    """
    by_name = _FORMAT_BY_SUFFIX.get(PurePath(filename).suffix.lower())
    if by_name is not None:
        return by_name
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith(("[", "{")):
        return _json_format(text)
    head = start[:_SNIFFED_CHARS]
    if _RIS_START.match(head):
        return "ris"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    return None


def _json_format(text: str) -> str:
    """Which JSON format a document is; broken JSON goes to CSL-JSON, whose reader names
    the line at fault."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return "csljson"
    if isinstance(document, dict):
        if isinstance(document.get("annotations"), list) or isinstance(document.get("rows"), list):
            return "hypothesis"
        return "w3c" if _is_w3c(document) else "csljson"
    first = document[0] if isinstance(document, list) and document else None
    if isinstance(first, dict):
        if _is_w3c(first):
            return "w3c"
        if "uri" in first and ("user" in first or "target" in first):
            return "hypothesis"
    return "csljson"


def _is_w3c(item: dict[str, Any]) -> bool:  # Any: JSON not yet validated
    return item.get("type") in _W3C_TYPES or "@context" in item
