"""Request bodies of the API, checked field by field into values the services take.

Each problem is reported with the path of the field at fault (`locator.label`), so that a
client (or a form) can show the message next to the right input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.locators import parse_locator
from annotations.model import (
    Anchor,
    Locator,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)
from annotations.repository import KEEP, Keep
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
    """The parts of a passage a PATCH changes (`KEEP` leaves a part as it is), and the
    revision they are based on (None: whatever is stored now)."""

    text: str | Keep
    locator: Locator | Keep | None
    quoted_in: QuotedIn | Keep | None
    tags: tuple[str, ...] | Keep
    revision: int | None


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
    if not isinstance(label, str):
        raise ApiError(400, "must be a string", field=f"{path}.label")
    text = value.get("value")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "must be a non-empty string", field=f"{path}.value")
    # The CLI's own reading: `422-23` is stored as `422-423`, a bad page or label is refused.
    return parse_locator(text, label=label, field=f"{path}.value", label_field=f"{path}.label")


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
    """Check a PATCH /api/passages/ID body: any of `text`, `locator`, `quoted_in`, `tags`
    (a field left out stays as it is; a null locator or quoted_in clears it), and the
    optional `revision` the change is based on."""
    unknown = sorted(set(body) - {"text", "locator", "quoted_in", "tags", "revision"})
    if unknown:
        raise ApiError(400, "cannot be changed here", field=unknown[0])
    return PassageChanges(
        text=required_text(body, "text") if "text" in body else KEEP,
        locator=locator_field(body["locator"], "locator") if "locator" in body else KEEP,
        quoted_in=quoted_in_field(body["quoted_in"]) if "quoted_in" in body else KEEP,
        tags=tags_field(body["tags"]) if "tags" in body else KEEP,
        revision=revision_field(body.get("revision")),
    )


def revision_field(value: object) -> int | None:
    """A passage's or note's revision (a whole number from 1), or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ApiError(400, "must be a whole number from 1", field="revision")
    return value


def note_text(body: dict[str, Any]) -> str:
    """Check a new note's body: `{text}`."""
    return required_text(body, "text")


@dataclass(frozen=True, slots=True)
class NoteChanges:
    """A note's new text, and the revision it is based on (None: the note as it is)."""

    text: str
    revision: int | None


def note_changes(body: dict[str, Any]) -> NoteChanges:
    """Check a PATCH /api/notes/ID body: `{text, revision?}`."""
    return NoteChanges(required_text(body, "text"), revision_field(body.get("revision")))
