"""/api/notes/ID: change or delete one note."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from webapp.api.bodies import note_text
from webapp.presenters import note_json
from webapp.viewsupport import get_services, json_object

bp = Blueprint("notes", __name__)


@bp.patch("/notes/<note_id>")
def edit_note(note_id: str) -> dict[str, Any]:
    """Replace a note's text; answers with the stored note."""
    text = note_text(json_object())
    return note_json(get_services().passages.edit_note(note_id, text))


@bp.delete("/notes/<note_id>")
def delete_note(note_id: str) -> dict[str, Any]:
    """Remove one note; answers 200 with the note as it was."""
    return note_json(get_services().passages.delete_note(note_id))
