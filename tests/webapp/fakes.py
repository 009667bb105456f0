"""Small in-memory stand-ins for the search, citation and export services.

They behave like the real ones as far as the web layer can tell (shapes, errors), reading
the real passage service, so the views are tested against the contract before the real
search index, citation formatter and exporter are wired in.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from annotations.model import Locator
from index.results import SearchHit, SearchResult
from refs.store import ReferenceStore
from webapp.passage_service import PassageService


class FakeSearch:
    """Case-insensitive word search over the stored passages, answering the contract's shape."""

    def __init__(self, passages: PassageService) -> None:
        self.passages = passages
        self.queries: list[str] = []

    def prepare(self) -> None:
        return None

    def reindex(self) -> int:
        return len(self.passages.passages())

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        self.queries.append(query)
        words = [w.casefold() for w in query.split() if ":" not in w]
        filters = dict(w.split(":", 1) for w in query.split() if ":" in w)
        found = [
            p
            for p in self.passages.passages()
            if words
            and all(w in p.text.casefold() for w in words)
            and filters.get("citekey", p.citekey) == p.citekey
        ]
        hits = tuple(
            SearchHit(
                kind="passage",
                id=p.id,
                citekey=p.citekey,
                text=p.text,
                snippet=_snippet(p.text, words),
                locator=p.locator,
                score=1.0,
                passage_id=p.id,
            )
            for p in found[offset : offset + limit]
        )
        citekeys: dict[str, int] = {}
        for p in found:
            citekeys[p.citekey] = citekeys.get(p.citekey, 0) + 1
        return SearchResult(
            query=query,
            total=len(found),
            offset=offset,
            hits=hits,
            facets={"citekey": citekeys, "year": {}, "tag": {}, "kind": {}},
        )


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

    def __init__(self, refs: ReferenceStore, passages: PassageService) -> None:
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
