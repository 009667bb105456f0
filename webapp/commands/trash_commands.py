"""`trash list|restore|empty`: what deletes removed, kept in the library's `trash/` folder."""

from __future__ import annotations

import click

from webapp.clisupport import echo_json, json_option, pass_services, warn
from webapp.presenters import restored_json, trash_item_json
from webapp.services import Services


@click.group("trash")
def trash() -> None:
    """List, restore and empty what deletes removed."""


@trash.command("list")
@json_option
@pass_services
def list_trash(services: Services, as_json: bool) -> None:
    """List what the trash holds, the most recently deleted first."""
    items = services.trash.items()
    for problem in services.trash.problems:
        warn(str(problem))
    if as_json:
        echo_json([trash_item_json(item) for item in items])
        return
    if not items:
        click.echo("The trash is empty.")
    for item in items:
        click.echo(f"{item.id}  {item.deleted}  {item.kind:<9}  {item.summary}")


@trash.command("restore")
@click.argument("trash_id")
@json_option
@pass_services
def restore(services: Services, trash_id: str, as_json: bool) -> None:
    """Put back what TRASH_ID holds, with its ids (fresh ones only where taken meanwhile)."""
    restored = services.trash.restore(trash_id)
    if as_json:
        echo_json(restored_json(restored))
        return
    click.echo(f"Restored {restored.item.summary}")
    for passage in restored.present:
        click.echo(f"Already in the library: passage {passage.id}")
    for renamed in restored.renamed:
        click.echo(
            f"Restored under a new id ({renamed.old} was taken): {renamed.kind} {renamed.new}"
        )


@trash.command("empty")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_services
def empty(services: Services, yes: bool) -> None:
    """Delete everything in the trash for good (asks first unless --yes)."""
    count = len(services.trash.items())
    if count == 0:
        click.echo("The trash is empty.")
        return
    if not yes:
        click.confirm(f"Delete the {count} item(s) in the trash for good?", abort=True, err=True)
    removed = services.trash.empty()
    click.echo(f"Deleted {len(removed)} item(s) for good.")
