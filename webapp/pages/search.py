"""The home page: the search box; results come from /api/search as the user types."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from webapp.pages.twins import with_json_twin
from webapp.safehtml import clean_html, clean_snippet
from webapp.search_document import search_document
from webapp.viewsupport import get_services

bp = Blueprint("search", __name__)

PAGE_SIZE = 20
MAX_OFFSET = 1_000_000


@bp.get("/")
def home() -> Response:
    """Search; `/?q=...&offset=...` is bookmarkable and answered on the server too (no JS
    needed); a malformed offset counts as the first page rather than an error page."""
    query = request.args.get("q", "")
    offset = request.args.get("offset", "")
    start = min(int(offset), MAX_OFFSET) if offset.isascii() and offset.isdigit() else 0
    services = get_services()
    results = (
        search_document(
            services.search.search(query, limit=PAGE_SIZE, offset=start), services.csl_item
        )
        if query
        else None
    )
    hits = [_hit_view(hit) for hit in results["hits"]] if results else []
    html = render_template(
        "search/index.html",
        query=query,
        results=results,
        hits=hits,
        search_available=True,
        page_size=PAGE_SIZE,
    )
    return with_json_twin(html, url_for("api.search.search", q=query, offset=start or None))


def _hit_view(hit: dict[str, Any]) -> dict[str, Any]:  # Any: a search hit (JSON)
    """A hit with the link to open, and its snippet and short citation as safe markup."""
    if hit.get("kind") == "reference":
        href = url_for("refs.show_ref", citekey=hit["citekey"])
    elif hit.get("kind") == "note":
        href = url_for("passages.show_passage", passage_id=hit["passage_id"]) + f"#note-{hit['id']}"
    else:
        href = url_for("passages.show_passage", passage_id=hit["id"])
    return {
        **hit,
        "href": href,
        "snippet_html": clean_snippet(hit.get("snippet", "")),
        "cited_html": clean_html(hit["short_citation"]["html"]),
    }
