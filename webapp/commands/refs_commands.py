"""`refs list|show|add|edit|delete`: read and change the library's references."""

from __future__ import annotations

from pathlib import Path

import click

from refs.bibfile import read_input_text
from refs.errors import InvalidField
from refs.summaries import summary_of
from webapp.clisupport import echo_json, json_option, pass_services, warn
from webapp.presenters import reference_detail_json, reference_summary_json
from webapp.services import Services


@click.group("refs")
def refs() -> None:
    """List, show, add, edit and delete references."""


@refs.command("list")
@json_option
@pass_services
def list_refs(services: Services, as_json: bool) -> None:
    """One row per reference, sorted by citekey."""
    _warn_about_problems(services)
    references = services.refs.references()
    if as_json:
        echo_json([reference_summary_json(reference) for reference in references])
        return
    rows = []
    for reference in references:
        summary = summary_of(reference)
        names = "; ".join(summary.names)
        rows.append(f"{reference.citekey}\t{summary.year}\t{names}\t{summary.title}\n")
    click.echo("".join(rows), nl=False)  # one write: 20,000 rows echoed one by one cost 0.5 s


@refs.command("show")
@click.argument("citekey")
@json_option
@pass_services
def show_ref(services: Services, citekey: str, as_json: bool) -> None:
    """Show one reference: its fields, where it is, and its CSL-JSON."""
    reference = services.refs.get(citekey)
    if as_json:
        echo_json(reference_detail_json(reference, services.csl_item(reference.citekey)))
    else:
        click.echo(f"{reference.path}:{reference.line}")
        click.echo(reference.raw)


@refs.command("add")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--bibtex", "bibtex_text", help="The entries as BibTeX text.")
@click.option("--to", "to_file", help="The .bib file to add to (default: references.bib).")
@json_option
@pass_services
def add_ref(
    services: Services,
    file: Path | None,
    bibtex_text: str | None,
    to_file: str | None,
    as_json: bool,
) -> None:
    """Append entries from FILE or --bibtex; every other byte of the file stays as it was."""
    if (file is None) == (bibtex_text is None):
        raise click.UsageError("give either FILE or --bibtex TEXT")
    text = read_input_text(file) if file is not None else bibtex_text or ""
    added = services.refs.add(text, to=to_file)
    if as_json:
        echo_json(
            [
                reference_detail_json(reference, services.csl_item(reference.citekey))
                for reference in added
            ]
        )
    else:
        for reference in added:
            click.echo(f"Added {reference.citekey} to {reference.path}:{reference.line}")


@refs.command("edit")
@click.argument("citekey")
@click.option("--set", "assignments", multiple=True, help="FIELD=VALUE to set (repeatable).")
@click.option("--unset", "removals", multiple=True, help="FIELD to remove (repeatable).")
@json_option
@pass_services
def edit_ref(
    services: Services,
    citekey: str,
    assignments: tuple[str, ...],
    removals: tuple[str, ...],
    as_json: bool,
) -> None:
    """Change fields of one entry in place."""
    if not assignments and not removals:
        raise click.UsageError("nothing to do: give --set FIELD=VALUE or --unset FIELD")
    changes = dict(_split_assignment(assignment) for assignment in assignments)
    reference = services.refs.edit(citekey, set_fields=changes, unset_fields=removals)
    if as_json:
        echo_json(reference_detail_json(reference, services.csl_item(reference.citekey)))
    else:
        click.echo(f"Edited {citekey} at {reference.path}:{reference.line}")


@refs.command("delete")
@click.argument("citekey")
@click.option("--cascade", is_flag=True, help="Also delete the reference's passages and notes.")
@click.option(
    "--keep-passages",
    is_flag=True,
    help="Delete the entry but keep its passages, which belong to it again if it comes back.",
)
@pass_services
def delete_ref(services: Services, citekey: str, cascade: bool, keep_passages: bool) -> None:
    """Remove one entry (one with passages needs --cascade or --keep-passages)."""
    if cascade and keep_passages:
        raise click.UsageError("give --cascade or --keep-passages, not both")
    item = services.delete_reference(citekey, cascade=cascade, keep_passages=keep_passages)
    click.echo(f"Deleted {citekey}; undo with: florilegium trash restore {item.id}")


def _split_assignment(assignment: str) -> tuple[str, str]:
    name, separator, value = assignment.partition("=")
    if not separator or not name.strip():
        raise InvalidField(f"expected FIELD=VALUE, got {assignment!r}", field=name or "set")
    return name.strip(), value


def _warn_about_problems(services: Services) -> None:
    for problem in services.refs.problems:
        warn(str(problem))
