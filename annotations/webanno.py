"""W3C Web Annotation JSON-LD: passages and notes out as an AnnotationCollection, and back.

One Annotation per passage. Its target's source is the reference's DOI, URL or ISBN (else
a `urn:florilegium:citekey:` IRI), with the quote in a TextQuoteSelector and, when the
passage is anchored in a full text, a TextPositionSelector. Notes are TextualBody bodies
with purpose `commenting` (Markdown), tags TextualBody bodies with purpose `tagging`. What
the standard has no term for (citekey, locator, "quoted in", revision, the full text's
name) rides in one `florilegium` property, a JSON literal in the JSON-LD context (on a
note's body: its revision, when past 1), so an export imports back without loss.
Annotations from elsewhere import too, matched to a reference by their target's source.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ulid import ULID

from annotations.errors import AnnotationError, PassageFileError
from annotations.identifiers import identifier_key
from annotations.ids import new_id, timestamp_or_default
from annotations.importids import RenamedId
from annotations.model import (
    Anchor,
    Locator,
    Note,
    Passage,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)
from annotations.passagefile import (
    locator_from_json,
    locator_to_json,
    parse_passage_file,
    passage_file_bytes,
)
from annotations.passageschema import ULID_PATTERN
from annotations.progress import REPORT_EVERY, Progress, no_progress

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EXTENSION = "florilegium"
EXTENSION_IRI = "urn:florilegium:ns:passage"
PASSAGE_URN = "urn:florilegium:passage:"
NOTE_URN = "urn:florilegium:note:"
CONTEXT: list[Any] = [  # Any: JSON-LD context entries are strings or objects
    ANNOTATION_CONTEXT,
    {"@version": 1.1, EXTENSION: {"@id": EXTENSION_IRI, "@type": "@json"}},
]

JsonObject = dict[str, Any]  # Any: values of a JSON document


class InvalidAnnotationDocument(AnnotationError, ValueError):
    """A document that is not W3C annotations (or a Hypothes.is export) at all."""


@dataclass(frozen=True, slots=True)
class SkippedAnnotation:
    """An annotation left out of an import, with its place, its source and why."""

    index: int
    source: str
    reason: str

    def __str__(self) -> str:
        return f"annotation {self.index} ({self.source or 'no source'}): {self.reason}"


@dataclass(slots=True)
class AnnotationImport:
    """What an import found (or, once stored, added): the passages, the annotations left
    out, and once stored the passages the library held already and the ids renamed."""

    passages: list[Passage] = field(default_factory=list)
    skipped: list[SkippedAnnotation] = field(default_factory=list)
    present: list[Passage] = field(default_factory=list)
    renamed: list[RenamedId] = field(default_factory=list)


def export_collection(
    passages: Iterable[Passage],
    source_for: Callable[[str], str],
    *,
    label: str = "Florilegium passages",
) -> JsonObject:
    """An AnnotationCollection of `passages`; `source_for(citekey)` names each reference."""
    items = [passage_to_annotation(passage, source_for(passage.citekey)) for passage in passages]
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def passage_to_annotation(passage: Passage, source: str) -> JsonObject:
    """One passage as a W3C Annotation (without the @context, which the collection carries)."""
    bodies: list[JsonObject] = [
        {
            "id": NOTE_URN + note.id,
            "type": "TextualBody",
            "purpose": "commenting",
            "format": "text/markdown",
            "value": note.text,
            "created": note.created,
            "modified": note.modified,
        }
        | ({EXTENSION: {"revision": note.revision}} if note.revision != 1 else {})
        for note in passage.notes
    ]
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in passage.tags]
    anchor = passage.anchor
    quote = anchor.quote if anchor else TextQuoteSelector(exact=passage.text)
    selectors: list[JsonObject] = [
        {"type": "TextQuoteSelector", "exact": quote.exact}
        | ({"prefix": quote.prefix} if quote.prefix else {})
        | ({"suffix": quote.suffix} if quote.suffix else {})
    ]
    if anchor is not None and anchor.position is not None:
        selectors.append(
            {
                "type": "TextPositionSelector",
                "start": anchor.position.start,
                "end": anchor.position.end,
            }
        )
    extension: JsonObject = {
        "citekey": passage.citekey,
        "locator": locator_to_json(passage.locator),
        "quotedIn": None
        if passage.quoted_in is None
        else {
            "citekey": passage.quoted_in.citekey,
            "locator": locator_to_json(passage.quoted_in.locator),
        },
        "revision": passage.revision,
    }
    if anchor is not None:
        extension["anchorSource"] = anchor.source
        if anchor.quote.exact != passage.text:
            extension["text"] = passage.text
        if anchor.position is None:
            extension["unpositioned"] = True
    return {
        "id": PASSAGE_URN + passage.id,
        "type": "Annotation",
        "motivation": "commenting" if passage.notes else "highlighting",
        "created": passage.created,
        "modified": passage.modified,
        "body": bodies,
        "target": {"source": source, "selector": selectors},
        EXTENSION: extension,
    }


def import_collection(
    document: Any,  # Any: JSON
    match: Mapping[str, str],
    progress: Progress = no_progress,
) -> AnnotationImport:
    """Passages from W3C annotations; `match` maps `identifier_key`s to citekeys.

    An annotation from our own export joins the citekey it names when `match` knows it as
    `citekey:KEY`; any other joins the reference its target's source identifies. The rest
    are listed in `skipped`, never guessed.
    """
    result = AnnotationImport()
    items = annotation_items(document)
    found: list[tuple[int, str, Passage]] = []
    for index, item in enumerate(items):
        if index % REPORT_EVERY == 0:
            progress("matching", index, len(items))
        try:
            found.append((index, *_annotation_to_passage(item, match)))
        except _Skip as skip:
            result.skipped.append(SkippedAnnotation(index, skip.source, skip.reason))
    storable = _checked_together([passage for _, _, passage in found])
    for index, source, passage in found:
        try:
            result.passages.append(
                passage if id(passage) in storable else _checked(passage, source)
            )
        except _Skip as skip:
            result.skipped.append(SkippedAnnotation(index, skip.source, skip.reason))
    result.skipped.sort(key=lambda skipped: skipped.index)
    progress("matching", len(items), len(items))
    return result


def _checked_together(passages: list[Passage]) -> set[int]:
    """The `id`s of those `passages` that passage files would hold, checked one file's
    worth per reference at once (checking each alone was a tenth of a large import); a
    group that fails is left to `_checked` passage by passage, which names the culprit."""
    by_citekey: dict[str, list[Passage]] = {}
    for passage in passages:
        by_citekey.setdefault(passage.citekey, []).append(passage)
    storable: set[int] = set()
    for citekey, group in by_citekey.items():
        try:
            parse_passage_file(passage_file_bytes(citekey, group), Path(f"{citekey}.json"))
        except PassageFileError:
            continue
        storable.update(id(passage) for passage in group)
    return storable


def annotation_items(document: Any) -> list[Any]:  # Any: JSON not yet validated
    """The annotations of a collection (its embedded pages), a page, a list or just one."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise InvalidAnnotationDocument("expected a JSON object or list of annotations")
    kind = document.get("type")
    if kind == "Annotation":
        return [document]
    if kind == "AnnotationPage":
        return _page_items(document, "items")
    if kind == "AnnotationCollection":
        items: list[Any] = []
        page, where = document.get("first"), "first"
        while isinstance(page, dict):
            items.extend(_page_items(page, f"{where}.items"))
            page, where = page.get("next"), f"{where}.next"
        return items
    raise InvalidAnnotationDocument(
        f"type: expected Annotation, AnnotationPage or AnnotationCollection, got {kind!r}"
    )


