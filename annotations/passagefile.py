"""The passage file format (`passages/<citekey>.json`): bytes to the model and back.

One file per reference, pretty-printed with sorted keys and passages ordered by id, so a
diff of one changed passage is a few changed lines. Reading holds the whole file to the
schema (`passageschema`) and reports the first problem as `FILE: field.path: message`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.errors import PassageFileError
from annotations.model import (
    LOCATOR_LABELS,
    Anchor,
    Locator,
    Note,
    Passage,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)
from annotations.passageschema import (
    FILE_KEYS,
    FORMAT,
    LOCATOR_KEYS,
    NOTE_KEYS,
    PASSAGE_KEYS,
    TIMESTAMP_PATTERN,
    ULID_PATTERN,
    schema_problem,
)


@dataclass(frozen=True, slots=True)
class PassageFile:
    """The passages of one reference as read from its file."""

    citekey: str
    passages: tuple[Passage, ...]


_FILE_KEY_SET = frozenset(FILE_KEYS)
_PASSAGE_KEY_SET = frozenset(PASSAGE_KEYS)
_NOTE_KEY_SET = frozenset(NOTE_KEYS)
_LOCATOR_KEY_SET = frozenset(LOCATOR_KEYS)
_LABELS = frozenset(LOCATOR_LABELS)
_ULID_RE = re.compile(ULID_PATTERN)
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)


def read_passage_file(path: Path) -> PassageFile:
    """Read and validate one passage file, or raise `PassageFileError` naming the field."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PassageFileError(f"cannot read: {error.strerror}", path=path) from error
    return parse_passage_file(data, path)


