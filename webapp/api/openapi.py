"""GET /api/openapi.json: the API's own description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from webapp.openapi import openapi_document

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    """The OpenAPI 3 document of every /api/ route."""
    return openapi_document()
