"""Passages and notes from a Hypothes.is JSON export, each joined to the reference it annotates.

Hypothes.is annotations carry `uri`, `text` (the user's note, Markdown), `tags`, `created`,
`updated` and `target[].selector[]`, whose TextQuoteSelector holds the quoted words. An
annotation joins the reference whose URL, DOI or ISBN matches its `uri` (or its target's
source); the caller passes that mapping, so this module needs no reference store. Page
notes (no quote) and annotations matching no reference are listed, not imported; replies
become notes of the passage they answer. Ids derive from the Hypothes.is ids, so importing
the same export twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from annotations.identifiers import identifier_key
from annotations.ids import timestamp_or_default
from annotations.model import Note, Passage
from annotations.progress import REPORT_EVERY, Progress, no_progress
from annotations.webanno import (
    AnnotationImport,
    InvalidAnnotationDocument,
    SkippedAnnotation,
    derived_ulid,
)


def import_hypothesis(
    document: Any,  # Any: JSON
    match: Mapping[str, str],
    progress: Progress = no_progress,
) -> AnnotationImport:
    """Passages from a Hypothes.is export; `match` maps `identifier_key`s to citekeys."""
    rows = _rows(document)
    result = AnnotationImport()
    by_hypothesis_id: dict[str, int] = {}
    replies: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(rows):
        if index % REPORT_EVERY == 0:
            progress("matching", index, len(rows))
        if not isinstance(row, dict):
            result.skipped.append(SkippedAnnotation(index, "", "not a JSON object"))
            continue
        if _list(row.get("references")):
            replies.append((index, row))
            continue
        source = _source(row)
        citekey = _citekey(row, match)
        quote = _quote(row)
        if citekey is None:
            reason = "matches no reference's DOI, URL or ISBN"
            result.skipped.append(SkippedAnnotation(index, source, reason))
        elif quote is None:
            reason = "a page note (no quoted text)"
            result.skipped.append(SkippedAnnotation(index, source, reason))
        else:
            by_hypothesis_id[str(row.get("id", index))] = len(result.passages)
            result.passages.append(_passage(row, citekey, quote))
    # Replies gathered per passage first: adding them one at a time would copy a passage's
    # notes once per reply, quadratic in a thread of a thousand replies.
    reply_notes: dict[int, list[Note]] = {}
    for index, row in replies:
        parent = by_hypothesis_id.get(str(_list(row.get("references"))[0]))
        text = row.get("text")
        if parent is None or not isinstance(text, str) or not text.strip():
            reason = "a reply to an annotation that was not imported"
            result.skipped.append(SkippedAnnotation(index, _source(row), reason))
            continue
        reply_notes.setdefault(parent, []).append(_note(row, text))
    for parent, notes in reply_notes.items():
        passage = result.passages[parent]
        result.passages[parent] = replace(passage, notes=(*passage.notes, *notes))
    progress("matching", len(rows), len(rows))
    return result


def _rows(document: Any) -> list[Any]:  # Any: JSON not yet validated
    """The annotations of the web app's export, of an API search result, or a bare list."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("annotations", "rows"):
            if isinstance(document.get(key), list):
                rows: list[Any] = document[key]
                return rows
    raise InvalidAnnotationDocument(
        "expected a Hypothes.is export: a list of annotations, or an object with "
        "'annotations' or 'rows'"
    )


def _source(row: dict[str, Any]) -> str:  # Any: JSON
    uri = row.get("uri")
    if isinstance(uri, str) and uri:
        return uri
    for target in _list(row.get("target")):
        if isinstance(target, dict) and isinstance(target.get("source"), str):
            return str(target["source"])
    return ""


def _citekey(row: dict[str, Any], match: Mapping[str, str]) -> str | None:  # Any: JSON
    candidates: list[object] = [row.get("uri")]
    candidates += [t.get("source") for t in _list(row.get("target")) if isinstance(t, dict)]
    candidates += _document_identifiers(row.get("document"))
    for candidate in candidates:
        if isinstance(candidate, str):
            key = identifier_key(candidate)
            if key is not None and key in match:
                return match[key]
    return None


def _document_identifiers(document: Any) -> list[object]:  # Any: JSON
    """The links and DOIs Hypothes.is found in the page's metadata."""
    if not isinstance(document, dict):
        return []
    found: list[object] = []
    links = document.get("link")
    if isinstance(links, list):
        found += [link.get("href") for link in links if isinstance(link, dict)]
    for scheme in ("highwire", "dc"):
        metadata = document.get(scheme)
        if isinstance(metadata, dict):
            for name in ("doi", "identifier"):
                values = metadata.get(name)
                if isinstance(values, list):
                    found += [f"doi:{value}" for value in values if isinstance(value, str)]
    return found


def _quote(row: dict[str, Any]) -> str | None:  # Any: JSON
    for target in _list(row.get("target")):
        if not isinstance(target, dict):
            continue
        for selector in _list(target.get("selector")):
            if (
                isinstance(selector, dict)
                and selector.get("type") == "TextQuoteSelector"
                and isinstance(selector.get("exact"), str)
                and selector["exact"].strip()
            ):
                exact: str = selector["exact"]
                return exact
    return None


def _passage(row: dict[str, Any], citekey: str, quote: str) -> Passage:  # Any: JSON
    created = timestamp_or_default(row.get("created"))
    text = row.get("text")
    tags = tuple(
        dict.fromkeys(t.strip() for t in _list(row.get("tags")) if isinstance(t, str) and t.strip())
    )
    return Passage(
        id=derived_ulid(f"hypothesis:{row.get('id', quote)}", created),
        citekey=citekey,
        text=quote,
        tags=tags,
        notes=(_note(row, text),) if isinstance(text, str) and text.strip() else (),
        created=created,
        modified=timestamp_or_default(row.get("updated"), created),
    )


def _note(row: dict[str, Any], text: str) -> Note:  # Any: JSON
    created = timestamp_or_default(row.get("created"))
    return Note(
        id=derived_ulid(f"hypothesis-note:{row.get('id', text)}", created),
        text=text,
        created=created,
        modified=timestamp_or_default(row.get("updated"), created),
    )


def _list(value: Any) -> list[Any]:  # Any: JSON
    """A JSON value that should be a list, as one (anything else is no items at all)."""
    return value if isinstance(value, list) else []
