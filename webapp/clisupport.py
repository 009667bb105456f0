"""What every command shares: the services of the chosen library and JSON output."""

from __future__ import annotations

import json
from typing import Any

import click

from webapp.services import Services

pass_services = click.make_pass_decorator(Services)

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout."
)


def echo_json(document: Any) -> None:  # Any: any JSON-serialisable document
    """Print `document` as pretty, key-sorted UTF-8 JSON."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))


def warn(message: str) -> None:
    """Tell the user something on stderr without failing the command."""
    click.echo(f"Warning: {message}", err=True)
