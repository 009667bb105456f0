"""Running a query on a Whoosh searcher: one page of hits with highlighted snippets, facets.

Only the hits on the page are highlighted (highlighting re-analyses the text, the costly
part of a search); the best hits are ranked again (`index/ranking.py`); facets are counted
over every match from sortable columns.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from heapq import heappush, heapreplace, nlargest
from itertools import chain
from operator import neg
from typing import Any

from whoosh.analysis import Token
from whoosh.collectors import TopCollector
from whoosh.highlight import ContextFragmenter, Formatter, WholeFragmenter, highlight
from whoosh.query import Query
from whoosh.searching import Searcher

from annotations.model import Locator
from index.ranking import Candidate, ranking_words, reranked
from index.results import FACET_NAMES, MATCH_ALL, SearchHit, SearchResult
from index.schema import build_schema
from index.storedcache import StoredFieldsCache
from index.wordqueries import PostingCache, Unsupported, scored_matches

SNIPPET_CHARS = 240
_FRAGMENT_SEPARATOR = " … "
# The field whose matched terms are marked in a hit's text, and its analyzer's own copy.
_HIGHLIGHT_FIELD = "body"
_HIGHLIGHT_ANALYZER = build_schema()[_HIGHLIGHT_FIELD].analyzer
# Texts whose tokens are kept for highlighting: a passage of a few hundred characters
# makes some kilobytes of tuples, so this holds ten megabytes at most. A page shows 20.
HIGHLIGHTED_TEXTS = 1024


class MarkFormatter(Formatter):  # type: ignore[misc]  # whoosh is untyped
    """Matched words in `<mark>`, every other character HTML-escaped."""

    between = _FRAGMENT_SEPARATOR

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:  # Any: Token
        """One matched word, escaped, inside `<mark>`."""
        return f"<mark>{self._text(text[token.startchar : token.endchar])}</mark>"


_FRAGMENTER = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
_WHOLE = WholeFragmenter()
_FORMATTER = MarkFormatter()


class _CountingCollector(TopCollector):  # type: ignore[misc]  # whoosh is untyped
    """The top hits, and the number of every match: one pass over the postings for both.

    Whoosh's own count re-runs the query without scoring, which can disagree with the scored
    pass (it did for `a ANDNOT b`); here the total and the facets come from the same pass.
    Every match is visited, so Whoosh's block skipping and matcher replacement are off
    (replacement also dropped clauses on estimates, making the top hits depend on the page
    size), and the loop over the matches is one tight loop instead of Whoosh's generator,
    its `collect` and `_collect` per match.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False)
        self.replace = 0
        self.matched: list[int] = []

    def collect_matches(self) -> None:
        """Score every match of the current segment; keep the best `limit`, count them all."""
        matcher = self.matcher
        offset = self.offset
        limit = self.limit
        heap = self.items
        record = self.matched.append
        is_active, current, score_of, advance = (
            matcher.is_active,
            matcher.id,
            matcher.score,
            matcher.next,
        )
        while is_active():
            docnum = offset + current()
            score = score_of()
            record(docnum)
            # (score, -docnum): equal scores keep the lower document number first.
            if len(heap) < limit:
                heappush(heap, (score, -docnum))
            elif score > heap[0][0]:
                heapreplace(heap, (score, -docnum))
            advance()


@dataclass(frozen=True, slots=True, kw_only=True)
class Matches:
    """What a query matched, before the best hits are ranked again and shown.

    `best` holds (tier, score, docnum) of the best hits, best first; `matched` every
    matching document; `highlight` the loose terms to mark. `described` gives, for hits of
    a query answered in tiers, how each matched and the words it lacks (absent: it matched
    every word). `replacements` maps each typed word the library does not hold to the
    terms that stood for it. `relaxed`: the query as written matched nothing, and these
    are its plain words' matches. `ranked_text`, when given, is the part of the query
    whose words rank the best hits again (the words citing a work are not).
    """

    best: list[tuple[float, float, int]]
    matched: list[int]
    highlight: frozenset[str]
    described: Mapping[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    matched_all: int = 0
    replacements: Mapping[str, frozenset[str]] = field(default_factory=dict)
    relaxed: bool = False
    ranked_text: str | None = None


def strict_matches(searcher: Searcher, query: Query, count: int, postings: PostingCache) -> Matches:
    """The documents matching `query` exactly as written, the best `count` first."""
    best, matched = _best_and_matched(searcher, query, count, postings)
    # The words to mark, expanded once (a fuzzy word walks the vocabulary), not per hit.
    # (Naming the field also keeps Whoosh's existing_terms from skipping leaves: its loop
    # variable shadows that argument.)
    words = frozenset(
        _text(term)
        for _field, term in query.existing_terms(
            searcher.reader(), expand=True, fieldname=_HIGHLIGHT_FIELD
        )
    )
    return Matches(
        best=[(0.0, score, docnum) for score, docnum in best],
        matched=matched,
        highlight=words,
        matched_all=len(matched),
    )


def run_search(
    searcher: Searcher,
    matches: Matches,
    *,
    text: str,
    limit: int,
    offset: int,
    facet_columns: FacetColumns,
    stored_fields: StoredFieldsCache,
) -> SearchResult:
    """One page of results for `matches` of the query `text`."""
    stored = stored_fields.of(searcher, (docnum for _tier, _score, docnum in matches.best))
    facets = _facets(facet_columns.of(searcher), matches.matched)
    return results_page(matches, stored, facets, text=text, limit=limit, offset=offset)


def results_page(
    matches: Matches,
    stored: Mapping[int, Mapping[str, Any]],  # Any: stored field values
    facets: Mapping[str, Mapping[str, int]],
    *,
    text: str,
    limit: int,
    offset: int,
) -> SearchResult:
    """One page of results for `matches` of the query `text`, whatever engine found them.

    `stored` holds each of the best hits' stored fields by document number (`kind`, `id`,
    `citekey`, `passage_id`, `text`, `authors`, `locator` as a (label, value) pair);
    `facets` the counts over every match.
    """
    ranked = reranked(
        [_candidate(tier, score, docnum, stored[docnum]) for tier, score, docnum in matches.best],
        ranking_words(text if matches.ranked_text is None else matches.ranked_text),
    )
    page = ranked[offset : offset + limit] if limit > 0 else []
    described = matches.described
    return SearchResult(
        query=text,
        total=len(matches.matched),
        offset=offset,
        hits=tuple(
            _hit(stored[docnum], score, matches.highlight, described.get(docnum))
            for score, docnum in page
        ),
        facets=facets,
        matched_all=matches.matched_all,
        relaxed=matches.relaxed,
        suggestion=_suggestion(
            text, matches.replacements, (stored[docnum].get("text", "") for _s, docnum in ranked)
        ),
    )


def _suggestion(text: str, replacements: Mapping[str, frozenset[str]], texts: Iterable[str]) -> str:
    """`text` with each word the library lacks replaced by the nearest one it holds, spelt
    as the best hit holding it spells it; "" when no word was replaced."""
    if not replacements:
        return ""
    spelling: dict[str, str] = {}
    wanted = frozenset().union(*replacements.values())
    for hit_text in texts:
        for term, start, end in _spans(hit_text):
            if term in wanted and term not in spelling:
                spelling[term] = hit_text[start:end]
        if wanted <= spelling.keys():
            break
    suggested = text
    for word, terms in replacements.items():
        found = [spelling[term] for term in sorted(terms) if term in spelling]
        if found:
            suggested = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], suggested, count=1)
    return suggested if suggested != text else ""


