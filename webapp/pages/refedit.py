"""Changing one reference in the browser: its fields in a form checked field by field, and
its deletion, asked first, keeping or removing its passages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from refs.entrytext import check_field_name
from refs.errors import InvalidField, RefsError
from refs.model import Reference
from webapp.errors import field_of, status_of
from webapp.pages.trash import announce_trashed
from webapp.reference_edit import (
    FieldProblem,
    ReferenceEditRefused,
    StaleReference,
    edit_reference,
    entry_revision,
)
from webapp.viewsupport import get_services

bp = Blueprint("refedit", __name__)

NEW_FIELD_ROWS = 3
# A value longer than this, or of several lines, is edited in a text area.
SHORT_VALUE = 80
PASSAGE_CHOICES = ("keep", "delete")


@dataclass(slots=True)
class FieldInput:
    """One row of the edit form: a field's name and value as typed, and its problem."""

    input_id: str
    name: str
    value: str
    is_new: bool
    error: str | None = None
    name_error: str | None = None

    @property
    def is_long(self) -> bool:
        """Whether the value wants a text area rather than a line."""
        return len(self.value) > SHORT_VALUE or "\n" in self.value


@bp.get("/refs/<citekey>/edit")
def edit_form(citekey: str) -> Response:
    """The reference's fields, each in an input, with rows to add new ones."""
    reference = get_services().refs.get(citekey)
    rows = _rows_of(reference)
    return _render_edit(
        reference, rows, revision=entry_revision(reference), problems=[], status=200
    )


@bp.post("/refs/<citekey>/edit")
def save_edit(citekey: str) -> BaseResponse:
    """Write the changed fields through `ReferenceStore.edit`, or show every problem at its
    field with what was typed kept."""
    services = get_services()
    reference = services.refs.get(citekey)
    rows = _rows_from_form(reference)
    set_fields, unset_fields, problems = _changes(reference, rows)
    revision = request.form.get("revision", "")
    if not problems:
        try:
            edit_reference(services.refs, citekey, set_fields=set_fields,
                           unset_fields=unset_fields, revision=revision or None)  # fmt: skip
        except ReferenceEditRefused as refused:
            problems = refused.problems
        except StaleReference as stale:
            return _render_edit(stale.reference, rows, revision=revision,
                                problems=[FieldProblem("revision", str(stale))], status=409,
                                current=stale.reference)  # fmt: skip
        except RefsError as error:
            problems = [FieldProblem(field_of(error) or "entry", str(error))]
    if problems:
        return _render_edit(reference, rows, revision=revision, problems=problems, status=400)
    flash(f"Saved the changes to {citekey}.", "done")
    return redirect(url_for("refs.show_ref", citekey=citekey), code=303)


@bp.get("/refs/<citekey>/delete")
def delete_form(citekey: str) -> Response:
    """Ask before deleting: which reference, and what becomes of its passages."""
    return _render_delete(citekey, chosen="", error=None, status=200)


@bp.post("/refs/<citekey>/delete")
def delete_ref(citekey: str) -> BaseResponse:
    """Delete the reference once confirmed (the page's dialog, or, without JavaScript, the
    page this answers first), keeping or removing its passages as chosen."""
    services = get_services()
    services.refs.get(citekey)
    choice = request.form.get("passages", "")
    if request.form.get("confirmed") != "yes":
        return _render_delete(citekey, chosen=choice, error=None, status=200)
    has_passages = services.passage_store.has_passages(citekey)
    if has_passages and choice not in PASSAGE_CHOICES:
        return _render_delete(citekey, chosen="", error="Choose what becomes of its passages.",
                              status=400)  # fmt: skip
    try:
        item = services.delete_reference(
            citekey, cascade=has_passages and choice == "delete",
            keep_passages=has_passages and choice == "keep",
        )  # fmt: skip
    except RefsError as error:
        return _render_delete(citekey, chosen=choice, error=str(error), status=status_of(error))
    announce_trashed(item)  # the next page's status line offers Undo
    if has_passages and choice == "keep":
        flash("Its passages were kept.", "done")
    return redirect(url_for("refs.list_refs"), code=303)


