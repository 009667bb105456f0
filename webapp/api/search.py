"""GET /api/search: the search document of the contract."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from webapp.search_document import search_document
from webapp.viewsupport import get_services, int_arg

bp = Blueprint("search", __name__)

MAX_LIMIT = 100


@bp.get("/search")
def search() -> dict[str, Any]:
    """Search passages, notes and references; an unparsable query is read as plain words."""
    limit = int_arg("limit", 20, minimum=1, maximum=MAX_LIMIT)
    offset = int_arg("offset", 0, minimum=0, maximum=1_000_000)
    query = request.args.get("q", "")
    services = get_services()
    return search_document(
        services.search.search(query, limit=limit, offset=offset), services.csl_item
    )
