"""A passage's page: the quote, its reference, citations to copy, its notes and their forms."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from annotations.errors import (
    InvalidLocator,
    InvalidPassage,
    NoteConflict,
    NoteNotFound,
    PassageConflict,
    PassageNotFound,
)
from annotations.model import LOCATOR_LABELS, Locator, Note
from refs.errors import UnknownCitekey
from refs.styles import resolve_style
from webapp.pages.trash import announce_trashed
from webapp.pages.twins import with_json_twin
from webapp.passage_service import PassageService
from webapp.safehtml import clean_html, render_markdown
from webapp.services import Services
from webapp.short_citations import pandoc_citation, short_citation, unknown_work_citation
from webapp.viewsupport import form_locator, form_tags, get_services

bp = Blueprint("passages", __name__)

# The styles the copy buttons offer (style, label), the first chosen until the reader picks
# another (the page remembers it): Chicago's notes, as most historians cite.
COPY_STYLES = (
    ("chicago", "Chicago (notes)"),
    ("chicago-author-date", "Chicago (author-date)"),
    ("mla", "MLA"),
    ("apa", "APA"),
)


@dataclass(frozen=True, slots=True)
class CopyStyle:
    """A style the copy buttons offer, and whether it cites in notes (a footnote to copy)
    or in the text (an in-text citation)."""

    style: str
    label: str
    is_note: bool


@dataclass(frozen=True, slots=True)
class NoteView:
    """A note with its Markdown already rendered and sanitised."""

    note: Note
    html: Markup


@bp.get("/passages/<passage_id>")
def show_passage(passage_id: str) -> Response:
    """The passage with its notes and forms to change them."""
    return _render(passage_id, form={}, error=None, error_field=None, status=200)


@bp.post("/passages/<passage_id>/notes")
def add_note(passage_id: str) -> BaseResponse:
    """Add a note from the form; an empty one is sent back with a message."""
    text = request.form.get("text", "")
    if not text.strip():
        return _render(passage_id, form={"note": text}, error="Write the note first.",
                       error_field="note", status=400)  # fmt: skip
    try:
        _passages().add_note(passage_id, text)
    except PassageNotFound:
        return _gone(text)
    return _back_to(passage_id)


@bp.post("/passages/<passage_id>/notes/<note_id>/edit")
def edit_note(passage_id: str, note_id: str) -> BaseResponse:
    """Replace a note's text from its edit form.

    The form carries the note's revision: if someone changed the note since, nothing is
    written and the form comes back (409) with what was typed in it; if someone deleted
    it, what was typed waits in the new-note form.
    """
    text = request.form.get("text", "")
    if not text.strip():
        return _render(passage_id, form={f"note-text-{note_id}": text},
                       error="A note cannot be empty; delete it instead.",
                       error_field=f"note-text-{note_id}", status=400)  # fmt: skip
    try:
        _passages().edit_note(note_id, text, revision=_form_revision())
    except NoteConflict as conflict:
        return _note_conflict(passage_id, conflict, "saved", text)
    except NoteNotFound:
        message = (
            "Not saved: someone deleted this note while you were editing it (it is in the "
            "Trash). Your text is kept here, to add as a new note."
        )
        return _render(passage_id, form={"note": text}, error=message, error_field="note",
                       status=409)  # fmt: skip
    return _back_to(passage_id)


@bp.post("/passages/<passage_id>/notes/<note_id>/delete")
def delete_note(passage_id: str, note_id: str) -> BaseResponse:
    """Move a note to the trash once confirmed (a page asks first when the form was sent
    without `confirmed`, as it is without JavaScript), unless someone changed it since the
    page was drawn; the page after offers Undo."""
    note = _passages().get_note(note_id)
    if not _is_confirmed():
        return _confirm_page(
            title="Delete this note?",
            quoted=note.text,
            action=url_for("passages.delete_note", passage_id=passage_id, note_id=note_id),
            hidden={"revision": request.form.get("revision", "")},
            back=url_for("passages.show_passage", passage_id=passage_id) + f"#note-{note_id}",
        )
    try:
        item = _passages().delete_note(note_id, revision=_form_revision())
    except NoteConflict as conflict:
        return _note_conflict(passage_id, conflict, "deleted", None)
    announce_trashed(item)
    return _back_to(passage_id)


def _note_conflict(
    passage_id: str, conflict: NoteConflict, action: str, typed: str | None
) -> Response:
    """The page again (409), saying the note changed, with both versions: the current one,
    and the text typed kept in its form, which now holds the current revision, so that
    sending it again ("Keep mine") is a deliberate overwrite."""
    note_id = conflict.note_id
    message = (
        f"Not {action}: someone changed this note while you were reading it (you started "
        f"from revision {conflict.expected}, it is now at revision {conflict.current})."
    )
    form = {f"note-revision-{note_id}": str(conflict.current)}
    if typed is not None:
        form[f"note-text-{note_id}"] = typed
        message += " Both versions are below: keep yours, or take theirs."
    field = f"note-text-{note_id}" if typed is not None else f"note-{note_id}"
    return _render(passage_id, form=form, error=message, error_field=field, status=409,
                   conflict=conflict.current if typed is not None else None)  # fmt: skip


@bp.post("/passages/<passage_id>/edit")
def edit_passage(passage_id: str) -> BaseResponse:
    """Change the quote's text, locator and tags from the edit form.

    The form carries the revision it was drawn from: if someone changed the passage since,
    nothing is written and the form comes back (409) with what was typed in it.
    """
    names = ("text", "label", "locator", "tags", "revision")
    form = {name: request.form.get(name, "") for name in names}
    if not form["text"].strip():
        return _render(passage_id, form=form, error="The quote cannot be empty.",
                       error_field="text", status=400)  # fmt: skip
    try:
        _passages().edit(
            passage_id,
            revision=_form_revision(),
            text=form["text"],
            locator=form_locator(form["label"], form["locator"]),
            tags=form_tags(form["tags"]),
        )
    except (InvalidLocator, InvalidPassage) as error:
        field = "label" if error.field.endswith(".label") else error.field
        return _render(passage_id, form=form, error=error.message, error_field=field,
                       status=400)  # fmt: skip
    except PassageNotFound:
        return _gone(form["text"])
    except PassageConflict as conflict:
        message = (
            f"Not saved: someone changed this passage while you were editing (you started "
            f"from revision {conflict.expected}, it is now at revision {conflict.current}). "
            "Both versions are below: keep yours, or take theirs."
        )
        # The form now holds the current revision, so saving again is a deliberate overwrite.
        form["revision"] = str(conflict.current)
        return _render(passage_id, form=form, error=message, error_field="revision",
                       status=409, conflict=conflict.current)  # fmt: skip
    return _back_to(passage_id)


@bp.post("/passages/<passage_id>/delete")
def delete_passage(passage_id: str) -> BaseResponse:
    """Move the passage and its notes to the trash once confirmed (a page asks first when
    the form was sent without `confirmed`), then show its reference, offering Undo."""
    passage = _passages().get(passage_id)
    if not _is_confirmed():
        count = len(passage.notes)
        return _confirm_page(
            title="Delete this passage?",
            quoted=passage.text,
            detail=_notes_going(count),
            action=url_for("passages.delete_passage", passage_id=passage_id),
            hidden={"revision": request.form.get("revision", "")},
            back=url_for("passages.show_passage", passage_id=passage_id),
        )
    try:
        item = _passages().delete(passage_id, revision=_form_revision())
    except PassageConflict as conflict:
        message = (
            f"Not deleted: someone changed this passage since you opened it (revision "
            f"{conflict.expected}, now {conflict.current}). The page shows it as it is now."
        )
        return _render(passage_id, form={}, error=message, error_field="delete", status=409)
    announce_trashed(item)
    return redirect(url_for("refs.show_ref", citekey=passage.citekey), code=303)


def _notes_going(count: int) -> str:
    """What the page asking before a passage's delete says of its notes."""
    if count == 0:
        return ""
    return "Its note goes with it." if count == 1 else f"Its {count} notes go with it."


