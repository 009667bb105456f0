"""A command imports only what it uses: no Flask, Whoosh or V8 for `--help` or `refs list`."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webapp.cli import COMMANDS, cli

HEAVY = ("flask", "werkzeug", "whoosh", "py_mini_racer", "jsonschema", "waitress")
# Runs the real entry point, then prints the modules it imported.
_PROBE = """
import json, sys
from webapp.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_imported_by(*args: str, library: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--library", str(library), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    return {name.partition(".")[0] for name in json.loads(done.stderr.splitlines()[-1])}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--help",), id="help"),
        pytest.param(("refs", "list"), id="refs-list"),
        pytest.param(("refs", "list", "--json"), id="refs-list-json"),
    ],
)
def test_command_imports_no_web_search_or_v8(args: tuple[str, ...], demo_library: Path) -> None:
    imported = _modules_imported_by(*args, library=demo_library)
    assert "click" in imported
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_refs_list_from_the_cache_imports_no_parser(demo_library: Path) -> None:
    _modules_imported_by("refs", "list", library=demo_library)  # writes the cache
    imported = _modules_imported_by("refs", "list", library=demo_library)
    assert imported.isdisjoint({"bibtexparser", "pylatexenc"})


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_line_of_each_command_is_its_docstring(name: str) -> None:
    module_name, _, attribute = COMMANDS[name].path.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=1000)


def test_help_lists_every_command_as_click_would(runner: CliRunner) -> None:
    eager = click.Group("florilegium", params=cli.params, help=cli.help)
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        eager.add_command(command, name)
    for width in (50, 80, 120):
        ours = runner.invoke(cli, ["--help"], terminal_width=width, prog_name="florilegium")
        clicks = runner.invoke(eager, ["--help"], terminal_width=width, prog_name="florilegium")
        assert ours.exit_code == 0
        assert ours.output == clicks.output
