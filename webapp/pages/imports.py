"""Importing in the browser: a file with a report, and the answer to its held duplicates.

The upload form posts the file here (a script shows the upload's progress and swaps in
the report); the report lists what was added, each entry held back beside the work it
resembles with Add anyway / Skip, and what was left out and why, by file and line.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from refs.errors import RefsError
from webapp.errors import field_of, status_of
from webapp.import_service import IMPORTERS, format_help
from webapp.viewsupport import get_services
from webapp.web_imports import WebImport, import_upload, paste_references

bp = Blueprint("imports", __name__)

FORMAT_LABELS = {
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csljson": "CSL-JSON",
    "w3c": "W3C Web Annotation",
    "hypothesis": "Hypothes.is export",
}


@bp.get("/import")
def import_form() -> Response:
    """The form to import a file."""
    return _render_form(error=None, error_field=None, chosen="auto", status=200)


@bp.post("/import")
def import_file() -> Response:
    """Import the uploaded file through the CLI's import service and report on it."""
    upload = request.files.get("file")
    chosen = request.form.get("format", "auto")
    if upload is None or not upload.filename:
        return _render_form(error="Choose a file to import.", error_field="file",
                            chosen=chosen, status=400)  # fmt: skip
    if chosen != "auto" and chosen not in IMPORTERS:
        return _render_form(error=f"Unknown format {chosen!r}.", error_field="format",
                            chosen="auto", status=400)  # fmt: skip
    try:
        result = import_upload(
            get_services(), upload.read(), upload.filename, None if chosen == "auto" else chosen
        )
    except RefsError as error:
        field = "format" if field_of(error) == "format" else "file"
        return _render_form(error=str(error), error_field=field, chosen=chosen,
                            status=status_of(error))  # fmt: skip
    return render_report(result, source=upload.filename, uploaded=True)


@bp.post("/refs/held")
def answer_held() -> BaseResponse:
    """Add anyway (or skip) one entry an import held back as a duplicate."""
    if request.form.get("choice") != "add":
        return redirect(url_for("refs.list_refs"), code=303)
    result = paste_references(
        get_services(), request.form.get("bibtex", ""), "bibtex", duplicates="add"
    )
    if len(result.report.added) == 1:
        citekey = result.report.added[0]
        return redirect(url_for("refs.show_ref", citekey=citekey), code=303)
    return render_report(result, source="pasted text")


def render_report(result: WebImport, *, source: str, uploaded: bool = False) -> Response:
    """The report of one import: added, held back (beside the known work), left out."""
    refs = get_services().refs
    added = [refs.find(citekey) for citekey in result.report.added]
    html = render_template(
        "imports/report.html",
        result=result,
        report=result.report,
        added=[reference for reference in added if reference is not None],
        source=source,
        format_label=FORMAT_LABELS.get(result.format, result.format),
        passages_import=result.format not in ("bibtex", "ris", "csljson"),
        uploaded=uploaded,
    )
    return Response(html, mimetype="text/html")


def _render_form(
    *, error: str | None, error_field: str | None, chosen: str, status: int
) -> Response:
    html = render_template(
        "imports/form.html",
        formats=FORMAT_LABELS,
        chosen=chosen,
        help=format_help(),
        error=error,
        error_field=error_field,
    )
    return Response(html, status=status, mimetype="text/html")
