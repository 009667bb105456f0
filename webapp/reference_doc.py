"""Write docs/reference.md, the command and HTTP reference, from the code that defines them.

Every command's section is its own `--help` text, as click prints it; every API route's is
its entry in the OpenAPI document (`webapp.openapi`); every page's is its view's
docstring. So the reference cannot say something the program does not, and
`tests/webapp/test_reference_doc.py` fails when the file in the repository is stale.

    python -m webapp.reference_doc > docs/reference.md
"""

from __future__ import annotations

import inspect
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from webapp.cli import cli
from webapp.openapi import openapi_document

REGENERATE = "python -m webapp.reference_doc > docs/reference.md"
# Help is wrapped at a fixed width, whatever the terminal of whoever regenerates it.
HELP_WIDTH = 88
_METHODS = ("get", "post", "put", "patch", "delete")


def reference_markdown() -> str:
    """The whole reference, as Markdown."""
    commands = list(_commands(cli, click.Context(cli, info_name="florilegium")))
    lines = [
        "# Command and HTTP reference",
        "",
        "Generated from the program itself, so it says what the code does: each command's",
        "`--help` (click), each API route's entry in the OpenAPI document",
        "(`webapp/openapi.py`, served at `/api/openapi.json`), each page's view. Do not",
        "edit it by hand; regenerate it with",
        "",
        f"    {REGENERATE}",
        "",
        "(`tests/webapp/test_reference_doc.py` fails when it is stale).",
        "",
        "- [Command line](#command-line)",
        "- [JSON API](#json-api)",
        "- [Pages](#pages)",
        "",
        "## Command line",
        "",
    ]
    lines += [f"- [`{name}`](#{_slug(name)})" for name, _ in commands]
    for name, help_text in commands:
        lines += ["", f"### {name}", "", "```text", help_text.rstrip(), "```"]
    lines += ["", *_api_section(openapi_document()), "", *_pages_section()]
    return "\n".join(lines) + "\n"


def _commands(command: click.Command, context: click.Context) -> Iterator[tuple[str, str]]:
    """(full command name, its help text) for `command` and every subcommand under it."""
    context.terminal_width = context.max_content_width = HELP_WIDTH
    yield context.command_path, command.get_help(context)
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, click.Context(sub, info_name=name, parent=context))


def _api_section(document: dict[str, Any]) -> list[str]:  # Any: the OpenAPI document (JSON)
    """Each route and method: summary, parameters, request body, responses."""
    lines = [
        "## JSON API",
        "",
        str(document["info"]["description"]),
        "",
    ]
    for path, methods in document["paths"].items():
        for method in _METHODS:
            if method not in methods:
                continue
            operation = methods[method]
            lines += ["", f"### `{method.upper()} {path}`", "", str(operation["summary"])]
            parameters = operation.get("parameters", [])
            if parameters:
                lines += ["", "| parameter | in | required | description |", "|---|---|---|---|"]
                lines += [
                    f"| `{p['name']}` | {p['in']} | {'yes' if p.get('required') else 'no'} "
                    f"| {_cell(p.get('description', ''))} |"
                    for p in parameters
                ]
            body = operation.get("requestBody")
            if body:
                lines += ["", f"Body (JSON): {_schema_name(body)}"]
            lines += ["", "| status | meaning |", "|---|---|"]
            lines += [
                f"| {status} | {_cell(response['description'])}{_returns(response)} |"
                for status, response in operation["responses"].items()
            ]
    return lines


def _pages_section() -> list[str]:
    """The HTML pages (GET routes outside /api and /static), with their views' docstrings."""
    from webapp.application import create_app
    from webapp.services import init_library

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "LIBRARY_DIR": init_library(Path(folder) / "lib")})
        rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
        pages = [
            (rule.rule, inspect.getdoc(app.view_functions[rule.endpoint]) or "")
            for rule in rules
            if "GET" in (rule.methods or ()) and not rule.rule.startswith(("/api/", "/static/"))
        ]
    lines = ["## Pages", "", "| page | shows |", "|---|---|"]
    lines += [f"| `{path}` | {_cell(doc)} |" for path, doc in pages]
    return lines


def _schema_name(part: dict[str, Any]) -> str:  # Any: a piece of the OpenAPI document
    schema = part.get("content", {}).get("application/json", {}).get("schema", {})
    reference = schema.get("$ref", "")
    return f"`{reference.rsplit('/', 1)[-1]}`" if reference else "an object"


def _returns(response: dict[str, Any]) -> str:  # Any: a piece of the OpenAPI document
    if "content" not in response:
        return ""
    name = _schema_name(response)
    return f" ({name})" if name != "an object" else ""


def _cell(text: str) -> str:
    """`text` on one line, safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, spaces as hyphens."""
    return heading.lower().replace(" ", "-")


def main() -> None:
    """Print the reference on stdout."""
    sys.stdout.write(reference_markdown())


if __name__ == "__main__":
    main()
