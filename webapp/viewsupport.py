"""What every view shares: the library's services, and reading query arguments and bodies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from flask import current_app, request

from annotations.locators import parse_locator
from annotations.model import Locator, Passage
from webapp.errors import ApiError
from webapp.jsonbody import decode_json_body
from webapp.services import Services

T = TypeVar("T")


def get_services() -> Services:
    """The services of the library this app serves."""
    services: Services = current_app.extensions["florilegium"]
    return services


def require(service: T | None, what: str) -> T:
    """`service`, or a 503 saying this build has no `what` yet."""
    if service is None:
        raise ApiError(503, f"this build of Florilegium has no {what} service yet")
    return service


def int_arg(name: str, default: int, *, minimum: int = 0, maximum: int = 1000) -> int:
    """A whole-number query argument within bounds, or a 400 naming it."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"expected a whole number, got {raw!r}", field=name) from None
    if not minimum <= value <= maximum:
        raise ApiError(400, f"must be between {minimum} and {maximum}", field=name)
    return value


def choice_arg(name: str, choices: tuple[str, ...], default: str) -> str:
    """A query argument that must be one of `choices`, or a 400 naming it."""
    value = request.args.get(name, "") or default
    if value not in choices:
        raise ApiError(400, f"expected one of {', '.join(choices)}; got {value!r}", field=name)
    return value


def json_object() -> dict[str, Any]:  # Any: the values of a JSON object
    """The request's JSON body, which must be an object, read within the bounds of
    `decode_json_body` (a 400 names the field at fault)."""
    if not request.is_json:
        raise ApiError(400, "the body must be a JSON object")
    body = decode_json_body(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


def form_locator(label: str, value: str) -> Locator | None:
    """The locator of a form's (or a query's) `label` and `locator` inputs, read as the
    command line reads them: none when the value is empty; without a label, the value is
    read like `--locator` (`chapter:3`, `xiv`). `InvalidLocator` names the input at fault
    (`locator`, `label`) when it cannot be read."""
    if not value.strip():
        return None
    if not label:
        return parse_locator(value, field="locator")
    return parse_locator(value, label=label, field="locator", label_field="label")


def form_tags(text: str) -> list[str]:
    """The tags of a comma-separated form input."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def in_locator_order(passages: Iterable[Passage]) -> list[Passage]:
    """Passages as a reader meets them: by reference, then locator (pages by number,
    front matter like `xiv` first), unlocated ones last, ties by id (creation order)."""
    return sorted(passages, key=_locator_key)


def _locator_key(passage: Passage) -> tuple[Any, ...]:  # Any: mixed str/int parts
    locator = passage.locator
    if locator is None:
        return (passage.citekey, 1, "", (), passage.id)
    parts = tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part.casefold())
        for part in re.findall(r"\d+|[^\d\s,-]+", locator.value)
    )
    return (passage.citekey, 0, locator.label, parts, passage.id)
