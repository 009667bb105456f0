"""Running a query on a Whoosh searcher: one page of hits with highlighted snippets, facets.

Only the hits on the page are highlighted (highlighting re-analyses the text, the costly
part of a search); the best hits are ranked again (`index/ranking.py`); facets are counted
over every match from sortable columns.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

from whoosh.collectors import TopCollector
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter
from whoosh.query import Query
from whoosh.searching import Hit, Searcher

from annotations.model import Locator
from index.ranking import RERANKED_HITS, Candidate, ranking_words, reranked
from index.results import FACET_NAMES, SearchHit, SearchResult

SNIPPET_CHARS = 240
_FRAGMENT_SEPARATOR = " … "
# The field whose matched terms are marked in a hit's text.
_HIGHLIGHT_FIELD = "body"


class MarkFormatter(Formatter):  # type: ignore[misc]  # whoosh is untyped
    """Matched words in `<mark>`, every other character HTML-escaped."""

    between = _FRAGMENT_SEPARATOR

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:  # Any: Token
        """One matched word, escaped, inside `<mark>`."""
        return f"<mark>{self._text(text[token.startchar : token.endchar])}</mark>"


_HIGHLIGHTER = Highlighter(
    fragmenter=ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80),
    formatter=MarkFormatter(),
)


class _CountingCollector(TopCollector):  # type: ignore[misc]  # whoosh is untyped
    """The top hits, and the number of every match: one pass over the postings for both.

    Whoosh's own count re-runs the query without scoring, which can disagree with the scored
    pass (it did for `a ANDNOT b`); here the total and the facets come from the same pass.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False)
        # Whoosh otherwise swaps in a "more efficient" matcher that drops clauses whose
        # estimated best score is below the current minimum; with field boosts the estimate
        # is wrong, so the top hits would depend on the page size.
        self.replace = 0
        self.matched: list[int] = []

    def _collect(self, global_docnum: int, score: float) -> float:
        self.matched.append(global_docnum)
        return float(super()._collect(global_docnum, score))


def run_search(
    searcher: Searcher,
    query: Query,
    *,
    text: str,
    limit: int,
    offset: int,
    facet_columns: FacetColumns,
) -> SearchResult:
    """One page of results for `query`, whose original text was `text`."""
    collector = _CountingCollector(limit=max(RERANKED_HITS, offset + limit))
    searcher.search_with_collector(query, collector)
    results = collector.results()
    ranked = reranked(
        [_candidate(searcher, score, docnum) for score, docnum in results.top_n],
        ranking_words(text),
    )
    page = ranked[offset : offset + limit] if limit > 0 else []
    return SearchResult(
        query=text,
        total=len(collector.matched),
        offset=offset,
        hits=tuple(_hit(Hit(results, docnum, pos=0, score=score)) for score, docnum in page),
        facets=_facets(facet_columns.of(searcher), collector.matched),
    )


def _candidate(searcher: Searcher, score: float, docnum: int) -> Candidate:
    stored = searcher.stored_fields(docnum)
    return Candidate(
        docnum=docnum,
        score=score,
        kind=stored.get("kind", ""),
        text=stored.get("text", ""),
        authors=stored.get("authors", ""),
    )


def _hit(hit: Hit) -> SearchHit:
    fields = hit.fields()
    kind = fields.get("kind", "")
    locator = fields.get("locator")
    return SearchHit(
        kind=kind,
        id=fields.get("id", ""),
        citekey=fields.get("citekey", ""),
        text=fields.get("text", ""),
        snippet=_snippet(hit, kind, fields.get("text", "")),
        score=round(float(hit.score or 0.0), 4),
        locator=Locator(*locator) if locator else None,
        passage_id=fields.get("passage_id", ""),
    )


def _snippet(hit: Hit, kind: str, text: str) -> str:
    """The best fragments of `text` around the words that matched, else its beginning."""
    highlighted = _HIGHLIGHTER.highlight_hit(hit, _HIGHLIGHT_FIELD, text=text, top=2)
    if highlighted:
        return str(highlighted)
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


class FacetColumns:
    """The facet values of every document, read from the columns once per segment.

    Counting facets touches every match; reading Whoosh columns costs microseconds a value,
    plain list indexing a fraction of that. Segments never change once written (deletions
    are kept apart), so their values are cached by segment id across searchers.
    """

    NAMES = ("citekey", "year", "kind", "tags")

    def __init__(self) -> None:
        self._segments: dict[str, dict[str, list[Any]]] = {}  # Any: column values
        self._key: tuple[str, ...] = ()
        self._merged: dict[str, list[Any]] = {name: [] for name in self.NAMES}

    def of(self, searcher: Searcher) -> dict[str, list[Any]]:
        """Every facet column of `searcher`'s index, indexable by global document number."""
        # An empty index has one reader without a segment, and no documents.
        leaves = [
            reader
            for reader, _offset in searcher.reader().leaf_readers()
            if reader.segment() is not None
        ]
        key = tuple(reader.segment().segment_id() for reader in leaves)
        if key != self._key:
            segments = {
                segment_id: self._segment(reader)
                for segment_id, reader in zip(key, leaves, strict=True)
            }
            self._segments = segments
            self._merged = {
                name: [value for segment_id in key for value in segments[segment_id][name]]
                for name in self.NAMES
            }
            self._key = key
        return self._merged

    def _segment(self, reader: Any) -> dict[str, list[Any]]:  # Any: a whoosh SegmentReader
        cached = self._segments.get(reader.segment().segment_id())
        if cached is not None:
            return cached
        size = reader.doc_count_all()
        values: dict[str, list[Any]] = {}
        for name in self.NAMES:
            column = list(reader.column_reader(name)) if reader.has_column(name) else []
            # Whoosh leaves a column short when a segment's last documents have no value.
            missing = () if name == "tags" else None
            values[name] = [missing if value is None else value for value in column[:size]] + [
                missing
            ] * (size - len(column))
        return values


def _facets(columns: dict[str, list[Any]], matched: list[int]) -> dict[str, dict[str, int]]:
    """Counts of each facet's values over the matches (Counter and map count in C)."""
    counts = {
        "citekey": Counter(map(columns["citekey"].__getitem__, matched)),
        "year": Counter(map(columns["year"].__getitem__, matched)),
        "kind": Counter(map(columns["kind"].__getitem__, matched)),
        "tag": Counter(chain.from_iterable(map(columns["tags"].__getitem__, matched))),
    }
    return {
        name: _by_count((value, count) for value, count in counts[name].items() if value)
        for name in FACET_NAMES
    }


def _by_count(counts: Iterable[tuple[str, int]]) -> dict[str, int]:
    return dict(sorted(counts, key=lambda item: (-item[1], item[0])))
