"""Whoosh's answers to `tiered.WordStatistics`: a searcher's postings, scored and cached.

One object per search: it holds the searcher that search reads, so every question sees
the same commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh.query import Term
from whoosh.searching import Searcher

from index.schema import SEARCHED_FIELDS
from index.vocabulary import Vocabulary
from index.weighting import WeightedBM25F
from index.wordqueries import PostingCache, Scores, scored_matches


class WhooshWords:
    """`WordStatistics` over one Whoosh searcher, with the backend's shared caches."""

    def __init__(
        self,
        searcher: Searcher,
        *,
        weighting: WeightedBM25F,
        postings: PostingCache,
        vocabulary: Vocabulary,
    ) -> None:
        self._searcher = searcher
        self._weighting = weighting
        self._postings = postings
        self._vocabulary = vocabulary

    def document_count(self) -> int:
        """Every document of the searcher's index, deleted ones not yet merged away too."""
        return int(self._searcher.doc_count_all())

    def frequency(self, term: str) -> int:
        """The documents holding `term` in any searched field, from the term index."""
        return self._vocabulary.frequency(self._searcher, term)

    def near(self, terms: Sequence[str]) -> tuple[str, ...]:
        """The held terms nearest to any of `terms`, by edit distance over the vocabulary."""
        return self._vocabulary.near(self._searcher, terms)

    def word_scores(self, terms: Sequence[str]) -> Scores:
        """Each document holding any of `terms`: its best term's weighted BM25F score,
        summed over the searched fields."""
        best: Scores = {}
        for term in terms:
            combined: Scores = {}
            for fieldname in SEARCHED_FIELDS:
                found = scored_matches(
                    self._searcher, Term(fieldname, term), self._weighting, self._postings
                )
                for docnum, value in found.items():
                    combined[docnum] = combined.get(docnum, 0.0) + value
            if not best:
                best = combined
                continue
            for docnum, value in combined.items():
                if value > best.get(docnum, 0.0):
                    best[docnum] = value
        return best
