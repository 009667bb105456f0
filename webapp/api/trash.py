"""/api/trash: what deletes removed, and putting it back (the web's Undo and Trash page)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from webapp.presenters import restored_json, trash_item_json
from webapp.viewsupport import get_services

bp = Blueprint("trash", __name__)


@bp.get("/trash")
def list_trash() -> Any:  # Any: a Flask response (a JSON array)
    """Every item in the trash, the most recently deleted first."""
    return jsonify([trash_item_json(item) for item in get_services().trash.items()])


@bp.get("/trash/<trash_id>")
def show_trash_item(trash_id: str) -> dict[str, Any]:
    """One item in the trash, with the whole records it holds."""
    return trash_item_json(get_services().trash.get(trash_id))


@bp.post("/trash/<trash_id>/restore")
def restore_trash_item(trash_id: str) -> dict[str, Any]:
    """Put an item's records back (same ids, fresh ones only where taken meanwhile) and
    take it out of the trash; 409 when it cannot go back (a note whose passage is gone)."""
    return restored_json(get_services().trash.restore(trash_id))
