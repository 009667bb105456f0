"""A page's JSON twin, announced in a `Link: rel="alternate"` header (as Datasette does)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, make_response

# What may stay as it is in the bracketed URL of a Link header: the URI characters apart
# from `,` and `;`, which naive parsers split links and parameters on, and from `<>"`, space
# and anything else outside printable ASCII, which `quote` percent-encodes. `%` is kept, so
# the escapes `url_for` already made are not encoded twice.
_KEPT_IN_LINK = "/?#[]@!$&'()*+=:%~"


def with_json_twin(html: str, json_url: str) -> Response:
    """`html` as a response that names `json_url` as the same data in JSON."""
    response = make_response(html)
    response.headers["Link"] = (
        f'<{link_target(json_url)}>; rel="alternate"; type="application/json"'
    )
    return response


def link_target(url: str) -> str:
    """`url` as it may stand between the brackets of a Link header: percent-encoded ASCII
    with no `,`, `;`, `<`, `>`, quote, space or line break, naming the same resource."""
    return quote(url, safe=_KEPT_IN_LINK)
