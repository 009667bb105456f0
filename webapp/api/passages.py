"""/api/passages: list, create, read, change and delete passages; add notes to one.

Answers about one passage or note carry its revision in `ETag`; a change or delete sent
with `If-Match` naming a revision it is no longer at is refused (409, `webapp.revisions`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from webapp.api.bodies import note_text, passage_changes, passage_draft
from webapp.api.refs import CITATION_FORMATS, DEFAULT_STYLE
from webapp.passage_service import PassageService
from webapp.presenters import note_json, passage_json
from webapp.revisions import etag, revision_to_change
from webapp.viewsupport import (
    choice_arg,
    get_services,
    in_locator_order,
    int_arg,
    json_object,
    require,
)

bp = Blueprint("passages", __name__)

# What a passage's citation route formats: the quote with its citation, or the citation
# (in-text) or footnote alone.
PASSAGE_CITATION_MODES = ("quote", "citation", "note")

# Any: a JSON object, then its status and headers (a Flask view's answer)
Answer = tuple[dict[str, Any], int, dict[str, str]]


def _passages() -> PassageService:
    return get_services().passages


@bp.get("/passages")
def list_passages() -> Any:  # Any: a Flask response (a JSON array)
    """Passages (of one reference with `citekey`), in locator order, paged by limit/offset."""
    citekey = request.args.get("citekey") or None
    rows = [passage_json(p) for p in in_locator_order(_passages().passages(citekey))]
    offset = int_arg("offset", 0, minimum=0, maximum=1_000_000)
    limit = int_arg("limit", 1000, minimum=1, maximum=10_000)
    response = jsonify(rows[offset : offset + limit])
    response.headers["X-Total-Count"] = str(len(rows))
    return response


@bp.post("/passages")
def create_passage() -> Answer:
    """Add a passage to a reference; answers 201 with the stored passage."""
    draft = passage_draft(json_object())
    passage = _passages().add(
        draft.citekey,
        draft.text,
        locator=draft.locator,
        quoted_in=draft.quoted_in,
        tags=draft.tags,
        anchor=draft.anchor,
    )
    return passage_json(passage), 201, {"ETag": etag(passage.revision)}


@bp.get("/passages/<passage_id>")
def show_passage(passage_id: str) -> Answer:
    """One passage with its notes, with its revision in `ETag`."""
    passage = _passages().get(passage_id)
    return passage_json(passage), 200, {"ETag": etag(passage.revision)}


@bp.patch("/passages/<passage_id>")
def edit_passage(passage_id: str) -> Answer:
    """Change a passage's text, locator, quoted_in or tags; answers with the stored passage.

    With `If-Match` or `revision` in the body naming a revision the passage is no longer
    at, it is left alone: 409 with the passage as it is now.
    """
    changes = passage_changes(json_object())
    revision = revision_to_change(changes.revision, lambda: _passages().get(passage_id))
    passage = _passages().edit(
        passage_id,
        revision=revision,
        text=changes.text,
        locator=changes.locator,
        quoted_in=changes.quoted_in,
        tags=changes.tags,
    )
    return passage_json(passage), 200, {"ETag": etag(passage.revision)}


@bp.delete("/passages/<passage_id>")
def delete_passage(passage_id: str) -> dict[str, Any]:
    """Remove a passage and its notes (with `If-Match`, only if still at a revision it
    names); answers 200 with the record as it was (the contract's "writes answer with the
    stored record") and `trash_id`, the trash item that restores it (undo)."""
    revision = revision_to_change(None, lambda: _passages().get(passage_id))
    item = _passages().delete(passage_id, revision=revision)
    return {**passage_json(item.passages[0]), "trash_id": item.id}


@bp.post("/passages/<passage_id>/notes")
def add_note(passage_id: str) -> Answer:
    """Attach a Markdown note; answers 201 with the stored note."""
    text = note_text(json_object())
    note = _passages().add_note(passage_id, text)
    return note_json(note), 201, {"ETag": etag(note.revision)}


@bp.get("/passages/<passage_id>/citation")
def cite_passage(passage_id: str) -> dict[str, str]:
    """The quote with its citation in a style, or with `mode=citation` (`note`) the
    citation (footnote) alone: `{"text": ...}` or `{"html": ...}`."""
    style = request.args.get("style", "") or DEFAULT_STYLE
    output = choice_arg("format", CITATION_FORMATS, "text")
    mode = choice_arg("mode", PASSAGE_CITATION_MODES, "quote")
    _passages().get(passage_id)
    citations = require(get_services().citations, "citation")
    text = citations.cite_passage(passage_id, style=style, mode=mode, output=output).text
    return {"html": text} if output == "html" else {"text": text}
