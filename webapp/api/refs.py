"""GET /api/refs, /api/refs/KEY and a reference's formatted citation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from webapp.presenters import reference_detail_json, reference_summary_json
from webapp.viewsupport import choice_arg, form_locator, get_services, int_arg, require

bp = Blueprint("refs", __name__)

CITATION_MODES = ("bibliography", "citation", "note")
CITATION_FORMATS = ("text", "html", "markdown")
DEFAULT_STYLE = "chicago-author-date"


@bp.get("/refs")
def list_refs() -> Any:  # Any: a Flask response (a JSON array)
    """Every reference as in `refs list --json`, sorted by citekey; `limit`/`offset` page it."""
    rows = [reference_summary_json(ref) for ref in get_services().refs.references()]
    offset = int_arg("offset", 0, minimum=0, maximum=1_000_000)
    limit = int_arg("limit", len(rows) or 1, minimum=1, maximum=max(len(rows), 1_000_000))
    response = jsonify(rows[offset : offset + limit])
    response.headers["X-Total-Count"] = str(len(rows))
    return response


@bp.get("/refs/<citekey>")
def show_ref(citekey: str) -> dict[str, Any]:
    """One reference as in `refs show --json`."""
    services = get_services()
    return reference_detail_json(services.refs.get(citekey), services.csl_item(citekey))


@bp.get("/refs/<citekey>/citation")
def cite_ref(citekey: str) -> dict[str, str]:
    """One formatted reference: `{"text": ...}`, or `{"html": ...}` when format=html.

    A bibliography entry the style leaves out (Chicago's unpublished documents) is empty,
    with `omitted` saying why: still a 200, since the reference exists and was formatted.
    """
    services = get_services()
    services.refs.get(citekey)
    style = request.args.get("style", "") or DEFAULT_STYLE
    mode = choice_arg("mode", CITATION_MODES, "bibliography")
    output = choice_arg("format", CITATION_FORMATS, "text")
    locator = form_locator(request.args.get("label", ""), request.args.get("locator", ""))
    citations = require(services.citations, "citation")
    result = citations.cite(citekey, style=style, locator=locator, mode=mode, output=output)
    body = {"html" if output == "html" else "text": result.text}
    if result.omitted:
        body["omitted"] = result.omitted[0].reason
    return body
