"""`note add|edit|delete`: the user's Markdown notes on passages."""

from __future__ import annotations

import click

from annotations.model import Note
from webapp.clisupport import echo_json, json_option, pass_services
from webapp.presenters import note_json
from webapp.services import Services


@click.group("note")
def note() -> None:
    """Add, edit and delete notes on passages."""


@note.command("add")
@click.argument("passage_id")
@click.argument("text")
@json_option
@pass_services
def add_note(services: Services, passage_id: str, text: str, as_json: bool) -> None:
    """Attach a Markdown note to a passage; prints it with its id."""
    _show(services.passages.add_note(passage_id, text), as_json, verb="Added")


@note.command("edit")
@click.argument("note_id")
@click.argument("text")
@click.option(
    "--revision", type=int, help="Refuse the edit if the note is no longer at this revision."
)
@json_option
@pass_services
def edit_note(
    services: Services, note_id: str, text: str, revision: int | None, as_json: bool
) -> None:
    """Replace the text of one note."""
    _show(services.passages.edit_note(note_id, text, revision=revision), as_json, verb="Edited")


@note.command("delete")
@click.argument("note_id")
@click.option("--revision", type=int, help="Refuse if the note is no longer at this revision.")
@pass_services
def delete_note(services: Services, note_id: str, revision: int | None) -> None:
    """Delete one note."""
    item = services.passages.delete_note(note_id, revision=revision)
    click.echo(f"Deleted note {note_id}; undo with: florilegium trash restore {item.id}")


def _show(note: Note, as_json: bool, *, verb: str) -> None:
    if as_json:
        echo_json(note_json(note))
    else:
        click.echo(f"{verb} note {note.id}")
