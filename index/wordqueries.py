"""The commonest queries, words ANDed, ORed and negated, answered with dicts and sets.

Whoosh walks a query as a tree of matcher objects: for `file name` over `body` and `extra`,
an intersection of two unions of two posting readers, several Python calls per posting and
per level, and a match of two common words costs all of them. Here each word's postings
are read a block at a time, scored in one comprehension with the same weighted BM25F
(`index/weighting.py`), and combined with dict and set operations, which run in C. The
scores are the same as Whoosh's (tested), so which way a query went never shows.
Anything else (phrases, ranges, `Every`, required/optional clauses) raises `Unsupported`,
and Whoosh answers it.

This reads Whoosh's posting blocks through the pinned codec's block attributes
(`_read_ids`, `_read_weights`, `_next_block`): `whoosh-reloaded` is pinned to 2.7.5, and
the tests compare every kind of word query with Whoosh's answer.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Collection, Iterable
from typing import Any

from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndNot, MultiTerm, Not, Or, Query, Term
from whoosh.query.qcore import _NullQuery
from whoosh.query.wrappers import WrappingQuery
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.segments import segment_id
from index.weighting import WeightedBM25F

Scores = dict[int, float]


class Unsupported(Exception):
    """The query has a node this module does not answer; Whoosh's matchers will."""


