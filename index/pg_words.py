"""PostgreSQL's answers to `tiered.WordStatistics` and to the query language's leaves.

A term's matches come from the GIN index of its field's tsvector (`@@`), with the term's
frequency in each match read from its positions; they are scored here with the same
weighted BM25F as Whoosh's index (`index/weighting.py`: B, K1, IDF, field and kind
weights), so both editions rank alike. Prefixes walk the vocabulary's primary key; near
spellings are the terms `pg_trgm`'s trigram index finds alike, kept when within the edit
distance `index/vocabulary.py` allows. One object per search, inside its read-only
snapshot; postings read are shared between searches while their term's generation stays
the same.
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
    """`search_state`: the totals BM25 reads."""

    built: bool
    documents: int
    lengths: dict[str, int]

    def average_length(self, field: str) -> float:
        """A field's mean length over every document (Whoosh's `avg_field_length`)."""
        return (self.lengths.get(field, 0) / self.documents if self.documents else 0.0) or 1.0


@dataclass(frozen=True, slots=True)
class Postings:
    """One term's matches in one field: document numbers, the term's frequency in each,
    the field's length and the kind's weight there; scored afresh by every search (the
    totals BM25 reads change with every write, the postings only with their term's)."""

    generation: int
    docnums: tuple[int, ...] = ()
    frequencies: tuple[int, ...] = ()
    lengths: tuple[int, ...] = ()
    kind_weights: tuple[float, ...] = ()


class PostingCache:
    """The postings of recently searched (field, term)s, each kept while its term's
    generation stays the one it was read in.

    A live search asks for the same words at every keystroke; reading a common word's
    matches is the costliest part of a search. A write marks only the terms of the
    documents it wrote, so the other words stay cached through a stream of writes.
    """

    def __init__(self, max_postings: int = 4_000_000) -> None:
        self._max_postings = max_postings
        self._held = 0
        self._entries: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], generation: int) -> Postings | None:
        """The cached postings of `key` if read in its current `generation`."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found.generation != generation:
                return None
            self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], postings: Postings) -> None:
        """Keep `postings` of `key`, forgetting the least recently used beyond the budget."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._held -= len(old.docnums)
            self._entries[key] = postings
            self._held += len(postings.docnums)
            while self._held > self._max_postings and len(self._entries) > 1:
                _key, dropped = self._entries.popitem(last=False)
                self._held -= len(dropped.docnums)


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
        self._terms: dict[tuple[str, str], tuple[int, int]] = {}

    def document_count(self) -> int:
        """Every document of the index."""
        return self._totals.documents

    def frequency(self, term: str) -> int:
        """The documents holding `term` in a searched field (summed over the fields)."""
        return sum(self.field_frequency(field, term) for field in SEARCHED_FIELDS)

    def field_frequency(self, field: str, term: str) -> int:
        """The documents holding `term` in `field`."""
        return self._term(field, term)[0]

    def _term(self, field: str, term: str) -> tuple[int, int]:
        """(documents holding `term` in `field`, the generation that last changed them)."""
        key = (field, term)
        if key not in self._terms:
            row = self._connection.execute(
                "SELECT documents, generation FROM search_terms WHERE field = %s AND term = %s",
                key,
            ).fetchone()
            self._terms[key] = (max(int(row[0]), 0), int(row[1])) if row else (0, 0)
        return self._terms[key]

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
        frequency, generation = self._term(field, term)
        if not frequency:
            return {}
        postings = self._cache.get((field, term), generation)
        if postings is None:
            postings = self._postings(field, term, generation)
            self._cache.put((field, term), postings)
        documents = self._totals.documents
        idf = math.log(documents / (frequency + 1)) + 1
        numerator = idf * (K1 + 1) * FIELD_WEIGHTS.get(field, 1.0)
        constant = K1 * (1 - B)
        per_length = K1 * B / self._totals.average_length(field)
        return {
            docnum: numerator * count / (count + constant + per_length * length) * kind
            for docnum, count, length, kind in zip(
                postings.docnums,
                postings.frequencies,
                postings.lengths,
                postings.kind_weights,
                strict=True,
            )
        }

    def _postings(self, field: str, term: str, generation: int) -> Postings:
        """`term`'s matches in `field` from its GIN index, with its frequency in each (the
        number of its positions)."""
        rows = self._connection.execute(
            f"SELECT d.docnum, cardinality(u.positions), d.{field}_length, d.kind "
            f"FROM search_documents d CROSS JOIN LATERAL unnest(d.{field}) u "
            f"WHERE d.{field} @@ %s::tsquery AND u.lexeme = %s",
            (lexeme_literal(term), term),
        ).fetchall()
        if not rows:
            return Postings(generation)
        weighted = field in KIND_WEIGHTED_FIELDS
        default = max(KIND_WEIGHTS.values())
        docnums, counts, lengths, kinds = zip(*rows, strict=True)
        return Postings(
            generation,
            tuple(map(int, docnums)),
            tuple(map(int, counts)),
            tuple(map(int, lengths)),
            tuple(KIND_WEIGHTS.get(kind, default) if weighted else 1.0 for kind in kinds),
        )

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
