"""Small in-memory stand-ins for the passage, search, citation and export services.

They behave like the real ones as far as the web layer can tell (ids, errors, ordering),
so the views are tested against the contract before the real services are wired in.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from annotations.errors import AnnotationError
from annotations.model import Anchor, Locator, Note, Passage, QuotedIn
from refs.store import ReferenceStore

STAMP = "2026-11-23T18:00:00Z"


class UnknownPassage(AnnotationError, LookupError):
    """No passage or note with that id."""

    def __init__(self, what: str, record_id: str) -> None:
        super().__init__(f"unknown {what} '{record_id}'")
        self.field = "id"


class FakePassages:
    """Passages in a dict, with ids P1, P2... and notes N1, N2..."""

    def __init__(self) -> None:
        self.records: dict[str, Passage] = {}
        self._ids = itertools.count(1)

    def find(self, citekey: str | None = None) -> list[Passage]:
        chosen = [p for p in self.records.values() if citekey in (None, p.citekey)]
        return sorted(chosen, key=lambda p: (p.locator.value if p.locator else "", p.id))

    def get(self, passage_id: str) -> Passage:
        try:
            return self.records[passage_id]
        except KeyError:
            raise UnknownPassage("passage", passage_id) from None

    def add(
        self,
        citekey: str,
        text: str,
        *,
        locator: Locator | None = None,
        quoted_in: QuotedIn | None = None,
        tags: Sequence[str] = (),
        anchor: Anchor | None = None,
    ) -> Passage:
        passage = Passage(
            id=f"P{next(self._ids)}",
            citekey=citekey,
            text=text,
            locator=locator,
            quoted_in=quoted_in,
            tags=tuple(tags),
            anchor=anchor,
            created=STAMP,
            modified=STAMP,
        )
        self.records[passage.id] = passage
        return passage

    def edit(
        self,
        passage_id: str,
        *,
        text: str | None = None,
        locator: Locator | None = None,
        tags: Sequence[str] | None = None,
    ) -> Passage:
        passage = self.get(passage_id)
        changed = replace(
            passage,
            text=passage.text if text is None else text,
            locator=passage.locator if locator is None else locator,
            tags=passage.tags if tags is None else tuple(tags),
            revision=passage.revision + 1,
        )
        self.records[passage_id] = changed
        return changed

    def delete(self, passage_id: str) -> None:
        self.get(passage_id)
        del self.records[passage_id]

    def add_note(self, passage_id: str, text: str) -> Note:
        passage = self.get(passage_id)
        note = Note(id=f"N{next(self._ids)}", text=text, created=STAMP, modified=STAMP)
        self.records[passage_id] = replace(passage, notes=(*passage.notes, note))
        return note

    def _owner(self, note_id: str) -> Passage:
        for passage in self.records.values():
            if any(note.id == note_id for note in passage.notes):
                return passage
        raise UnknownPassage("note", note_id)

    def edit_note(self, note_id: str, text: str) -> Note:
        passage = self._owner(note_id)
        notes = tuple(replace(n, text=text) if n.id == note_id else n for n in passage.notes)
        self.records[passage.id] = replace(passage, notes=notes)
        return next(n for n in notes if n.id == note_id)

    def delete_note(self, note_id: str) -> None:
        passage = self._owner(note_id)
        notes = tuple(n for n in passage.notes if n.id != note_id)
        self.records[passage.id] = replace(passage, notes=notes)


class FakeSearch:
    """Case-insensitive word search over the fake passages, answering the contract's shape."""

    def __init__(self, passages: FakePassages) -> None:
        self.passages = passages
        self.queries: list[str] = []

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
        self.queries.append(query)
        words = [w.casefold() for w in query.split() if ":" not in w]
        filters = dict(w.split(":", 1) for w in query.split() if ":" in w)
        found = [
            p
            for p in self.passages.find()
            if words
            and all(w in p.text.casefold() for w in words)
            and filters.get("citekey", p.citekey) == p.citekey
        ]
        hits = [
            {
                "kind": "passage",
                "id": p.id,
                "citekey": p.citekey,
                "text": p.text,
                "snippet": _snippet(p.text, words),
                "locator": None
                if p.locator is None
                else {"label": p.locator.label, "value": p.locator.value},
                "score": 1.0,
            }
            for p in found[offset : offset + limit]
        ]
        citekeys: dict[str, int] = {}
        for p in found:
            citekeys[p.citekey] = citekeys.get(p.citekey, 0) + 1
        return {
            "query": query,
            "total": len(found),
            "offset": offset,
            "hits": hits,
            "facets": {"citekey": citekeys, "year": {}, "tag": {}},
        }


def _snippet(text: str, words: list[str]) -> str:
    escaped = html.escape(text)
    for word in words:
        start = escaped.casefold().find(html.escape(word))
        if start >= 0:
            end = start + len(html.escape(word))
            escaped = f"{escaped[:start]}<mark>{escaped[start:end]}</mark>{escaped[end:]}"
    return escaped


class FakeCitations:
    """'Author. Title. Year.' in every style, enough to see the wiring."""

    def __init__(self, refs: ReferenceStore, passages: FakePassages) -> None:
        self.refs, self.passages = refs, passages

    def cite(
        self,
        citekey: str,
        *,
        style: str,
        locator: Locator | None = None,
        mode: str = "bibliography",
        output: str = "text",
    ) -> str:
        reference = self.refs.get(citekey)
        text = f"{reference.text('author')}. {reference.text('title')}. {reference.text('year')}."
        if locator is not None:
            text += f" {locator.value}."
        text = f"[{style}/{mode}] {text}"
        return f'<div class="csl-entry">{html.escape(text)}</div>' if output == "html" else text

    def cite_passage(self, passage_id: str, *, style: str, output: str = "text") -> str:
        passage = self.passages.get(passage_id)
        page = f" {passage.locator.value}" if passage.locator else ""
        return f"“{passage.text}” ({self.refs.get(passage.citekey).text('author')}{page})."

    def styles(self) -> list[str]:
        return ["mla", "chicago", "apa"]


class FakeExports:
    """BibTeX export straight from the entries' own text."""

    def __init__(self, refs: ReferenceStore) -> None:
        self.refs = refs
        self.calls: list[dict[str, Any]] = []

    def export(
        self,
        citekeys: Sequence[str],
        *,
        query: str | None = None,
        output: str,
        style: str | None = None,
        notes: bool = False,
    ) -> str:
        self.calls.append({"citekeys": list(citekeys), "query": query, "output": output})
        chosen = [r for r in self.refs.references() if not citekeys or r.citekey in citekeys]
        return "\n\n".join(r.raw for r in chosen) + "\n"
