"""Scoring: BM25F with each field's weight, and the weight of the document's kind, built in.

Whoosh applies query boosts by wrapping every term's matcher in another matcher, a layer of
Python calls for every posting, and the wrapper hides the boost from the estimates that let
Whoosh skip hopeless blocks. Here the weights are part of the score itself: a quote counts
more than a note, a note more than a reference's own description, and what a passage borrows
from its reference (`extra`) least. Field lengths and kind weights are read once per index
segment into plain lists, which are cheaper to index than Whoosh's length columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F, bm25
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.segments import segment_id

# Segments whose lists are kept; an index has a few dozen at most between merges.
_CACHED_SEGMENTS = 64
_LENGTH_OF_BYTE = [byte_to_length(value) for value in range(256)]


class _SegmentFacts:
    """Per segment: each document's field lengths and kind weight, cached by segment id.

    Segments never change once written (deletions are kept apart), so the lists stay
    valid for as long as the segment exists.
    """

    def __init__(self, kind_weights: Mapping[str, float]) -> None:
        self._kind_weights = kind_weights
        self._lengths: dict[tuple[str, str], list[int]] = {}
        self._kinds: dict[str, list[float]] = {}

    def lengths(self, reader: IndexReader, fieldname: str) -> list[int]:
        key = (segment_id(reader), fieldname)
        cached = self._lengths.get(key)
        if cached is None:
            if len(self._lengths) > _CACHED_SEGMENTS:
                self._lengths.clear()  # merged-away segments go; live ones are read again
            cached = self._lengths[key] = self._read_lengths(reader, fieldname)
        return cached

    def kind_weights(self, reader: IndexReader) -> list[float]:
        segment = segment_id(reader)
        cached = self._kinds.get(segment)
        if cached is None:
            if len(self._kinds) > _CACHED_SEGMENTS:
                self._kinds.clear()
            size = reader.doc_count_all()
            column = list(reader.column_reader("kind")) if reader.has_column("kind") else []
            default = max(self._kind_weights.values())
            cached = [self._kind_weights.get(kind, default) for kind in column[:size]]
            cached += [default] * (size - len(cached))
            self._kinds[segment] = cached
        return cached

    def _read_lengths(self, reader: IndexReader, fieldname: str) -> list[int]:
        size = reader.doc_count_all()
        codec_reader = getattr(reader, "_perdoc", None)
        lengths_name = f"_{fieldname}_len"
        if codec_reader is None or not codec_reader.has_column(lengths_name):
            return [reader.doc_field_length(docnum, fieldname, 0) for docnum in range(size)]
        column = codec_reader.column_reader(lengths_name, LENGTHS_COLUMN)
        try:  # one byte a document: read at once (Whoosh's load() reads them one by one)
            raw: Iterable[int] = column._dbfile.get(column._basepos, column._count)
        except AttributeError:
            raw = column.load()
        values = [_LENGTH_OF_BYTE[value] for value in list(raw)[:size]]
        return values + [0] * (size - len(values))


class WeightedBM25F(BM25F):  # type: ignore[misc]  # whoosh is untyped
    """BM25F times the field's weight, times the document's kind weight in `kind_fields`."""

    def __init__(
        self,
        field_weights: Mapping[str, float],
        kind_weights: Mapping[str, float],
        kind_fields: Sequence[str],
    ) -> None:
        super().__init__()
        self._field_weights = dict(field_weights)
        self._kind_fields = frozenset(kind_fields)
        self._facts = _SegmentFacts(kind_weights)
        self._max_kind_weight = max(kind_weights.values())

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: float = 1) -> Any:
        """A scorer for one term in one segment (`searcher` is the segment's)."""
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        reader = searcher.reader()
        weights = self._facts.kind_weights(reader) if fieldname in self._kind_fields else None
        return _WeightedScorer(
            searcher,
            fieldname,
            text,
            B=self.B,
            K1=self.K1,
            weight=self._field_weights.get(fieldname, 1.0) * qf,
            lengths=self._facts.lengths(reader, fieldname),
            kind_weights=weights,
            max_kind_weight=self._max_kind_weight if weights is not None else 1.0,
        )


class _WeightedScorer:
    """Scores one term's postings; its quality estimates include every weight, so Whoosh's
    block skipping stays correct."""

    def __init__(
        self,
        searcher: Searcher,
        fieldname: str,
        text: str,
        *,
        B: float,
        K1: float,
        weight: float,
        lengths: list[int],
        kind_weights: list[float] | None,
        max_kind_weight: float,
    ) -> None:
        parent = searcher.get_parent()  # the statistics are the whole index's
        self._idf = parent.idf(fieldname, text)
        self._average_length = parent.avg_field_length(fieldname) or 1
        self._B = B
        self._K1 = K1
        self._weight = weight
        self._lengths = lengths
        self._kind_weights = kind_weights
        # bm25(idf, f, length) = idf (k1 + 1) f / (f + k1 (1 - b) + k1 b length / average)
        self._numerator = self._idf * (K1 + 1) * weight
        self._constant = K1 * (1 - B)
        self._per_length = K1 * B / self._average_length
        info = searcher.term_info(fieldname, text)
        self._max_quality = (
            self._bm25(info.max_weight(), info.min_length()) * weight * max_kind_weight
        )
        self._max_kind_weight = max_kind_weight

    def _bm25(self, frequency: float, length: float) -> float:
        return float(bm25(self._idf, frequency, length, self._average_length, self._B, self._K1))

    def score(self, matcher: Any) -> float:  # Any: a whoosh Matcher
        """The score of the matcher's current posting (the arithmetic of `scores_of`)."""
        docnum = matcher.id()
        frequency = matcher.weight()
        score = (
            self._numerator
            * frequency
            / (frequency + self._constant + self._per_length * self._lengths[docnum])
        )
        return float(score if self._kind_weights is None else score * self._kind_weights[docnum])

    def scores_of(self, docnums: Iterable[int], frequencies: Iterable[float]) -> dict[int, float]:
        """The score of each posting, by document number: BM25 written out in one
        comprehension (a call per posting would cost more than the arithmetic)."""
        numerator, constant, per_length = self._numerator, self._constant, self._per_length
        lengths = self._lengths
        pairs = zip(docnums, frequencies, strict=True)
        kinds = self._kind_weights
        if kinds is None:
            return {d: numerator * f / (f + constant + per_length * lengths[d]) for d, f in pairs}
        return {
            d: numerator * f / (f + constant + per_length * lengths[d]) * kinds[d] for d, f in pairs
        }

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._max_quality

    def block_quality(self, matcher: Any) -> float:  # Any: a whoosh Matcher
        best = self._bm25(matcher.block_max_weight(), matcher.block_min_length())
        return best * self._weight * self._max_kind_weight
