"""`init` and `check`: create a library and validate everything in it."""

from __future__ import annotations

from pathlib import Path

import click

from webapp.cli import team_database_url
from webapp.clisupport import echo_json, json_option, pass_services
from webapp.presenters import hint_json, problem_json
from webapp.services import Services, init_library

# The style `cite` and `export` use unless told otherwise.
DEFAULT_STYLE = "chicago"


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), required=False)
@click.pass_context
def init(ctx: click.Context, folder: Path | None) -> None:
    """Create an empty library in FOLDER.

    With --database (no FOLDER), create or migrate the team library's schema instead; run
    twice, the second run changes nothing.
    """
    url = team_database_url(ctx)
    if url is not None:
        if folder is not None:
            raise click.UsageError("init takes no FOLDER with --database")
        from teamdb.errors import redacted
        from teamdb.schema import migrate

        before, after = migrate(url)
        if before == after:
            click.echo(f"The team library {redacted(url)} is up to date (schema {after})")
        else:
            click.echo(f"Initialised the team library {redacted(url)} (schema {after})")
        return
    if folder is None:
        raise click.UsageError("Missing argument 'FOLDER'.")
    init_library(folder)
    click.echo(f"Created an empty library in {folder}")


@click.command("check")
@json_option
@pass_services
def check(services: Services, as_json: bool) -> None:
    """Validate every .bib, passage and note file; exit 1 if anything is wrong.

    Also warns, on stderr, of LaTeX commands it shows by their argument or name because
    it does not know them, and hints at the references that the default style (Chicago
    notes and bibliography) prints in notes only; neither is a problem.
    """
    problems = services.check()
    warnings = services.warnings()
    omissions = services.citation_service.omissions(DEFAULT_STYLE)
    hints = [hint_json(reference, omission) for reference, omission in omissions]
    if as_json:
        echo_json(
            {
                "ok": not problems,
                "problems": [problem_json(p) for p in problems],
                "warnings": [problem_json(w) for w in warnings],
                "hints": hints,
            }
        )
    else:
        for problem in problems:
            click.echo(problem)
        for warning in warnings:
            click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
        for hint in hints:
            click.echo(hint["text"], err=True)
        if not problems:
            click.echo("OK: no problems found", err=True)
    if problems:
        click.get_current_context().exit(1)
