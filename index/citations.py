"""Finding the works a query cites, by citekey or by author and year.

A historian pastes citations: `linden1966`, `@linden1966`, `[@linden1966]`,
`\\cite{linden1966}`, or writes `Taubman 2003`. Such words name a work, not words to look
for in texts, so the work's reference comes first and its passages and notes next. The
citekeys, years and authors' names of the index's references are read once per segment
(segments never change once written) and kept by segment id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from index.analysis import fold
from index.documents import REFERENCE
from index.search import FacetColumns
from index.segments import segment_id

# What a cited reference and its own records score for the words citing them: the reference
# a little above its passages and notes, so that the query's other words decide between them.
REFERENCE_SCORE = 30.0
RECORD_SCORE = 20.0

_CITEKEY_LIKE = re.compile(r"[\w][\w\-:.]*\w|\w")
_YEAR = re.compile(r"^(1[0-9]|20)\d\d[a-z]?$")
_NAME_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class CitedWork:
    """A work the query cites: the words citing it (as typed) and its records' scores."""

    text: str
    scores: dict[int, float] = field(default_factory=dict)


@dataclass(slots=True)
class _Segment:
    """One segment's records by citekey, and its references' years and name words."""

    records: dict[str, list[int]]
    references: dict[str, int]
    years: dict[str, str]
    names: dict[str, frozenset[str]]


class WorkCatalog(Protocol):
    """The index's works as finding cited ones needs them; each backend answers from its own
    store (Whoosh's segments here, PostgreSQL's tables in `index.pg_backend`)."""

    def scores(self, citekey: str) -> dict[int, float]:
        """The reference of `citekey` (lowercase) and its passages and notes, scored."""
        ...

    def by_author_and_year(self, year: str, words: frozenset[str]) -> list[str]:
        """The citekeys of references of `year` one of whose authors' names is in `words`."""
        ...

    def names(self, citekeys: Sequence[str], word: str) -> bool:
        """True when `word` (folded) is a name of an author of any of `citekeys`."""
        ...


def citation_candidates(query: str) -> tuple[list[str], list[str]]:
    """What `cited_works` may look up for `query`: the citekey-like words (lowercase) and
    the years; a backend that fetches works on demand fetches these."""
    tokens = query.split()
    keys = [candidate.lower() for token in tokens for candidate in _CITEKEY_LIKE.findall(token)]
    years = [token.strip("(),;.")[:4] for token in tokens if _YEAR.match(token.strip("(),;."))]
    return keys, years


def cited_works(catalog: WorkCatalog, query: str) -> tuple[list[CitedWork], str]:
    """The works `query` cites, and the rest of the query (the citing words taken out)."""
    tokens = query.split()
    cited: list[CitedWork] = []
    used: set[int] = set()
    for position, token in enumerate(tokens):
        for candidate in _CITEKEY_LIKE.findall(token):
            scores = catalog.scores(candidate.lower())
            if scores:
                cited.append(CitedWork(token, scores))
                used.add(position)
                break
    years = [
        (position, token.strip("(),;.")[:4])
        for position, token in enumerate(tokens)
        if position not in used and _YEAR.match(token.strip("(),;."))
    ]
    for year_position, year in years:
        named = {
            position: fold(token)
            for position, token in enumerate(tokens)
            if position not in used and position != year_position and len(token) > 2
        }
        citekeys = catalog.by_author_and_year(year, frozenset(named.values()))
        if not citekeys:
            continue
        words = {position for position, word in named.items() if catalog.names(citekeys, word)}
        works: dict[int, float] = {}
        for citekey in citekeys:
            works.update(catalog.scores(citekey))
        text = " ".join(tokens[p] for p in sorted({*words, year_position}))
        cited.append(CitedWork(text, works))
        used.update(words | {year_position})
    rest = " ".join(token for position, token in enumerate(tokens) if position not in used)
    return cited, rest