def _gone(typed: str) -> Response:
    """The page saying the passage was deleted meanwhile (404), with what was typed for it
    kept to copy, so that nothing typed is lost."""
    html = render_template("passages/gone.html", typed=typed)
    return Response(html, status=404, mimetype="text/html")


def _is_confirmed() -> bool:
    """True when the delete form says it was confirmed (the dialog, or the page asking)."""
    return request.form.get("confirmed") == "yes"


def _confirm_page(
    *, title: str, quoted: str, action: str, hidden: dict[str, str], back: str, detail: str = ""
) -> Response:
    """The page that asks before a delete, for forms sent without JavaScript's dialog."""
    html = render_template(
        "confirm_delete.html",
        title=title,
        quoted=quoted,
        detail=detail,
        action=action,
        hidden=hidden,
        back=back,
    )
    return Response(html, mimetype="text/html")


def _passages() -> PassageService:
    return get_services().passages


def _form_revision() -> int | None:
    """The revision a form was drawn from (its hidden `revision`), or None without one."""
    given = request.form.get("revision", "")
    return int(given) if given.isascii() and given.isdigit() else None


def _cited(services: Services, citekey: str, locator: Locator | None) -> Markup:
    """A work as people recognise it: `Freeze, *Russia* (2009), p. 422`, as markup."""
    try:
        cited = short_citation(services.csl_item(citekey), locator)
    except UnknownCitekey:
        cited = unknown_work_citation(citekey, locator)
    return clean_html(cited.html)


def _back_to(passage_id: str) -> BaseResponse:
    return redirect(url_for("passages.show_passage", passage_id=passage_id), code=303)


def _render(
    passage_id: str, *, form: dict[str, str], error: str | None, error_field: str | None,
    status: int, conflict: int | None = None,
) -> Response:  # fmt: skip
    """The passage's page; `conflict` names the revision an edit was refused against, so
    the page shows that version beside what was typed."""
    services = get_services()
    passage = services.passages.get(passage_id)
    reference = services.refs.get(passage.citekey) if passage.citekey in services.refs else None
    copy_styles = [
        CopyStyle(style, label, resolve_style(style).is_note) for style, label in COPY_STYLES
    ]
    html = render_template(
        "passages/detail.html",
        passage=passage,
        reference=reference,
        cited=_cited(services, passage.citekey, passage.locator),
        source_cited=(
            _cited(services, passage.quoted_in.citekey, passage.quoted_in.locator)
            if passage.quoted_in
            else None
        ),
        pandoc=pandoc_citation(passage.citekey, passage.locator, passage.quoted_in),
        notes=[NoteView(note, render_markdown(note.text)) for note in passage.notes],
        copy_styles=copy_styles if services.citations is not None else [],
        locator_labels=LOCATOR_LABELS,
        form=form,
        error=error,
        error_field=error_field,
        conflict=conflict,
    )
    response = with_json_twin(html, url_for("api.passages.show_passage", passage_id=passage_id))
    response.status_code = status
    return response
