"""The index's own words, for finding the word a user meant when theirs is not among them.

A misspelt word (`Zukhov`, `Malenkv`) or a romanisation the analysis does not merge
matches nothing; the nearest words the library does hold (by edit distance over the
searched fields' loose terms, with rapidfuzz's C implementation) stand in for it. The
terms of each segment are read once and kept by segment id: segments never change once
written, and a live search asks again at every keystroke.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.schema import SEARCHED_FIELDS
from index.segments import segment_id

# Words shorter than this are never replaced by a near spelling: too many words are one
# letter away from `tsar` or `pact`.
SHORTEST_FUZZY_WORD = 4
# From this length on, two edits are allowed (a transposition counts as one).
TWO_EDITS_FROM = 7
# Near words kept for one typed word: those at the least distance, the commonest first.
NEAR_WORDS = 3


def allowed_edits(term: str) -> int:
    """How many edits may separate `term` from the word it stands for."""
    if len(term) < SHORTEST_FUZZY_WORD:
        return 0
    return 2 if len(term) >= TWO_EDITS_FROM else 1


class Vocabulary:
    """The searched fields' terms with their document frequencies, by segment."""

    def __init__(self) -> None:
        self._segments: dict[str, dict[str, int]] = {}
        self._key: tuple[str, ...] = ()
        self._merged: dict[str, int] = {}
        self._terms: list[str] = []
        self._lock = threading.Lock()

    def frequencies(self, searcher: Any) -> dict[str, int]:  # Any: a whoosh Searcher
        """Every term of the searched fields with the documents holding it, over the index."""
        leaves = [reader for reader, _offset in searcher.reader().leaf_readers()]
        key = tuple(segment_id(reader) for reader in leaves)
        with self._lock:
            if key != self._key:
                segments = {
                    segment: self._segments.get(segment) or _segment_terms(reader)
                    for segment, reader in zip(key, leaves, strict=True)
                    if segment  # an empty index's reader has no segment, and no terms
                }
                merged: dict[str, int] = {}
                for terms in segments.values():
                    for term, count in terms.items():
                        merged[term] = merged.get(term, 0) + count
                self._segments, self._key = segments, key
                self._merged, self._terms = merged, list(merged)
            return self._merged

    def frequency(self, searcher: Any, term: str) -> int:  # Any: a whoosh Searcher
        """The documents holding `term` in any searched field, read from the term index
        (no need for the whole vocabulary: cheap in a new process or after a write)."""
        reader = searcher.reader()
        return sum(reader.doc_frequency(fieldname, term) for fieldname in SEARCHED_FIELDS)

    def near(self, searcher: Any, terms: Sequence[str]) -> tuple[str, ...]:  # Any: Searcher
        """The held terms nearest to any of `terms` (none held), commonest first."""
        frequencies = self.frequencies(searcher)
        with self._lock:
            candidates = self._terms
        return closest_terms(terms, candidates, frequencies)


def closest_terms(
    terms: Sequence[str], candidates: Sequence[str], frequencies: Mapping[str, int]
) -> tuple[str, ...]:
    """Those of `candidates` nearest to any of `terms` within `allowed_edits`, the least
    distance first and then the commonest (by `frequencies`), at most `NEAR_WORDS`.

    The one rule of a near spelling: Whoosh hands in its whole vocabulary, PostgreSQL the
    terms its trigram index finds alike.
    """
    found: dict[str, tuple[int, int]] = {}
    for term in terms:
        edits = allowed_edits(term)
        if not edits:
            continue
        for near_term, distance, _index in process.extract(
            term, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
        ):
            rank = (int(distance), -frequencies.get(near_term, 0))
            if near_term != term and rank < found.get(near_term, (99, 0)):
                found[near_term] = rank
    if not found:
        return ()
    best = min(distance for distance, _count in found.values())
    closest = sorted((rank, term) for term, rank in found.items() if rank[0] == best)
    return tuple(term for _rank, term in closest[:NEAR_WORDS])


def _segment_terms(reader: Any) -> dict[str, int]:  # Any: a whoosh SegmentReader
    """The searched fields' terms of one segment, with their document frequencies."""
    terms: dict[str, int] = {}
    for fieldname in SEARCHED_FIELDS:
        if fieldname not in reader.schema:
            continue
        for text, info in reader.iter_field(fieldname):
            term = text.decode("utf-8") if isinstance(text, bytes) else text
            terms[term] = terms.get(term, 0) + info.doc_frequency()
    return terms