class CitedWorks:
    """The works of a Whoosh index, looked up by the citekeys and author-year pairs of a
    query."""

    def __init__(self) -> None:
        self._segments: dict[str, _Segment] = {}
        self._lock = threading.Lock()

    def find(
        self,
        searcher: Any,  # Any: a whoosh Searcher
        query: str,
        columns: FacetColumns,
    ) -> tuple[list[CitedWork], str]:
        """The works `query` cites, and the rest of the query (the citing words taken out).
        `columns` are the search's facet columns, whose citekeys, kinds and years are read
        once per segment for both."""
        return cited_works(_SegmentCatalog(self._current(searcher, columns)), query)

    def _current(
        self,
        searcher: Any,  # Any: a whoosh Searcher
        columns: FacetColumns,
    ) -> list[tuple[int, _Segment]]:
        """Each live segment's data with its document offset, read once per segment."""
        leaves = [
            (reader, offset)
            for reader, offset in searcher.reader().leaf_readers()
            if segment_id(reader)
        ]
        with self._lock:
            live = {segment_id(reader) for reader, _offset in leaves}
            for gone in self._segments.keys() - live:
                del self._segments[gone]
            current = []
            for reader, offset in leaves:
                key = segment_id(reader)
                if key not in self._segments:
                    self._segments[key] = _read_segment(reader, columns.segment(reader))
                current.append((offset, self._segments[key]))
            return current


def _read_segment(
    reader: Any,  # Any: a whoosh SegmentReader
    values: dict[str, list[Any]],  # Any: column values
) -> _Segment:
    citekeys, kinds, years = values["citekey"], values["kind"], values["year"]
    deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
    segment = _Segment(records={}, references={}, years={}, names={})
    for docnum, (citekey, kind) in enumerate(zip(citekeys, kinds, strict=True)):
        if not citekey or docnum in deleted:
            continue
        key = str(citekey).lower()
        if kind == REFERENCE:
            segment.references[key] = docnum
            segment.years[key] = str(years[docnum] or "")[:4]
            authors = reader.stored_fields(docnum).get("authors", "")
            segment.names[key] = frozenset(
                fold(word) for word in _NAME_WORD.findall(authors) if len(word) > 2
            )
        else:
            segment.records.setdefault(key, []).append(docnum)
    return segment


class _SegmentCatalog:
    """`WorkCatalog` over the segments of one Whoosh searcher."""

    def __init__(self, segments: Sequence[tuple[int, _Segment]]) -> None:
        self._segments = segments

    def scores(self, citekey: str) -> dict[int, float]:
        return _scores(self._segments, citekey)

    def by_author_and_year(self, year: str, words: frozenset[str]) -> list[str]:
        return _by_author_and_year(self._segments, year, words)

    def names(self, citekeys: Sequence[str], word: str) -> bool:
        return _names(self._segments, citekeys, word)


def _scores(segments: Sequence[tuple[int, _Segment]], citekey: str) -> dict[int, float]:
    scores: dict[int, float] = {}
    for offset, segment in segments:
        reference = segment.references.get(citekey)
        if reference is not None:
            scores[offset + reference] = REFERENCE_SCORE
        for docnum in segment.records.get(citekey, ()):
            scores[offset + docnum] = RECORD_SCORE
    return scores


def _by_author_and_year(
    segments: Sequence[tuple[int, _Segment]], year: str, words: frozenset[str]
) -> list[str]:
    """The citekeys of references of `year` one of whose authors' names is among `words`."""
    return sorted(
        citekey
        for _offset, segment in segments
        for citekey, held in segment.years.items()
        if held == year and segment.names.get(citekey, frozenset()) & words
    )


def _names(segments: Sequence[tuple[int, _Segment]], citekeys: Sequence[str], word: str) -> bool:
    return any(
        word in segment.names.get(citekey, frozenset())
        for _offset, segment in segments
        for citekey in citekeys
    )
