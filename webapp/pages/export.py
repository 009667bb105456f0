"""The export page: choose references (or a search), a style and a format, and download."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.api.export import EXPORT_FORMATS
from webapp.pages.refs import STYLES
from webapp.presenters import reference_summary_json
from webapp.viewsupport import get_services

bp = Blueprint("export", __name__)


@bp.get("/export")
def export_form() -> str:
    """A form whose submission is the download itself (GET /api/export)."""
    services = get_services()
    return render_template(
        "export/index.html",
        rows=[reference_summary_json(ref) for ref in services.refs.references()],
        formats=tuple(EXPORT_FORMATS),
        styles=services.citations.styles() if services.citations is not None else STYLES,
        available=services.exports is not None,
    )
