"""The `florilegium` command line: the root group, its global options and error handling."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from annotations.errors import AnnotationError
from index.errors import SearchError
from refs.errors import RefsError
from webapp.commands import (
    cite_commands,
    import_command,
    library_commands,
    note_commands,
    quote_commands,
    refs_commands,
    search_commands,
    serve_command,
    user_command,
)
from webapp.services import Services, resolve_library_dir

# Errors of the library packages that mean "could not do what was asked": exit 1, no traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    RefsError,
    AnnotationError,
    SearchError,
    FileNotFoundError,
    FileExistsError,
    PermissionError,
)


class FlorilegiumGroup(click.Group):
    """The root group; turns the packages' errors into `Error: <where>: <what>`, exit 1."""

    def invoke(self, ctx: click.Context) -> Any:  # Any: whatever the command returns
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=FlorilegiumGroup)
@click.option(
    "--library",
    "library_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Library folder (default: $FLORILEGIUM_LIBRARY, else the demo library).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log what happens (to stderr).")
@click.pass_context
def cli(ctx: click.Context, library_dir: Path | None, verbose: bool) -> None:
    """Florilegium: references, the passages you quoted from them, notes and citations."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    folder = resolve_library_dir(library_dir)
    if ctx.invoked_subcommand != "init":
        # A command runs in one thread, so a full index build may fork workers.
        ctx.obj = Services.for_library(folder, build_processes=min(4, os.cpu_count() or 1))


for command in (
    *library_commands.COMMANDS,
    *cite_commands.COMMANDS,
    refs_commands.refs,
    import_command.import_file,
    quote_commands.quote,
    note_commands.note,
    *search_commands.COMMANDS,
    serve_command.serve,
    user_command.user,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="florilegium")
