"""The Trash page and the Undo after a delete: what was deleted, put back with one button.

A delete from a form flashes its trash item (`announce_trashed`); the next page shows it
in a status line with an Undo button (`templates/_status.html`), which is a restore.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from annotations.errors import RestoreRefused
from annotations.trash import TrashItem
from webapp.pages.twins import with_json_twin
from webapp.trash_service import Restored
from webapp.viewsupport import get_services

bp = Blueprint("trash", __name__)

# Flash categories: `trashed:<trash id>` carries the Undo; `done` a plain confirmation.
TRASHED_CATEGORY = "trashed:"
DONE_CATEGORY = "done"


def announce_trashed(item: TrashItem) -> None:
    """Say on the next page what was deleted, with an Undo button that restores it."""
    flash(f"Deleted the {item.summary}.", f"{TRASHED_CATEGORY}{item.id}")


@bp.get("/trash")
def show_trash() -> Response:
    """Everything in the trash, newest first, each with a Restore button."""
    return _render(error=None, error_item=None, status=200)


@bp.post("/trash/<trash_id>/restore")
def restore(trash_id: str) -> BaseResponse:
    """Restore one item (the Undo button posts here too), then show what came back."""
    try:
        restored = get_services().trash.restore(trash_id)
    except RestoreRefused as refused:
        return _render(error=str(refused), error_item=trash_id, status=409)
    flash(_restored_message(restored), DONE_CATEGORY)
    return redirect(_restored_url(restored), code=303)


@bp.post("/trash/empty")
def empty() -> BaseResponse:
    """Delete everything in the trash for good, once confirmed (the dialog, or without
    JavaScript the page this answers first)."""
    trash = get_services().trash
    if request.form.get("confirmed") != "yes":
        count = len(trash.items())
        html = render_template(
            "confirm_delete.html",
            title="Empty the trash?",
            quoted=f"{count} item{'' if count == 1 else 's'} in the trash",
            detail="They are deleted for good: this cannot be undone.",
            action=url_for("trash.empty"),
            hidden={},
            back=url_for("trash.show_trash"),
            is_final=True,
        )
        return Response(html, mimetype="text/html")
    removed = trash.empty()
    flash(f"Deleted {len(removed)} item{'' if len(removed) == 1 else 's'} for good.", DONE_CATEGORY)
    return redirect(url_for("trash.show_trash"), code=303)


def _restored_message(restored: Restored) -> str:
    message = f"Restored the {restored.item.summary}."
    if restored.renamed:
        taken = ", ".join(f"{item.kind} {item.old} → {item.new}" for item in restored.renamed)
        message += f" Ids taken meanwhile were replaced by new ones: {taken}."
    if restored.present:
        message += f" {len(restored.present)} passage(s) were in the library already."
    return message


def _restored_url(restored: Restored) -> str:
    """Where the restored records are: the passage, the note on it, or the reference."""
    if restored.note is not None and restored.item.passage_id is not None:
        page = url_for("passages.show_passage", passage_id=restored.item.passage_id)
        return f"{page}#note-{restored.note.id}"
    if restored.citekey is None and len(restored.passages) == 1:
        return url_for("passages.show_passage", passage_id=restored.passages[0].id)
    return url_for("refs.show_ref", citekey=restored.citekey or restored.item.citekey)


def _render(*, error: str | None, error_item: str | None, status: int) -> Response:
    trash = get_services().trash
    html = render_template(
        "trash/list.html",
        items=trash.items(),
        problems=trash.problems,
        error=error,
        error_item=error_item,
    )
    response = with_json_twin(html, url_for("api.trash.list_trash"))
    response.status_code = status
    return response
