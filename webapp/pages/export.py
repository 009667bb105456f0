"""The export page: choose references (or a search), a style and a format, and download."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.api.export import EXPORT_FORMATS
from webapp.pages.refs import STYLES
from webapp.presenters import reference_summary_json
from webapp.viewsupport import get_services

bp = Blueprint("export", __name__)

# What each export format is, in the words of the people choosing one.
FORMAT_NAMES = {
    "bibtex": "BibTeX",
    "biblatex": "BibLaTeX",
    "csljson": "CSL-JSON (Zotero, pandoc)",
    "ris": "RIS (EndNote and most managers)",
    "text": "plain text",
    "html": "a web page, ready to print",
    "markdown": "Markdown",
    "w3c": "W3C Web Annotations (passages and notes)",
    "docx": "a Word document",
}


@bp.get("/export")
def export_form() -> str:
    """A form whose submission is the download itself (GET /api/export)."""
    services = get_services()
    return render_template(
        "export/index.html",
        rows=[reference_summary_json(ref) for ref in services.refs.references()],
        formats=[(name, FORMAT_NAMES.get(name, name)) for name in EXPORT_FORMATS],
        styles=services.citations.styles() if services.citations is not None else STYLES,
        available=services.exports is not None,
    )
