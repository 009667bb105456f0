"""/api/notes/ID: read, change or delete one note (`ETag` and `If-Match` name revisions)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from webapp.api.bodies import note_changes
from webapp.passage_service import PassageService
from webapp.presenters import note_json
from webapp.revisions import etag, revision_to_change
from webapp.viewsupport import get_services, json_object

bp = Blueprint("notes", __name__)

# Any: a JSON object, then its status and headers (a Flask view's answer)
Answer = tuple[dict[str, Any], int, dict[str, str]]


def _passages() -> PassageService:
    return get_services().passages


@bp.get("/notes/<note_id>")
def show_note(note_id: str) -> Answer:
    """One note, with its revision in `ETag`."""
    note = _passages().get_note(note_id)
    return note_json(note), 200, {"ETag": etag(note.revision)}


@bp.patch("/notes/<note_id>")
def edit_note(note_id: str) -> Answer:
    """Replace a note's text; answers with the stored note.

    With `If-Match` (or `revision` in the body) naming a revision the note is no longer at,
    nothing is written: 409 with the note as it is now.
    """
    changes = note_changes(json_object())
    revision = revision_to_change(changes.revision, lambda: _passages().get_note(note_id))
    note = _passages().edit_note(note_id, changes.text, revision=revision)
    return note_json(note), 200, {"ETag": etag(note.revision)}


@bp.delete("/notes/<note_id>")
def delete_note(note_id: str) -> dict[str, Any]:
    """Remove one note (with `If-Match`, only if still at a revision it names); answers 200
    with the note as it was and `trash_id`, the trash item that restores it (undo)."""
    revision = revision_to_change(None, lambda: _passages().get_note(note_id))
    item = _passages().delete_note(note_id, revision=revision)
    note = item.note
    return {**(note_json(note) if note else {}), "trash_id": item.id}
