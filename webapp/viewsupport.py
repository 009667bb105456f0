"""What every view shares: the library's services, and reading query arguments and bodies."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import current_app, request

from webapp.errors import ApiError
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
    """The request's JSON body, which must be an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body
