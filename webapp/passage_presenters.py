"""The JSON shapes of passages and notes in the public contract (`quote show --json`)."""

from __future__ import annotations

from typing import Any

from annotations.model import Anchor, Locator, Note, Passage


def locator_json(locator: Locator | None) -> dict[str, str] | None:
    """`{label, value}`, or None."""
    return None if locator is None else {"label": locator.label, "value": locator.value}


def note_json(note: Note) -> dict[str, Any]:
    """`{id, text, created, modified}`."""
    return {"id": note.id, "text": note.text, "created": note.created, "modified": note.modified}


def anchor_json(anchor: Anchor | None) -> dict[str, Any] | None:
    """Where the passage sits in its source text, as in the passage files."""
    if anchor is None:
        return None
    quote = {"exact": anchor.quote.exact, "prefix": anchor.quote.prefix}
    quote["suffix"] = anchor.quote.suffix
    position = anchor.position
    return {
        "source": anchor.source,
        "quote": quote,
        "position": None if position is None else {"start": position.start, "end": position.end},
    }


def passage_json(passage: Passage) -> dict[str, Any]:
    """One passage: `{id, citekey, text, locator, quoted_in, tags, notes, created, modified}`."""
    quoted_in = passage.quoted_in
    return {
        "id": passage.id,
        "citekey": passage.citekey,
        "text": passage.text,
        "locator": locator_json(passage.locator),
        "quoted_in": None
        if quoted_in is None
        else {"citekey": quoted_in.citekey, "locator": locator_json(quoted_in.locator)},
        "tags": list(passage.tags),
        "anchor": anchor_json(passage.anchor),
        "notes": [note_json(note) for note in passage.notes],
        "created": passage.created,
        "modified": passage.modified,
        "revision": passage.revision,
    }
