"""The `florilegium` command line: the root group, its global options and error handling.

Each command's module is imported only when that command runs (or when `--help` lists
it), so a command pays only for what it uses: `--help` and `refs list` import neither
Flask, nor Whoosh, nor V8.
"""

from __future__ import annotations

import gc
import getpass
import importlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from annotations.errors import AnnotationError
from index.errors import SearchError
from refs.errors import RefsError
from teamdb.errors import DatabaseUnavailable, SchemaNotCurrent
from webapp.services import Services, resolve_library_dir


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a command is defined ("module:attribute") and the first line of its help, so
    that `florilegium --help` lists every command without importing one (a test keeps each
    line equal to the command's own docstring)."""

    path: str
    short_help: str


COMMANDS: Mapping[str, LazyCommand] = {
    "init": LazyCommand(
        "webapp.commands.library_commands:init", "Create an empty library in FOLDER."
    ),
    "check": LazyCommand(
        "webapp.commands.library_commands:check",
        "Validate every .bib, passage and note file; exit 1 if anything is wrong.",
    ),
    "cite": LazyCommand(
        "webapp.commands.cite_commands:cite",
        "Format CITEKEY in a style, or a passage's quote with its citation (--passage).",
    ),
    "export": LazyCommand(
        "webapp.commands.cite_commands:export",
        "Export references (CITEKEYS, else the whole library) as a bibliography or for other "
        "reference managers.",
    ),
    "refs": LazyCommand(
        "webapp.commands.refs_commands:refs", "List, show, add, edit and delete references."
    ),
    "import": LazyCommand(
        "webapp.commands.import_command:import_file",
        "Import FILE, leaving out works the library already has and listing possible duplicates.",
    ),
    "quote": LazyCommand(
        "webapp.commands.quote_commands:quote", "Add, list, show, edit and delete quoted passages."
    ),
    "note": LazyCommand(
        "webapp.commands.note_commands:note", "Add, edit and delete notes on passages."
    ),
    "trash": LazyCommand(
        "webapp.commands.trash_commands:trash", "List, restore and empty what deletes removed."
    ),
    "search": LazyCommand(
        "webapp.commands.search_commands:search",
        "Find passages, notes and references matching QUERY.",
    ),
    "reindex": LazyCommand(
        "webapp.commands.search_commands:reindex",
        "Rebuild the search index from the library's files.",
    ),
    "push": LazyCommand(
        "webapp.commands.team_commands:push",
        "Copy the folder library DIR into the team library (--database).",
    ),
    "pull": LazyCommand(
        "webapp.commands.team_commands:pull",
        "Write the team library (--database) out as the folder library DIR.",
    ),
    "serve": LazyCommand(
        "webapp.commands.serve_command:serve", "Run the web app for the library and print its URL."
    ),
    "user": LazyCommand(
        "webapp.commands.user_command:user",
        "Manage who may log in to the web app and end their sessions.",
    ),
}


DATABASE_ENV = "FLORILEGIUM_DATABASE"
DATABASE_URL_KEY = "florilegium.database"

# Errors of the library packages that mean "could not do what was asked": exit 1, no traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    RefsError,
    AnnotationError,
    SearchError,
    DatabaseUnavailable,
    SchemaNotCurrent,
    FileNotFoundError,
    FileExistsError,
    PermissionError,
)


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when the subcommand is looked up,
    as Click's documentation shows ("Lazily Loading Subcommands"); its `--help` lists the
    commands from their `LazyCommand`s, importing none."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        # Any: click.Group's own arguments, passed on unchanged.
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, eager and lazy, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command `cmd_name`, importing its module on first use."""
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        path = self.lazy_commands[cmd_name].path
        module_name, _, attribute = path.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{path} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The "Commands" section of `--help`, as `click.Group` writes it."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            lazy = self.lazy_commands.get(name)
            # A stand-in carrying the help line shortens it exactly as the command would.
            command = (
                self.get_command(ctx, name)
                if lazy is None
                else click.Command(name, help=lazy.short_help)
            )
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class FlorilegiumGroup(LazyGroup):
    """The root group; turns the packages' errors into `Error: <where>: <what>`, exit 1."""

    def invoke(self, ctx: click.Context) -> Any:  # Any: whatever the command returns
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=FlorilegiumGroup, lazy_commands=COMMANDS)
@click.option(
    "--library",
    "library_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Library folder (default: $FLORILEGIUM_LIBRARY, else the demo library).",
)
@click.option(
    "--database",
    "database_url",
    metavar="URL",
    help="A team library in PostgreSQL (a libpq URL; default: $FLORILEGIUM_DATABASE), "
    "in place of --library.",
)
@click.option("--verbose", "-v", is_flag=True, help="Log what happens (to stderr).")
@click.pass_context
def cli(
    ctx: click.Context, library_dir: Path | None, database_url: str | None, verbose: bool
) -> None:
    """Florilegium: references, the passages you quoted from them, notes and citations."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if library_dir is not None and database_url is not None:
        raise click.UsageError("--library and --database name two libraries: give one")
    if library_dir is None:
        database_url = database_url or os.environ.get(DATABASE_ENV) or None
    if database_url is not None:
        _open_team_library(ctx, database_url)
        return
    folder = resolve_library_dir(library_dir)
    if ctx.invoked_subcommand != "init":
        # A command runs in one thread, so a full index build may fork workers; its
        # citations go to the citation service, whose engines stay warm between commands.
        ctx.obj = Services.for_library(
            folder, build_processes=min(4, os.cpu_count() or 1), citation_process=True
        )


def _open_team_library(ctx: click.Context, url: str) -> None:
    """Set the team library at `url` as the command's library; an unreachable database
    is one line on stderr and exit 1 (no traceback)."""
    from teamdb.audit import reset_actor, set_actor
    from webapp.team_services import TeamServices

    ctx.meta[DATABASE_URL_KEY] = url
    try:
        if ctx.invoked_subcommand == "init":
            TeamServices.check_reachable(url)
        else:
            services = TeamServices.for_database(url)
            ctx.call_on_close(services.database.close)  # no connection outlives the command
            acting = set_actor(f"{getpass.getuser()} (command line)")  # in the audit log
            ctx.call_on_close(lambda: reset_actor(acting))
            ctx.obj = services
    except (DatabaseUnavailable, SchemaNotCurrent) as error:
        raise click.ClickException(str(error)) from error


def team_database_url(ctx: click.Context) -> str | None:
    """The team library's URL when the command runs on one (`--database`), else None."""
    url = ctx.find_root().meta.get(DATABASE_URL_KEY)
    return None if url is None else str(url)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="florilegium")
    finally:
        # What the command built (20,000 references for a `refs list`) lives until the
        # process ends, and the interpreter's last collection would walk all of it for
        # nothing: a frozen heap is left to the exit (0.15 s of a 0.6 s listing).
        gc.freeze()
