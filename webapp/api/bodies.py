"""Request bodies of the API, checked field by field into values the services take.

Each problem is reported with the path of the field at fault (`locator.label`), so that a
client (or a form) can show the message next to the right input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.model import (
    LOCATOR_LABELS,
    Anchor,
    Locator,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)
from webapp.errors import ApiError

MAX_TEXT_CHARS = 100_000
MAX_TAGS = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageDraft:
    """A new passage as the client sent it, checked."""

    citekey: str
    text: str
    locator: Locator | None
    quoted_in: QuotedIn | None
    tags: tuple[str, ...]
    anchor: Anchor | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageChanges:
    """The parts of a passage a PATCH changes; None leaves a part as it is."""

    text: str | None
    locator: Locator | None
    tags: tuple[str, ...] | None


def optional_text(body: dict[str, Any], name: str) -> str | None:
    """A non-empty string field, or None when it is absent or null."""
    return None if body.get(name) is None else required_text(body, name)


def required_text(body: dict[str, Any], name: str) -> str:
    """A non-empty string field."""
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "must be a non-empty string", field=name)
    if len(value) > MAX_TEXT_CHARS:
        raise ApiError(400, f"must be at most {MAX_TEXT_CHARS} characters", field=name)
    return value


def locator_field(value: object, path: str) -> Locator | None:
    """`{label, value}` (label one of CSL's locator labels, `page` when left out) or null."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, "must be an object {label, value} or null", field=path)
    label = value.get("label", "page")
    if label not in LOCATOR_LABELS:
        raise ApiError(400, f"unknown locator label {label!r}", field=f"{path}.label")
    text = value.get("value")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "must be a non-empty string", field=f"{path}.value")
    return Locator(label, text.strip())


def tags_field(value: object) -> tuple[str, ...]:
    """A list of non-empty strings."""
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise ApiError(400, f"must be a list of at most {MAX_TAGS} strings", field="tags")
    for index, tag in enumerate(value):
        if not isinstance(tag, str) or not tag.strip():
            raise ApiError(400, "must be a non-empty string", field=f"tags.{index}")
    return tuple(tag.strip() for tag in value)


def quoted_in_field(value: object) -> QuotedIn | None:
    """`{citekey, locator}` or null."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, "must be an object {citekey, locator} or null", field="quoted_in")
    citekey = value.get("citekey")
    if not isinstance(citekey, str) or not citekey:
        raise ApiError(400, "must be a non-empty string", field="quoted_in.citekey")
    return QuotedIn(citekey, locator_field(value.get("locator"), "quoted_in.locator"))


def anchor_field(value: object) -> Anchor | None:
    """`{source, quote: {exact, prefix, suffix}, position: {start, end} | null}` or null."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, "must be an object or null", field="anchor")
    source = value.get("source")
    quote = value.get("quote")
    if not isinstance(source, str) or not source:
        raise ApiError(400, "must be a non-empty string", field="anchor.source")
    if not isinstance(quote, dict) or not isinstance(quote.get("exact"), str):
        raise ApiError(400, "must be an object with a string `exact`", field="anchor.quote")
    for part in ("prefix", "suffix"):
        if not isinstance(quote.get(part, ""), str):
            raise ApiError(400, "must be a string", field=f"anchor.quote.{part}")
    selector = TextQuoteSelector(
        exact=quote["exact"], prefix=quote.get("prefix", ""), suffix=quote.get("suffix", "")
    )
    return Anchor(source=source, quote=selector, position=_position(value.get("position")))


def _position(value: object) -> TextPositionSelector | None:
    if value is None:
        return None
    start = value.get("start") if isinstance(value, dict) else None
    end = value.get("end") if isinstance(value, dict) else None
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        raise ApiError(400, "must be {start, end} with 0 <= start <= end", field="anchor.position")
    return TextPositionSelector(start, end)


def passage_draft(body: dict[str, Any]) -> PassageDraft:
    """Check a POST /api/passages body."""
    return PassageDraft(
        citekey=required_text(body, "citekey"),
        text=required_text(body, "text"),
        locator=locator_field(body.get("locator"), "locator"),
        quoted_in=quoted_in_field(body.get("quoted_in")),
        tags=tags_field(body.get("tags", [])),
        anchor=anchor_field(body.get("anchor")),
    )


def passage_changes(body: dict[str, Any]) -> PassageChanges:
    """Check a PATCH /api/passages/ID body: any of `text`, `locator`, `tags`."""
    unknown = sorted(set(body) - {"text", "locator", "tags"})
    if unknown:
        raise ApiError(400, "cannot be changed here", field=unknown[0])
    return PassageChanges(
        text=optional_text(body, "text"),
        locator=locator_field(body.get("locator"), "locator"),
        tags=None if body.get("tags") is None else tags_field(body["tags"]),
    )


def note_text(body: dict[str, Any]) -> str:
    """Check a note body: `{text}`."""
    return required_text(body, "text")
