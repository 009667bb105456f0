"""What every command shares: the services of the chosen library, locators and JSON output."""

from __future__ import annotations

import json
from typing import Any

import click

from annotations.locators import parse_locator
from annotations.model import Locator
from webapp.services import Services

pass_services = click.make_pass_decorator(Services)

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout."
)


class LocatorType(click.ParamType[Locator, "str | Locator"]):
    """A locator typed after an option, read by `annotations.locators`, the parser the API
    and the web forms use too, so every command accepts and refuses what they do.

    With `label` ("page" for `--page`), the text is the value; without, it may name its
    label (`chapter:3`, `para. 12`) or be a page. A value that cannot be read raises the
    parser's `InvalidLocator`, naming the option (`page: expected a page like 422…`): the
    root group reports it as every bad input, `Error: …` and exit 1, where click's own
    `fail` would make it a usage error (exit 2).
    """

    name = "locator"

    def __init__(self, *, label: str | None = None) -> None:
        self.label = label

    def convert(
        self,
        value: str | Locator,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Locator:
        """`value` as a `Locator`."""
        if isinstance(value, Locator):
            return value
        field = (param.name or "locator").replace("_", "-") if param else "locator"
        return parse_locator(value, label=self.label, field=field)


PAGE = LocatorType(label="page")
LOCATOR = LocatorType()


def echo_json(document: Any) -> None:  # Any: any JSON-serialisable document
    """Print `document` as pretty, key-sorted UTF-8 JSON."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))


def warn(message: str) -> None:
    """Tell the user something on stderr without failing the command."""
    click.echo(f"Warning: {message}", err=True)
