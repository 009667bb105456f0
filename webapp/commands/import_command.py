"""`import FILE`: add references (or, for some formats, passages) exported by another tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from webapp.clisupport import echo_json, json_option, pass_services, warn
from webapp.import_service import (
    IMPORTERS,
    ImportReport,
    format_help,
    guess_format,
    read_import_file,
)
from webapp.services import Services


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(IMPORTERS)),
    help=f"The file's format (default: from its extension). {format_help()}.",
)
@json_option
@pass_services
def import_file(services: Services, file: Path, format_name: str | None, as_json: bool) -> None:
    """Import FILE, reporting works the library already has instead of adding them twice."""
    format_name = format_name or guess_format(file)
    if format_name is None:
        raise click.UsageError(f"cannot tell the format of {file}; give --format")
    text = read_import_file(file, format_name)
    report = IMPORTERS[format_name](services, text, file)
    if as_json:
        echo_json(_report_json(format_name, report))
    else:
        for citekey in report.added:
            click.echo(f"Added {citekey}")
        for duplicate in report.duplicates:
            click.echo(f"Duplicate of {duplicate.citekey} ({duplicate.reason}): {duplicate.title}")
    for problem in report.skipped:
        warn(f"left out: {problem}")


def _report_json(format_name: str, report: ImportReport) -> dict[str, Any]:
    """`import --json`: what was added, what was a duplicate, what was left out."""
    return {
        "format": format_name,
        "added": report.added,
        "duplicates": [
            {"title": item.title, "citekey": item.citekey, "reason": item.reason}
            for item in report.duplicates
        ],
        "skipped": report.skipped,
    }