def _page_items(page: dict[str, Any], where: str) -> list[Any]:  # Any: JSON
    items = page.get("items", [])
    if not isinstance(items, list):
        raise InvalidAnnotationDocument(f"{where}: expected a list of annotations")
    return items


class _Skip(Exception):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(reason)
        self.source, self.reason = source, reason


def _annotation_to_passage(
    item: Any,  # Any: JSON
    match: Mapping[str, str],
) -> tuple[str, Passage]:
    """The annotation's target source and its passage (not yet checked as storable)."""
    if not isinstance(item, dict):
        raise _Skip("", "not a JSON object")
    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, str):
        target = {"source": target}
    if not isinstance(target, dict):
        raise _Skip("", "target: missing")
    source = str(target.get("source", ""))
    extension = item.get(EXTENSION) or item.get(EXTENSION_IRI) or {}
    citekey = _matched_citekey(source, extension, match)
    selectors = _selectors(target.get("selector"))
    quote_selector = selectors.get("TextQuoteSelector")
    if quote_selector is None or not str(quote_selector.get("exact", "")).strip():
        raise _Skip(source, "no TextQuoteSelector with the quoted text")
    quote = TextQuoteSelector(
        exact=str(quote_selector["exact"]),
        prefix=str(quote_selector.get("prefix", "")),
        suffix=str(quote_selector.get("suffix", "")),
    )
    created = timestamp_or_default(item.get("created"))
    modified = timestamp_or_default(item.get("modified"), created)
    notes, tags = _bodies(item.get("body"), created)
    passage = Passage(
        id=_passage_id(item.get("id"), created),
        citekey=citekey,
        text=str(extension.get("text", quote.exact)),
        locator=_locator(extension.get("locator")),
        quoted_in=_quoted_in(extension.get("quotedIn")),
        tags=tags,
        anchor=_anchor(extension, quote, selectors.get("TextPositionSelector")),
        notes=notes,
        created=created,
        modified=modified,
        revision=_revision(extension.get("revision")),
    )
    return source, passage


