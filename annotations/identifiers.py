"""One spelling per work identifier (DOI, ISBN, URL, citekey), for matching imported annotations.

`https://doi.org/10.1/X`, `http://dx.doi.org/10.1/x` and `doi:10.1/x` are the same work;
so are `urn:isbn:978-0-19-…` and `9780190…`. Both the references' identifiers and an
annotation's target source go through `identifier_key` before they are compared.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

CITEKEY_URN_PREFIX = "urn:florilegium:citekey:"
_DOI_RE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ISBN_RE = re.compile(r"^(?:urn:isbn:|isbn:?\s*)?([0-9][0-9\- ]{8,16}[0-9Xx])$", re.IGNORECASE)


def identifier_key(value: str) -> str | None:
    """`doi:10.1/x`, `isbn:9780…`, `url:https://host/path` or `citekey:KEY`; None if empty."""
    value = value.strip()
    if not value:
        return None
    if value.startswith(CITEKEY_URN_PREFIX):
        return "citekey:" + value.removeprefix(CITEKEY_URN_PREFIX)
    doi = _DOI_RE.match(unquote(value))
    if doi is not None:
        return "doi:" + doi.group(1).lower()
    isbn = _ISBN_RE.match(value)
    if isbn is not None:
        return "isbn:" + re.sub(r"[\s-]", "", isbn.group(1)).upper()
    parts = urlsplit(value)
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        path = parts.path.rstrip("/")
        netloc = parts.netloc.lower().removeprefix("www.")
        return "url:" + urlunsplit(("https", netloc, path, parts.query, ""))
    return "other:" + value


def source_iri(citekey: str, *, doi: str = "", url: str = "", isbn: str = "") -> str:
    """The IRI naming a reference in a W3C annotation: DOI, else URL, else ISBN, else citekey."""
    if doi.strip():
        key = identifier_key(doi)
        if key is not None and key.startswith("doi:"):
            return "https://doi.org/" + doi.strip().split("doi.org/")[-1].removeprefix("doi:")
    if url.strip():
        return url.strip()
    if isbn.strip():
        return "urn:isbn:" + re.sub(r"[\s-]", "", isbn.strip())
    return CITEKEY_URN_PREFIX + citekey