def _rows_of(reference: Reference) -> list[FieldInput]:
    rows = [
        FieldInput(f"field-{number}", name, value, is_new=False)
        for number, (name, value) in enumerate(reference.fields.items())
    ]
    rows += [FieldInput(f"new-{number}", "", "", is_new=True) for number in range(NEW_FIELD_ROWS)]
    return rows


def _rows_from_form(reference: Reference) -> list[FieldInput]:
    """The rows as typed: the entry's fields in order (their names are not editable), then
    the new ones."""
    rows = [
        FieldInput(row.input_id, row.name, _typed(row.input_id, row.value), is_new=False)
        for row in _rows_of(reference)
        if not row.is_new
    ]
    rows += [
        FieldInput(
            f"new-{number}",
            _typed(f"new-{number}-name", "").strip(),
            _typed(f"new-{number}", ""),
            is_new=True,
        )
        for number in range(NEW_FIELD_ROWS)
    ]
    return rows


def _typed(name: str, default: str) -> str:
    """A form value as typed: browsers send a text area's line breaks as CRLF, which
    would make an untouched value of several lines look changed."""
    return request.form.get(name, default).replace("\r\n", "\n")


def _changes(
    reference: Reference, rows: list[FieldInput]
) -> tuple[dict[str, str], list[str], list[FieldProblem]]:
    """The fields to set and to remove, and the problems of rows half filled in."""
    set_fields: dict[str, str] = {}
    unset_fields: list[str] = []
    problems: list[FieldProblem] = []
    for row in rows:
        if not row.is_new:
            if not row.value.strip():
                unset_fields.append(row.name)
            elif row.value != reference.fields[row.name]:
                set_fields[row.name] = row.value
        elif row.value.strip() and not row.name:
            row.name_error = "name the new field (for example: note)"
        elif row.name and not _is_field_name(row.name):
            row.name_error = "not a valid BibTeX field name (a letter, then letters, digits, -_:.+)"
        elif row.name and not row.value.strip():
            problems.append(FieldProblem(row.input_id, "type a value for the new field"))
        elif row.name:
            set_fields[row.name] = row.value
    named = [row for row in rows if row.name_error]
    problems += [FieldProblem(row.input_id, row.name_error or "") for row in named]
    return set_fields, unset_fields, problems


def _is_field_name(name: str) -> bool:
    """Whether `name` can be a BibTeX field's name (`refs.entrytext`'s rule)."""
    try:
        check_field_name(name)
    except InvalidField:
        return False
    return True


def _render_edit(
    reference: Reference,
    rows: list[FieldInput],
    *,
    revision: str,
    problems: list[FieldProblem],
    status: int,
    current: Reference | None = None,
) -> Response:
    by_field = {row.name.lower(): row for row in rows if row.name}
    by_input = {row.input_id: row for row in rows}
    summary = []
    for problem in problems:
        row = by_input.get(problem.field) or by_field.get(problem.field.lower())
        if row is not None and row.name_error is None:
            row.error = problem.message
        target = f"#{row.input_id}{'-name' if row.name_error else ''}" if row else None
        label = row.name if row and row.name else "the entry"
        summary.append((label, problem.message, target))
    first_invalid = next((row.input_id for row in rows if row.error or row.name_error), None)
    html = render_template(
        "refs/edit.html",
        reference=reference,
        rows=rows,
        revision=revision,
        summary=summary,
        first_invalid=first_invalid,
        current=current,
    )
    return Response(html, status=status, mimetype="text/html")


def _render_delete(citekey: str, *, chosen: str, error: str | None, status: int) -> Response:
    services = get_services()
    reference = services.refs.get(citekey)
    count = len(services.passage_store.passages(citekey))
    html = render_template(
        "refs/delete.html",
        reference=reference,
        title=reference.text("title") or citekey,
        passage_count=count,
        passages_file=f"passages/{citekey}.json",
        chosen=chosen,
        error=error,
    )
    return Response(html, status=status, mimetype="text/html")
