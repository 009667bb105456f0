"""/api/refs: list, show, add (pasted entries), edit and delete references; citations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from webapp.errors import ApiError
from webapp.presenters import reference_detail_json, reference_summary_json
from webapp.reference_edit import (
    ReferenceEditRefused,
    StaleReference,
    edit_reference,
    entry_revision,
)
from webapp.viewsupport import (
    choice_arg,
    form_locator,
    get_services,
    int_arg,
    json_object,
    require,
)
from webapp.web_imports import (
    DUPLICATE_CHOICES,
    PASTE_FORMATS,
    paste_references,
    web_import_json,
)

bp = Blueprint("refs", __name__)

CITATION_MODES = ("bibliography", "citation", "note")
CITATION_FORMATS = ("text", "html", "markdown")
DEFAULT_STYLE = "chicago-author-date"


@bp.get("/refs")
def list_refs() -> Any:  # Any: a Flask response (a JSON array)
    """Every reference as in `refs list --json`, sorted by citekey; `limit`/`offset` page it."""
    rows = [reference_summary_json(ref) for ref in get_services().refs.references()]
    offset = int_arg("offset", 0, minimum=0, maximum=1_000_000)
    limit = int_arg("limit", len(rows) or 1, minimum=1, maximum=max(len(rows), 1_000_000))
    response = jsonify(rows[offset : offset + limit])
    response.headers["X-Total-Count"] = str(len(rows))
    return response


@bp.get("/refs/<citekey>")
def show_ref(citekey: str) -> Response:
    """One reference as in `refs show --json`; its `ETag` names the entry's version, which
    a PATCH may send back in `If-Match`."""
    return _reference_response(citekey, 200)


@bp.post("/refs")
def add_refs() -> tuple[dict[str, Any], int]:
    """Add pasted entries (`text`: BibTeX, RIS or CSL-JSON; `format`, detected when left
    out) through the import service, all or nothing; entries that look like known works
    are held back and listed with the `bibtex` that adds them anyway (`duplicates: add`).

    201 when something was added, else 200 (everything was held back).
    """
    body = json_object()
    text = json_string(body, "text", required=True)
    chosen = json_string(body, "format") or "auto"
    if chosen != "auto" and chosen not in PASTE_FORMATS:
        raise ApiError(400, f"expected auto or one of {', '.join(PASTE_FORMATS)}", field="format")
    duplicates = json_string(body, "duplicates") or "skip"
    if duplicates not in DUPLICATE_CHOICES:
        raise ApiError(400, f"expected one of {', '.join(DUPLICATE_CHOICES)}", field="duplicates")
    format_name = None if chosen == "auto" else chosen
    result = paste_references(get_services(), text, format_name, duplicates=duplicates)
    return web_import_json(result), 201 if result.report.added else 200


@bp.patch("/refs/<citekey>")
def edit_ref(citekey: str) -> Response:
    """Change fields (`set`: {field: value}, `unset`: [field]), every changed field
    checked first: a 400 lists each problem in `errors` ({field, error}); an entry changed
    since the version named in `If-Match` (or `revision`) is a 409 with it as it is now."""
    body = json_object()
    set_fields = body.get("set", {})
    if not isinstance(set_fields, dict) or not all(
        isinstance(value, str) for value in set_fields.values()
    ):
        raise ApiError(400, "must be an object of field names to string values", field="set")
    unset_fields = body.get("unset", [])
    if not isinstance(unset_fields, list) or not all(
        isinstance(name, str) for name in unset_fields
    ):
        raise ApiError(400, "must be a list of field names", field="unset")
    revision = request.headers.get("If-Match", "").strip('"') or json_string(body, "revision")
    services = get_services()
    try:
        edit_reference(services.refs, citekey, set_fields=set_fields,
                       unset_fields=unset_fields, revision=revision or None)  # fmt: skip
    except ReferenceEditRefused as refused:
        errors = [{"field": item.field, "error": item.message} for item in refused.problems]
        response = jsonify({"error": str(refused), "field": refused.field, "errors": errors})
        response.status_code = 400
        return response
    except StaleReference as stale:
        current = reference_detail_json(stale.reference, services.csl_item(citekey))
        response = jsonify({"error": str(stale), "field": "revision", "current": current})
        response.status_code = 409
        response.headers["ETag"] = f'"{entry_revision(stale.reference)}"'
        return response
    return _reference_response(citekey, 200)


@bp.delete("/refs/<citekey>")
def delete_ref(citekey: str) -> dict[str, Any]:
    """Delete a reference; `passages=delete` removes its passages too, `passages=keep`
    leaves them pointing at the citekey; without either, one with passages is a 409."""
    choice = request.args.get("passages", "")
    if choice not in ("", "keep", "delete"):
        raise ApiError(400, "expected keep or delete", field="passages")
    services = get_services()
    services.refs.get(citekey)
    count = len(services.passage_store.passages(citekey))
    item = services.delete_reference(
        citekey, cascade=choice == "delete", keep_passages=choice == "keep"
    )
    kept = count if choice == "keep" else 0
    return {
        "deleted": citekey,
        "passages_deleted": count - kept,
        "passages_kept": kept,
        "trash_id": item.id,
    }


def _reference_response(citekey: str, status: int) -> Response:
    services = get_services()
    reference = services.refs.get(citekey)
    response = jsonify(reference_detail_json(reference, services.csl_item(citekey)))
    response.status_code = status
    response.headers["ETag"] = f'"{entry_revision(reference)}"'
    return response


def json_string(body: dict[str, Any], name: str, *, required: bool = False) -> str:
    """A string member of a JSON body ("" when absent and not `required`), or a 400."""
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, "must be a non-empty string" if required else "must be a string",
                       field=name)  # fmt: skip
    return value


@bp.get("/refs/<citekey>/citation")
def cite_ref(citekey: str) -> dict[str, str]:
    """One formatted reference: `{"text": ...}`, or `{"html": ...}` when format=html.

    A bibliography entry the style leaves out (Chicago's unpublished documents) is empty,
    with `omitted` saying why: still a 200, since the reference exists and was formatted.
    """
    services = get_services()
    services.refs.get(citekey)
    style = request.args.get("style", "") or DEFAULT_STYLE
    mode = choice_arg("mode", CITATION_MODES, "bibliography")
    output = choice_arg("format", CITATION_FORMATS, "text")
    locator = form_locator(request.args.get("label", ""), request.args.get("locator", ""))
    citations = require(services.citations, "citation")
    result = citations.cite(citekey, style=style, locator=locator, mode=mode, output=output)
    body = {"html" if output == "html" else "text": result.text}
    if result.omitted:
        body["omitted"] = result.omitted[0].reason
    return body