def _matched_citekey(source: str, extension: Any, match: Mapping[str, str]) -> str:  # Any: JSON
    named = extension.get("citekey") if isinstance(extension, dict) else None
    if isinstance(named, str) and f"citekey:{named}" in match:
        return match[f"citekey:{named}"]
    key = identifier_key(source)
    if key is not None and key in match:
        return match[key]
    raise _Skip(source, "matches no reference's DOI, URL or ISBN")


def _selectors(value: Any) -> dict[str, JsonObject]:  # Any: JSON
    """The selectors by type (the first of each), including a refinedBy chain's."""
    found: dict[str, JsonObject] = {}
    pending = value if isinstance(value, list) else [value]
    while pending:
        selector = pending.pop(0)
        if isinstance(selector, dict):
            found.setdefault(str(selector.get("type")), selector)
            if "refinedBy" in selector:
                pending.append(selector["refinedBy"])
    return found


def _bodies(value: Any, created: str) -> tuple[tuple[Note, ...], tuple[str, ...]]:  # Any: JSON
    notes: list[Note] = []
    tags: list[str] = []
    for body in value if isinstance(value, list) else [value]:
        if isinstance(body, str):
            body = {"type": "TextualBody", "value": body}
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        text = body["value"]
        if body.get("purpose") == "tagging":
            if text.strip() and text.strip() not in tags:
                tags.append(text.strip())
        elif text.strip():
            note_created = timestamp_or_default(body.get("created"), created)
            extension = body.get(EXTENSION)
            notes.append(
                Note(
                    id=_note_id(body.get("id"), note_created, text),
                    text=text,
                    created=note_created,
                    modified=timestamp_or_default(body.get("modified"), note_created),
                    revision=_revision(
                        extension.get("revision") if isinstance(extension, dict) else None
                    ),
                )
            )
    return tuple(notes), tuple(tags)


def _anchor(
    extension: Any,  # Any: JSON
    quote: TextQuoteSelector,
    position: JsonObject | None,
) -> Anchor | None:
    source = extension.get("anchorSource") if isinstance(extension, dict) else None
    if not isinstance(source, str) or not source:
        return None
    selector = None
    if position is not None and not extension.get("unpositioned"):
        start, end = position.get("start"), position.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end:
            selector = TextPositionSelector(start, end)
    return Anchor(source=source, quote=quote, position=selector)


def _locator(value: Any) -> Locator | None:  # Any: JSON
    if isinstance(value, dict) and isinstance(value.get("label"), str):
        return locator_from_json({"label": value["label"], "value": str(value.get("value", ""))})
    return None


def _quoted_in(value: Any) -> QuotedIn | None:  # Any: JSON
    if isinstance(value, dict) and isinstance(value.get("citekey"), str):
        return QuotedIn(value["citekey"], _locator(value.get("locator")))
    return None


def _revision(value: Any) -> int:  # Any: JSON
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _passage_id(value: Any, created: str) -> str:  # Any: JSON
    """Our own id back from `urn:florilegium:passage:ID`; a stable new one for others."""
    return _stable_id(value, PASSAGE_URN, created)


def _note_id(value: Any, created: str, text: str) -> str:  # Any: JSON
    return _stable_id(value if value is not None else text, NOTE_URN, created)


def _stable_id(value: Any, prefix: str, created: str) -> str:  # Any: JSON
    """Ids from another tool become ULIDs derived from them, so importing twice adds nothing."""
    if isinstance(value, str):
        own = value.removeprefix(prefix)
        if value.startswith(prefix) and _is_ulid(own):
            return own
        return derived_ulid(value, created)
    return new_id()


def derived_ulid(seed: str, created: str) -> str:
    """A ULID with `created`'s time and randomness taken from a hash of `seed`."""
    milliseconds = int(_epoch_seconds(created) * 1000)
    digest = hashlib.blake2b(seed.encode("utf-8"), digest_size=10).digest()
    return str(ULID.from_bytes(milliseconds.to_bytes(6, "big") + digest))


def _epoch_seconds(timestamp: str) -> float:
    return max(0.0, datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp())


def _is_ulid(value: str) -> bool:
    return re.fullmatch(ULID_PATTERN, value) is not None


def _checked(passage: Passage, source: str) -> Passage:
    """The passage if a passage file could hold it; otherwise the annotation is skipped."""
    try:
        data = passage_file_bytes(passage.citekey, [passage])
        parse_passage_file(data, Path(f"{passage.citekey}.json"))
    except PassageFileError as problem:
        field = problem.field.replace("passages.0.", "")
        raise _Skip(source, f"{field}: {problem.message}") from problem
    return passage