def parse_passage_file(data: bytes, path: Path) -> PassageFile:
    """Validate the bytes of a passage file found at `path` and turn them into the model."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise PassageFileError(f"not UTF-8 ({error.reason})", path=path) from error
    except json.JSONDecodeError as error:
        raise PassageFileError(
            f"invalid JSON: {error.msg}", path=path, line=error.lineno
        ) from error
    decoded = decode_strictly(document)
    if decoded is None:
        problem = schema_problem(document)
        if problem is not None:
            field, message = problem
            raise PassageFileError(message, path=path, field=field)
        citekey = document["citekey"]
        decoded = PassageFile(
            citekey, tuple(passage_from_json(item, citekey) for item in document["passages"])
        )
    expected = path.name.removesuffix(".json")
    if decoded.citekey != expected:
        raise PassageFileError(
            f"{decoded.citekey!r} does not match the file name (expected {expected!r})",
            path=path,
            field="citekey",
        )
    _check_unique_ids(decoded.passages, path)
    return decoded


class _NotPlain(Exception):
    """Raised inside `decode_strictly` at the first value it is not sure of."""


def decode_strictly(document: Any) -> PassageFile | None:  # Any: JSON not yet validated
    """The model of a document that plainly satisfies `SCHEMA`, built in the same pass; else None.

    jsonschema takes about 0.4 ms per passage, too slow for a library of 100,000; this
    checks each value as it builds the model. It is never looser than the schema (a
    property test holds it to that); when it gives up (a broken file, or a value it is
    stricter about, such as `1.0` for an integer), the schema decides and names the field.
    """
    try:
        if type(document) is not dict or document.keys() != _FILE_KEY_SET:
            return None
        citekey = _text(document["citekey"])
        if document["format"] != FORMAT or type(document["passages"]) is not list:
            return None
        return PassageFile(
            citekey, tuple(_strict_passage(item, citekey) for item in document["passages"])
        )
    except (_NotPlain, KeyError, TypeError, AttributeError):
        return None


def _strict_passage(item: Any, citekey: str) -> Passage:  # Any: JSON not yet validated
    if type(item) is not dict or item.keys() != _PASSAGE_KEY_SET:
        raise _NotPlain
    quoted_in = item["quoted_in"]
    if quoted_in is not None:
        if type(quoted_in) is not dict or quoted_in.keys() != {"citekey", "locator"}:
            raise _NotPlain
        quoted_in = QuotedIn(_text(quoted_in["citekey"]), _strict_locator(quoted_in["locator"]))
    tags = item["tags"]
    notes = item["notes"]
    revision = item["revision"]
    if type(tags) is not list or type(notes) is not list:
        raise _NotPlain
    if type(revision) is not int or revision < 1:
        raise _NotPlain
    return Passage(
        id=_id(item["id"]),
        citekey=citekey,
        text=_text(item["text"]),
        locator=_strict_locator(item["locator"]),
        quoted_in=quoted_in,
        tags=tuple(_text(tag) for tag in tags),
        anchor=None if item["anchor"] is None else _strict_anchor(item["anchor"]),
        notes=tuple(_strict_note(note) for note in notes),
        created=_timestamp(item["created"]),
        modified=_timestamp(item["modified"]),
        revision=revision,
    )


def _strict_locator(item: Any) -> Locator | None:  # Any: JSON not yet validated
    if item is None:
        return None
    if type(item) is not dict or item.keys() != _LOCATOR_KEY_SET or item["label"] not in _LABELS:
        raise _NotPlain
    return Locator(item["label"], _text(item["value"]))


def _strict_note(item: Any) -> Note:  # Any: JSON not yet validated
    if type(item) is not dict or type(item.get("text")) is not str:
        raise _NotPlain
    keys = item.keys()
    if keys != _NOTE_KEY_SET and keys != _NOTE_KEY_SET | {"revision"}:
        raise _NotPlain
    revision = item.get("revision", 1)
    if type(revision) is not int or revision < 1:
        raise _NotPlain
    return Note(
        id=_id(item["id"]),
        text=item["text"],
        created=_timestamp(item["created"]),
        modified=_timestamp(item["modified"]),
        revision=revision,
    )


def _strict_anchor(item: Any) -> Anchor:  # Any: JSON not yet validated
    if type(item) is not dict or item.keys() != {"source", "quote", "position"}:
        raise _NotPlain
    source, quote, position = _text(item["source"]), item["quote"], item["position"]
    if "/" in source or "\\" in source:
        raise _NotPlain
    if type(quote) is not dict or quote.keys() != {"exact", "prefix", "suffix"}:
        raise _NotPlain
    prefix, suffix = quote["prefix"], quote["suffix"]
    if type(prefix) is not str or type(suffix) is not str:
        raise _NotPlain
    selector = None
    if position is not None:
        if type(position) is not dict or position.keys() != {"start", "end"}:
            raise _NotPlain
        start, end = position["start"], position["end"]
        if type(start) is not int or type(end) is not int or start < 0 or end < 0:
            raise _NotPlain
        selector = TextPositionSelector(start, end)
    return Anchor(
        source=source,
        quote=TextQuoteSelector(exact=_text(quote["exact"]), prefix=prefix, suffix=suffix),
        position=selector,
    )


def _text(value: Any) -> str:  # Any: JSON not yet validated
    if type(value) is not str or not value:
        raise _NotPlain
    return value


def _id(value: Any) -> str:  # Any: JSON not yet validated
    if type(value) is not str or _ULID_RE.fullmatch(value) is None:
        raise _NotPlain
    return value


def _timestamp(value: Any) -> str:  # Any: JSON not yet validated
    if type(value) is not str or _TIMESTAMP_RE.fullmatch(value) is None:
        raise _NotPlain
    return value


def _check_unique_ids(passages: tuple[Passage, ...], path: Path) -> None:
    ids = [passage.id for passage in passages]
    ids += [note.id for passage in passages for note in passage.notes]
    if len(set(ids)) == len(ids):
        return  # the usual case, checked without naming every field
    seen: set[str] = set()
    for index, passage in enumerate(passages):
        for field, identifier in [
            (f"passages.{index}.id", passage.id),
            *((f"passages.{index}.notes.{n}.id", note.id) for n, note in enumerate(passage.notes)),
        ]:
            if identifier in seen:
                raise PassageFileError(f"duplicate id {identifier!r}", path=path, field=field)
            seen.add(identifier)


def passage_file_bytes(citekey: str, passages: Iterable[Passage]) -> bytes:
    """The file's bytes: indent 2, sorted keys, UTF-8 as is, passages by id, final newline."""
    document = {
        "citekey": citekey,
        "format": FORMAT,
        "passages": [passage_to_json(p) for p in sorted(passages, key=lambda p: p.id)],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text.encode("utf-8")


def passage_to_json(passage: Passage) -> dict[str, Any]:  # Any: a JSON object
    """One passage as stored in its file (the citekey is the file's, so it is left out)."""
    return {
        "id": passage.id,
        "text": passage.text,
        "locator": locator_to_json(passage.locator),
        "quoted_in": None
        if passage.quoted_in is None
        else {
            "citekey": passage.quoted_in.citekey,
            "locator": locator_to_json(passage.quoted_in.locator),
        },
        "tags": list(passage.tags),
        "anchor": anchor_to_json(passage.anchor),
        "notes": [note_to_json(note) for note in passage.notes],
        "created": passage.created,
        "modified": passage.modified,
        "revision": passage.revision,
    }


def passage_from_json(item: Mapping[str, Any], citekey: str) -> Passage:  # Any: valid JSON
    """The model of one passage record that has passed the schema."""
    quoted_in = item["quoted_in"]
    return Passage(
        id=item["id"],
        citekey=citekey,
        text=item["text"],
        locator=locator_from_json(item["locator"]),
        quoted_in=None
        if quoted_in is None
        else QuotedIn(quoted_in["citekey"], locator_from_json(quoted_in["locator"])),
        tags=tuple(item["tags"]),
        anchor=anchor_from_json(item["anchor"]),
        notes=tuple(note_from_json(note) for note in item["notes"]),
        created=item["created"],
        modified=item["modified"],
        revision=item["revision"],
    )


def locator_to_json(locator: Locator | None) -> dict[str, str] | None:
    """`{"label": ..., "value": ...}` or null."""
    return None if locator is None else {"label": locator.label, "value": locator.value}


def locator_from_json(item: Mapping[str, str] | None) -> Locator | None:
    """The inverse of `locator_to_json`."""
    return None if item is None else Locator(item["label"], item["value"])


def note_to_json(note: Note) -> dict[str, Any]:  # Any: a JSON object
    """`{id, text, created, modified, revision}`, as in the files and the public JSON."""
    return {
        "id": note.id,
        "text": note.text,
        "created": note.created,
        "modified": note.modified,
        "revision": note.revision,
    }


def note_from_json(item: Mapping[str, Any]) -> Note:  # Any: valid JSON
    """The inverse of `note_to_json`; a note written before notes had revisions is at 1."""
    return Note(
        id=item["id"],
        text=item["text"],
        created=item["created"],
        modified=item["modified"],
        revision=item.get("revision", 1),
    )


def anchor_to_json(anchor: Anchor | None) -> dict[str, Any] | None:  # Any: a JSON object
    """The anchor with its W3C quote and position selectors, or null."""
    if anchor is None:
        return None
    position = anchor.position
    return {
        "source": anchor.source,
        "quote": {
            "exact": anchor.quote.exact,
            "prefix": anchor.quote.prefix,
            "suffix": anchor.quote.suffix,
        },
        "position": None if position is None else {"start": position.start, "end": position.end},
    }


def anchor_from_json(item: Mapping[str, Any] | None) -> Anchor | None:  # Any: valid JSON
    """The inverse of `anchor_to_json`."""
    if item is None:
        return None
    quote, position = item["quote"], item["position"]
    return Anchor(
        source=item["source"],
        quote=TextQuoteSelector(
            exact=quote["exact"], prefix=quote["prefix"], suffix=quote["suffix"]
        ),
        position=None
        if position is None
        else TextPositionSelector(position["start"], position["end"]),
    )
