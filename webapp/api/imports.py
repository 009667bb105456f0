"""POST /api/import: a file's text imported as `florilegium import` imports the file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from webapp.api.refs import json_string
from webapp.errors import ApiError
from webapp.import_service import IMPORTERS
from webapp.viewsupport import get_services, json_object
from webapp.web_imports import DUPLICATE_CHOICES, import_upload, web_import_json

bp = Blueprint("imports", __name__)


@bp.post("/import")
def import_text() -> tuple[dict[str, Any], int]:
    """Import `text` (the file's content; `filename` names it in messages and hints at its
    format, `format` says it) and answer `import --json`'s report, each entry held back as
    a duplicate with the `bibtex` that adds it anyway; 201 when something was added."""
    body = json_object()
    text = json_string(body, "text", required=True)
    filename = json_string(body, "filename") or "upload"
    chosen = json_string(body, "format") or "auto"
    if chosen != "auto" and chosen not in IMPORTERS:
        raise ApiError(400, f"expected auto or one of {', '.join(IMPORTERS)}", field="format")
    duplicates = json_string(body, "duplicates") or "skip"
    if duplicates not in DUPLICATE_CHOICES:
        raise ApiError(400, f"expected one of {', '.join(DUPLICATE_CHOICES)}", field="duplicates")
    result = import_upload(
        get_services(),
        text.encode("utf-8"),
        filename,
        None if chosen == "auto" else chosen,
        duplicates=duplicates,
    )
    return web_import_json(result), 201 if result.report.added else 200
