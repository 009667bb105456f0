"""A page's JSON twin, announced in a `Link: rel="alternate"` header (as Datasette does)."""

from __future__ import annotations

from flask import Response, make_response


def with_json_twin(html: str, json_url: str) -> Response:
    """`html` as a response that names `json_url` as the same data in JSON."""
    response = make_response(html)
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response