def _best_and_matched(
    searcher: Searcher, query: Query, count: int, postings: PostingCache
) -> tuple[list[tuple[float, int]], list[int]]:
    """The best `count` (score, docnum), best first (ties: lower docnum first), and every
    match: from dicts and sets for queries of words, else from Whoosh's matchers."""
    try:
        scores = scored_matches(searcher, query, searcher.weighting, postings)
    except Unsupported:
        collector = _CountingCollector(limit=count)
        searcher.search_with_collector(query, collector)
        best = sorted(collector.items, reverse=True)
        return [(score, -negated) for score, negated in best], collector.matched
    best = nlargest(count, zip(scores.values(), map(neg, scores), strict=True))
    return [(score, -negated) for score, negated in best], list(scores)


def _text(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _candidate(
    tier: float,
    score: float,
    docnum: int,
    stored: Mapping[str, Any],  # Any: stored field values
) -> Candidate:
    return Candidate(
        docnum=docnum,
        tier=tier,
        score=score,
        kind=stored.get("kind", ""),
        text=stored.get("text", ""),
        authors=stored.get("authors", ""),
        passage_id=stored.get("passage_id", ""),
    )


def _hit(
    stored: Mapping[str, Any],  # Any: stored field values
    score: float,
    words: frozenset[str],
    described: tuple[str, tuple[str, ...]] | None,
) -> SearchHit:
    locator = stored.get("locator")
    text = stored.get("text", "")
    match, missing = described or (MATCH_ALL, ())
    return SearchHit(
        match=match,
        missing=missing,
        kind=stored.get("kind", ""),
        id=stored.get("id", ""),
        citekey=stored.get("citekey", ""),
        text=text,
        snippet=_snippet(text, words),
        score=round(float(score), 4),
        locator=Locator(*locator) if locator else None,
        passage_id=stored.get("passage_id", ""),
    )


def _snippet(text: str, words: frozenset[str]) -> str:
    """The best fragments of `text` around the words that matched, else its beginning."""
    # A text that fits is shown whole: fragments end at a matched word's last letter.
    fragmenter = _WHOLE if len(text) <= SNIPPET_CHARS else _FRAGMENTER
    highlighted = highlight(text, words, _replayed_tokens, fragmenter, _FORMATTER, top=2)
    if highlighted:
        return str(highlighted)
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def _replayed_tokens(text: str, **_options: Any) -> Iterator[Token]:  # Any: Whoosh's options
    """The highlighted field's tokens of `text` (as its analyzer gives them for highlighting),
    analysed once and replayed: one token object changed in place, as Whoosh's own
    tokenizers do (the fragmenters copy the tokens they keep)."""
    token = Token(chars=True, removestops=False, mode="query")
    for term, start, end in _spans(text):
        token.text, token.startchar, token.endchar = term, start, end
        yield token


@functools.lru_cache(maxsize=HIGHLIGHTED_TEXTS)
def _spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """Each token of `text`: its term and where it starts and ends.

    Highlighting analysed every hit's text again (folding, spelling keys, stemming): a
    third of a search's time, for the same passages query after query.
    """
    # As when indexing: a compound's halves joined and dates are marked too.
    tokens = _HIGHLIGHT_ANALYZER(text, chars=True, mode="index", removestops=False)
    return tuple((token.text, token.startchar, token.endchar) for token in tokens)


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

    def segment(self, reader: Any) -> dict[str, list[Any]]:  # Any: a whoosh SegmentReader
        """One segment's facet values by document number in the segment (read once)."""
        return self._segment(reader)

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
        self._segments[reader.segment().segment_id()] = values
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
        name: by_count((value, count) for value, count in counts[name].items() if value)
        for name in FACET_NAMES
    }


def by_count(counts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Facet values, largest count first (ties by value), as every backend orders them."""
    return dict(sorted(counts, key=lambda item: (-item[1], item[0])))
