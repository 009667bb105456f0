"""PostgreSQL's answers to `tiered.WordStatistics` and to the query language's leaves.

A term's matches come from the GIN index of its field's tsvector (`@@`), with the term's
frequency in each match read from its positions; they are scored here with the same
weighted BM25F as Whoosh's index (`index/weighting.py`: B, K1, IDF, field and kind
weights), so both editions rank alike. Prefixes walk the vocabulary's primary key; near
spellings are the terms `pg_trgm`'s trigram index finds alike, kept when within the edit
distance `index/vocabulary.py` allows. One object per search, inside its read-only
snapshot; decoded postings are shared between searches while the index's generation
stays the same.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from rapidfuzz.distance import Levenshtein

from index.pg_rows import lexeme_literal
from index.schema import FIELD_WEIGHTS, KIND_WEIGHTED_FIELDS, KIND_WEIGHTS, SEARCHED_FIELDS
from index.vocabulary import closest_terms
from index.wordqueries import Scores

# Whoosh's BM25F defaults, which the Whoosh index scores with.
B = 0.75
K1 = 1.2
# Terms whose trigram similarity to a typed word reaches this are candidates for its near
# spellings (checked by edit distance after): low enough that one typo in a short word
# stays a candidate.
TRIGRAM_SIMILARITY = 0.2
_SAFE_FIELD = re.compile(r"^(body|extra|author|title)$")


@dataclass(frozen=True, slots=True)
class IndexTotals:
    """`search_state`: the generation and the totals BM25 reads."""

    built: bool
    generation: int
    documents: int
    lengths: dict[str, int]

    def average_length(self, field: str) -> float:
        """A field's mean length over every document (Whoosh's `avg_field_length`)."""
        return (self.lengths.get(field, 0) / self.documents if self.documents else 0.0) or 1.0


Postings = tuple[tuple[int, ...], tuple[float, ...]]  # document numbers, scores


class PostingCache:
    """Scored postings of recently searched (field, term)s, valid for one generation.

    A live search asks for the same words at every keystroke; reading a common word's
    matches is the costliest part of a search. Any write makes a new generation, and the
    cache starts again.
    """

    def __init__(self, max_postings: int = 4_000_000) -> None:
        self._max_postings = max_postings
        self._held = 0
        self._generation = -1
        self._entries: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: int, key: tuple[str, str]) -> Postings | None:
        """The cached postings of `key` in `generation`, if any."""
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._held, self._generation = 0, generation
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, generation: int, key: tuple[str, str], postings: Postings) -> None:
        """Keep `postings` of `key`, forgetting the least recently used beyond the budget."""
        with self._lock:
            if generation != self._generation:
                return
            self._entries[key] = postings
            self._held += len(postings[0])
            while self._held > self._max_postings and len(self._entries) > 1:
                _key, (docnums, _scores) = self._entries.popitem(last=False)
                self._held -= len(docnums)


class PgWords:
    """`WordStatistics` (and the leaves of parsed queries) over one search's snapshot."""

    def __init__(
        self,
        connection: psycopg.Connection[Any],  # Any: rows as tuples
        totals: IndexTotals,
        cache: PostingCache,
    ) -> None:
        self._connection = connection
        self._totals = totals
        self._cache = cache
        self._frequencies: dict[tuple[str, str], int] = {}

    def document_count(self) -> int:
        """Every document of the index."""
        return self._totals.documents

    def frequency(self, term: str) -> int:
        """The documents holding `term` in a searched field (summed over the fields)."""
        return sum(self.field_frequency(field, term) for field in SEARCHED_FIELDS)

    def field_frequency(self, field: str, term: str) -> int:
        """The documents holding `term` in `field`."""
        key = (field, term)
        if key not in self._frequencies:
            row = self._connection.execute(
                "SELECT documents FROM search_terms WHERE field = %s AND term = %s",
                key,
            ).fetchone()
            self._frequencies[key] = max(int(row[0]), 0) if row else 0
        return self._frequencies[key]

    def word_scores(self, terms: Sequence[str]) -> Scores:
        """Each document holding any of `terms`: its best term's score, summed over the
        searched fields."""
        best: Scores = {}
        for term in terms:
            combined: Scores = {}
            for field in SEARCHED_FIELDS:
                for docnum, value in self.term_scores(field, term).items():
                    combined[docnum] = combined.get(docnum, 0.0) + value
            if not best:
                best = combined
                continue
            for docnum, value in combined.items():
                if value > best.get(docnum, 0.0):
                    best[docnum] = value
        return best

    def term_scores(self, field: str, term: str) -> Scores:
        """Every document holding `term` in `field` (a text field), scored by weighted
        BM25F: the formula of `weighting._WeightedScorer`."""
        if not _SAFE_FIELD.match(field):
            raise ValueError(f"not a text field: {field}")
        generation = self._totals.generation
        cached = self._cache.get(generation, (field, term))
        if cached is None:
            cached = self._scored_postings(field, term)
            self._cache.put(generation, (field, term), cached)
        return dict(zip(*cached, strict=True))

    def _scored_postings(self, field: str, term: str) -> Postings:
        frequency = self.field_frequency(field, term)
        if not frequency:
            return (), ()
        documents = self._totals.documents
        idf = math.log(documents / (frequency + 1)) + 1
        weight = FIELD_WEIGHTS.get(field, 1.0)
        numerator = idf * (K1 + 1) * weight
        constant = K1 * (1 - B)
        per_length = K1 * B / self._totals.average_length(field)
        kinds = KIND_WEIGHTS if field in KIND_WEIGHTED_FIELDS else None
        default_kind = max(KIND_WEIGHTS.values())
        rows = self._connection.execute(
            f"SELECT d.docnum, cardinality(u.positions), d.{field}_length, d.kind "
            f"FROM search_documents d CROSS JOIN LATERAL unnest(d.{field}) u "
            f"WHERE d.{field} @@ %s::tsquery AND u.lexeme = %s",
            (lexeme_literal(term), term),
        ).fetchall()
        docnums: list[int] = []
        scores: list[float] = []
        for docnum, count, length, kind in rows:
            score = numerator * count / (count + constant + per_length * length)
            if kinds is not None:
                score *= kinds.get(kind, default_kind)
            docnums.append(int(docnum))
            scores.append(score)
        return tuple(docnums), tuple(scores)

    def near(self, terms: Sequence[str]) -> tuple[str, ...]:
        """The held terms nearest to any of `terms`: trigram candidates from `pg_trgm`,
        chosen by `vocabulary.closest_terms`, the rule Whoosh's index uses."""
        frequencies: dict[str, int] = {}
        self._connection.execute(f"SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_SIMILARITY}")
        for term in terms:
            rows = self._connection.execute(
                "SELECT term, sum(documents) FROM search_terms "
                "WHERE term %% %s AND field = ANY(%s) AND documents > 0 GROUP BY term",
                (term, list(SEARCHED_FIELDS)),
            ).fetchall()
            frequencies.update((str(found), int(count)) for found, count in rows)
        return closest_terms(terms, list(frequencies), frequencies)

    def prefixed(self, field: str, prefix: str) -> list[str]:
        """The terms of `field` starting with `prefix` (the primary key's order)."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._connection.execute(
            "SELECT term FROM search_terms WHERE field = %s AND term LIKE %s AND documents > 0",
            (field, pattern),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def within_edits(self, field: str, text: str, edits: int, prefix_length: int) -> list[str]:
        """The terms of `field` at most `edits` edits from `text` that start with its first
        `prefix_length` letters (Whoosh's `FuzzyTerm`)."""
        candidates = self.prefixed(field, text[:prefix_length])
        return [term for term in candidates if Levenshtein.distance(term, text) <= edits]

    def matching(self, where: str, parameters: Sequence[object]) -> list[int]:
        """The document numbers of rows meeting an SQL condition on `search_documents`."""
        rows = self._connection.execute(
            f"SELECT docnum FROM search_documents WHERE {where}", parameters
        ).fetchall()
        return [int(row[0]) for row in rows]
