"""GET /api/export: a bibliography or literature notes, as `export` writes them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from webapp.presenters import export_json
from webapp.viewsupport import choice_arg, get_services, require

bp = Blueprint("export", __name__)

# Export format -> (media type, file extension) of the download.
EXPORT_FORMATS = {
    "bibtex": ("application/x-bibtex", "bib"),
    "biblatex": ("application/x-bibtex", "bib"),
    "csljson": ("application/vnd.citationstyles.csl+json", "json"),
    "ris": ("application/x-research-info-systems", "ris"),
    "text": ("text/plain", "txt"),
    "html": ("text/html", "html"),
    "markdown": ("text/markdown", "md"),
    "w3c": ("application/ld+json", "jsonld"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


@bp.get("/export")
def export() -> Response:
    """The chosen references (`keys`, comma-separated, or `key` repeated), or a search's.

    A download in the format's media type; a client that asks for `application/json`
    rather (`Accept`) gets `{format, text, omitted, warnings}`, which also names the
    references the style leaves out of the bibliography, and why. A Word document
    (`docx`) is always the file itself.
    """
    output = choice_arg("format", tuple(EXPORT_FORMATS), "bibtex")
    services = get_services()
    listed = [key for key in request.args.get("keys", "").split(",") if key]
    citekeys = [*listed, *request.args.getlist("key")]
    for citekey in citekeys:
        services.refs.get(citekey)
    exports = require(services.exports, "export")
    media_type, extension = EXPORT_FORMATS[output]
    disposition = f'attachment; filename="florilegium.{extension}"'
    if output == "docx":
        document = exports.export_docx(
            citekeys,
            query=request.args.get("query") or None,
            style=request.args.get("style") or None,
            notes=_is_on(request.args.get("notes", "")),
        )
        return Response(
            document.data, mimetype=media_type, headers={"Content-Disposition": disposition}
        )
    result = exports.export(
        citekeys,
        query=request.args.get("query") or None,
        output=output,
        style=request.args.get("style") or None,
        notes=_is_on(request.args.get("notes", "")),
    )
    if request.accept_mimetypes.best_match([media_type, "application/json"]) == "application/json":
        return jsonify(export_json(result))
    response = Response(result.text, mimetype=media_type)
    response.headers["Content-Disposition"] = disposition
    return response


def _is_on(value: str) -> bool:
    """A checkbox or flag in a query: `1`, `true` or `on`."""
    return value in ("1", "true", "on")