class PostingCache:
    """Decoded postings of recently used terms, by segment, up to a number of postings.

    Reading a term's postings is mostly unpickling and decompressing Whoosh's blocks
    (positions included), about 0.1 ms a block of 128: 100 ms for a word in a third of
    100,000 passages. Segments never change once written, so decoded postings stay valid;
    the words people search for recur (each keystroke of a live search repeats the words
    before it), and a cache of the most recent ones saves most of that work. Kept as
    compact arrays: 8 bytes a posting.
    """

    def __init__(self, max_postings: int = 8_000_000) -> None:
        self._max_postings = max_postings
        self._held = 0
        self._entries: OrderedDict[tuple[str, str, str], tuple[array[int], array[float]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._live: frozenset[str] = frozenset()

    def retain(self, segment_ids: Collection[str]) -> None:
        """Forget the postings of segments no longer in the index (merged away by a write):
        the budget is in postings, and many small dead segments would hold memory long."""
        live = frozenset(segment_ids)
        with self._lock:
            if live == self._live:
                return
            self._live = live
            for key in [key for key in self._entries if key[0] not in live]:
                ids, _weights = self._entries.pop(key)
                self._held -= len(ids)

    def postings(
        self, reader: IndexReader, fieldname: str, text: str
    ) -> tuple[array[int], array[float]]:
        """The document numbers and weights of one term's postings in `reader`'s segment."""
        key = (segment_id(reader), fieldname, text)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                return cached
        decoded = _read_postings(reader, fieldname, text)
        with self._lock:
            self._entries[key] = decoded
            self._held += len(decoded[0])
            while self._held > self._max_postings and len(self._entries) > 1:
                _key, (ids, _weights) = self._entries.popitem(last=False)
                self._held -= len(ids)
        return decoded


def scored_matches(
    searcher: Searcher, query: Query, weighting: WeightedBM25F, postings: PostingCache
) -> Scores:
    """Every document matching `query` with its score, by global document number."""
    matches: Scores = {}
    postings.retain([segment_id(leaf.reader()) for leaf, _offset in searcher.leaf_searchers()])
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        scores = _Segment(leaf, weighting, postings).evaluate(query)
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        matches.update(
            (docnum + offset, score) for docnum, score in scores.items() if docnum not in deleted
        )
    return matches


class _Segment:
    """Evaluates a query in one segment; postings of the same term are read once."""

    def __init__(self, searcher: Searcher, weighting: WeightedBM25F, cache: PostingCache) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._weighting = weighting
        self._cache = cache
        self._terms: dict[tuple[str, str], Scores] = {}

    def evaluate(self, query: Query) -> Scores:
        if isinstance(query, _NullQuery):
            return {}
        if isinstance(query, Term):
            return _boosted(self._term(query.fieldname, query.text), query.boost)
        if isinstance(query, WrappingQuery) and isinstance(query.child, MultiTerm):
            return self._expansions(query.child)
        if isinstance(query, AndNot):
            return self._without(self.evaluate(query.a), [query.b])
        if isinstance(query, And):
            return _boosted(self._all(query.subqueries), query.boost)
        if isinstance(query, Or) and not query.minmatch and not query.scale:
            return _boosted(self._any(query.subqueries), query.boost)
        raise Unsupported(type(query).__name__)

    def _all(self, subqueries: Iterable[Query]) -> Scores:
        positive = [q for q in subqueries if not isinstance(q, Not)]
        negative = [q.query for q in subqueries if isinstance(q, Not)]
        if not positive:
            raise Unsupported("only negated clauses")
        parts = sorted((self.evaluate(q) for q in positive), key=len)
        common = set(parts[0]).intersection(*parts[1:])
        # Whoosh matches a negated clause with a matcher of every other document, scoring 1.
        negated = float(len(negative))
        if len(parts) == 2:  # the usual two words: no generator per document
            first, second = parts
            summed = {docnum: first[docnum] + second[docnum] + negated for docnum in common}
        else:
            summed = {d: sum(part[d] for part in parts) + negated for d in common}
        return self._without(summed, negative)

    def _any(self, subqueries: Iterable[Query]) -> Scores:
        if any(isinstance(q, Not) for q in subqueries):
            raise Unsupported("negated clause in OR")
        total: Scores = {}
        for part in map(self.evaluate, subqueries):
            if not total:
                total = dict(part)
                continue
            for docnum, score in part.items():
                total[docnum] = total.get(docnum, 0.0) + score
        return total

    def _without(self, scores: Scores, negative: Iterable[Query]) -> Scores:
        excluded: set[int] = set()
        for query in negative:
            excluded.update(self.evaluate(query))
        return {d: s for d, s in scores.items() if d not in excluded} if excluded else scores

    def _expansions(self, query: MultiTerm) -> Scores:
        """A prefix or fuzzy word: every word it expands to in this segment, each match
        scoring 1; a word that expands to one word only is that word (as Whoosh does)."""
        terms = list(query.expanded_terms(self._reader))
        if len(terms) == 1:
            return self._term(*terms[0])
        matched: set[int] = set()
        for fieldname, text in terms:
            matched.update(self._postings(fieldname, text)[0])
        return dict.fromkeys(matched, 1.0)

    def _term(self, fieldname: str, text: str) -> Scores:
        key = (fieldname, text)
        cached = self._terms.get(key)
        if cached is None:
            cached = self._terms[key] = self._score_term(fieldname, text)
        return cached

    def _score_term(self, fieldname: str, text: str) -> Scores:
        ids, weights = self._postings(fieldname, text)
        if not ids:
            return {}
        scorer = self._weighting.scorer(self._searcher, fieldname, text)
        scores_of = getattr(scorer, "scores_of", None)
        if scores_of is None:  # Whoosh's WeightScorer (fields without lengths): the weight
            return dict(zip(ids, map(float, weights), strict=True))
        return scores_of(ids, weights)  # type: ignore[no-any-return]

    def _postings(self, fieldname: str, text: str) -> tuple[array[int], array[float]]:
        return self._cache.postings(self._reader, fieldname, text)


def _read_postings(
    reader: IndexReader, fieldname: str, text: str
) -> tuple[array[int], array[float]]:
    """One term's document numbers and weights in a segment, deleted documents included."""
    ids: array[int] = array("I")
    weights: array[float] = array("f")
    if (fieldname, text) not in reader:
        return ids, weights
    matcher: Any = reader.postings(fieldname, text)  # Any: a whoosh leaf matcher
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deletions are left out by `scored_matches`
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1 else {d: s * boost for d, s in scores.items()}
