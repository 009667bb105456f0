"""`import FILE`: add references (or, for some formats, passages) exported by another tool."""

from __future__ import annotations

from pathlib import Path

import click

from webapp.clisupport import echo_json, json_option, pass_services, warn
from webapp.import_service import (
    IMPORTERS,
    REFERENCE_FORMATS,
    format_help,
    guess_format,
    read_import_file,
)
from webapp.presenters import import_report_json
from webapp.progress_bar import progress_bar, wants_progress_bar
from webapp.reference_import import ImportOptions, ImportReport
from webapp.services import Services


@click.command("import")
# No `exists=True`: a missing file, a folder or an unreadable file is a bad input (exit 1,
# `Error: FILE: ...`), not a usage error.
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(IMPORTERS)),
    help=f"The file's format (default: from its extension). {format_help()}.",
)
@click.option(
    "--duplicates",
    type=click.Choice(["report", "skip"]),
    default="report",
    show_default=True,
    help=(
        "What to do with possible duplicates, entries that resemble a known work without "
        "surely being it: the same title, year and first author but another type, co-author, "
        "date, container, volume, number or pages (a column in every issue); the same ISBN "
        "but another type, pages or volume (a chapter and its book); the same DOI under an "
        "unrelated title. `report` adds them and lists each beside the work it resembles; "
        "`skip` leaves them out and lists them. Exact duplicates are always left out and "
        "listed; entries that others name in crossref or xdata are always added."
    ),
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the report of the import without writing anything (reference formats only).",
)
@json_option
@pass_services
def import_file(
    services: Services,
    file: Path,
    format_name: str | None,
    duplicates: str,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import FILE, leaving out works the library already has and listing possible duplicates."""
    format_name = format_name or guess_format(file)
    if format_name is None:
        raise click.UsageError(f"cannot tell the format of {file}; give --format")
    if dry_run and format_name not in REFERENCE_FORMATS:
        raise click.UsageError(
            f"--dry-run works for {', '.join(sorted(REFERENCE_FORMATS))}, not {format_name}"
        )
    options = ImportOptions(skip_possible_duplicates=duplicates == "skip", dry_run=dry_run)
    text = read_import_file(file, format_name)
    with progress_bar(enabled=wants_progress_bar(as_json=as_json)) as progress:
        report = IMPORTERS[format_name](services, text, file, options, progress)
    if as_json:
        echo_json(import_report_json(format_name, report))
    else:
        _echo_report(report)
    for problem in report.skipped:
        warn(f"left out: {problem}")


def _echo_report(report: ImportReport) -> None:
    """`import` without `--json`: one line per entry added, renamed or left out."""
    added = "Would add" if report.dry_run else "Added"
    resembling = {item.citekey: item for item in report.possible_duplicates if item.citekey}
    for citekey in report.added:
        item = resembling.get(citekey)
        if item is None:
            click.echo(f"{added} {citekey}")
        else:
            click.echo(
                f"{added} {citekey}, which resembles {item.resembles} ({item.reason}): {item.title}"
            )
    for renamed in report.renamed:
        click.echo(f"Renamed {renamed.kind} {renamed.old} to {renamed.new} ({renamed.reason})")
    for passage_id in report.present:
        click.echo(f"Already present: {passage_id}")
    for duplicate in report.duplicates:
        click.echo(f"Duplicate of {duplicate.citekey} ({duplicate.reason}): {duplicate.title}")
    for item in report.possible_duplicates:
        if item.citekey is None:
            click.echo(f"Left out, resembles {item.resembles} ({item.reason}): {item.title}")
    if report.dry_run:
        click.echo("Dry run: nothing was written.")
