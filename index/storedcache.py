"""The stored fields of recently shown hits, kept across searchers.

A search reads the stored fields of its best hits (a hundred, for ranking them again).
Read without mmap, each is a few read calls on the segment file; under load every read
call gives the interpreter to another thread and waits to get it back, which made the
reading a sixth of a search's time in the soak. A segment never changes once written, so
what it stores for a document stays true for as long as the segment exists (a merge makes
a new segment, with a new id), and the same passages come back query after query.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from whoosh.searching import Searcher

from index.segments import segment_id

# Documents whose stored fields are kept: a passage's are a few hundred bytes to a few
# kilobytes, so this holds ten or twenty megabytes at most.
STORED_CACHE_DOCUMENTS = 10_000

Stored = dict[str, Any]  # Any: Whoosh's stored values (strings and numbers)


class StoredFieldsCache:
    """Stored fields by segment id and document number in the segment.

    Only the current searcher's segments are kept (a write's new segment and the merges
    that follow retire others all the time), up to `capacity` documents in all; past it,
    everything is dropped and read again as needed. The dicts handed out are shared:
    callers read them and never change them.
    """

    def __init__(self, capacity: int = STORED_CACHE_DOCUMENTS) -> None:
        self._capacity = capacity
        self._segments: dict[str, dict[int, Stored]] = {}
        self._held = 0
        self._lock = threading.Lock()

    def of(self, searcher: Searcher, docnums: Iterable[int]) -> dict[int, Stored]:
        """The stored fields of each of `docnums` (numbers in `searcher`)."""
        leaves = searcher.reader().leaf_readers()
        starts = [offset for _reader, offset in leaves]
        live = {segment_id(reader) for reader, _offset in leaves}
        found: dict[int, Stored] = {}
        with self._lock:
            for gone in self._segments.keys() - live:
                self._held -= len(self._segments.pop(gone))
            for docnum in docnums:
                reader, offset = leaves[bisect_right(starts, docnum) - 1]
                segment = segment_id(reader)
                if not segment:  # an empty index has no segment to name
                    found[docnum] = searcher.stored_fields(docnum)
                    continue
                kept = self._segments.setdefault(segment, {})
                stored = kept.get(docnum - offset)
                if stored is None:
                    if self._held >= self._capacity:
                        for entries in self._segments.values():
                            entries.clear()
                        self._held = 0
                    stored = kept[docnum - offset] = reader.stored_fields(docnum - offset)
                    self._held += 1
                found[docnum] = stored
        return found
