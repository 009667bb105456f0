"""Importing in the browser: a file with a report, and the answer to its held duplicates.

The upload form posts the file here. A script asking for `application/x-ndjson` gets the
import's progress as it goes, one JSON line per step (`{"stage", "done", "total"}`), then
the page to show (`{"html", "status"}`); without the script the page comes at once. The
report lists what was added, each entry held back beside the work it resembles with Add
anyway / Skip, and what was left out and why, by file and line.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from annotations.progress import Progress, no_progress
from refs.errors import RefsError
from webapp.errors import field_of, status_of
from webapp.import_service import IMPORTERS, format_help
from webapp.viewsupport import get_services
from webapp.web_imports import WebImport, import_upload, paste_references

logger = logging.getLogger(__name__)

bp = Blueprint("imports", __name__)

PROGRESS_MEDIA_TYPE = "application/x-ndjson"

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
    services, data, filename = get_services(), upload.read(), upload.filename
    format_name = None if chosen == "auto" else chosen

    def import_it(progress: Progress) -> WebImport:
        return import_upload(services, data, filename, format_name, progress=progress)

    def page_of(outcome: WebImport | RefsError) -> Response:
        if isinstance(outcome, RefsError):
            field = "format" if field_of(outcome) == "format" else "file"
            return _render_form(error=str(outcome), error_field=field, chosen=chosen,
                                status=status_of(outcome))  # fmt: skip
        return render_report(outcome, source=filename, uploaded=True)

    if request.accept_mimetypes.best == PROGRESS_MEDIA_TYPE:
        return _with_progress(import_it, page_of)
    try:
        return page_of(import_it(no_progress))
    except RefsError as error:
        return page_of(error)


def _with_progress(
    import_it: Callable[[Progress], WebImport],
    page_of: Callable[[WebImport | RefsError], Response],
) -> Response:
    """Stream the import's progress, then its page, as JSON lines. The import runs in a
    thread of its own, which finishes it (one write, never half) even if the browser
    leaves; the page is rendered here, in the request's context."""
    steps: queue.Queue[tuple[str, int, int]] = queue.Queue()
    outcomes: list[WebImport | RefsError | None] = []

    def work() -> None:
        outcome: WebImport | RefsError | None = None
        try:
            outcome = import_it(lambda stage, done, total: steps.put((stage, done, total)))
        except RefsError as error:
            outcome = error
        except Exception:
            logger.exception("bug: an import from the browser failed")
        finally:
            outcomes.append(outcome)
            steps.put(("", 0, 0))

    def lines() -> Iterator[str]:
        worker = threading.Thread(target=work, name="web-import", daemon=True)
        worker.start()
        while (step := steps.get())[0]:
            stage, done, total = step
            yield json.dumps({"stage": stage, "done": done, "total": total}) + "\n"
        worker.join()
        outcome = outcomes[0]
        if outcome is None:
            yield json.dumps({"error": "internal error: this is a bug in Florilegium"}) + "\n"
            return
        page = page_of(outcome)
        yield json.dumps({"html": page.get_data(as_text=True), "status": page.status_code}) + "\n"

    return Response(stream_with_context(lines()), mimetype=PROGRESS_MEDIA_TYPE)


@bp.post("/refs/held")
def answer_held() -> BaseResponse:
    """Add anyway (or skip) one entry an import held back as a duplicate."""
    if request.form.get("choice") != "add":
        return redirect(url_for("refs.list_refs"), code=303)
    result = paste_references(
        get_services(),
        request.form.get("bibtex", ""),
        "bibtex",
        duplicates="add",
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
