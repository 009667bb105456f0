"""The JSON API under /api/: one blueprint per noun, nested in this one."""

from __future__ import annotations

from flask import Blueprint

from webapp.api import (
    export,
    imports,
    notes,
    openapi,
    passages,
    refs,
    search,
    session,
    trash,
)

bp = Blueprint("api", __name__, url_prefix="/api")
for child in (
    search.bp,
    refs.bp,
    imports.bp,
    passages.bp,
    notes.bp,
    trash.bp,
    export.bp,
    openapi.bp,
    session.bp,
):
    bp.register_blueprint(child)
