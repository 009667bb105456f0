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
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from whoosh.searching import Searcher

# Documents whose stored fields are kept: a passage's are a few hundred bytes to a few
# kilobytes, so this holds a few tens of megabytes at most.
STORED_CACHE_DOCUMENTS = 20_000

Stored = dict[str, Any]  # Any: Whoosh's stored values (strings and numbers)


class StoredFieldsCache:
    """Stored fields by (segment id, document number in the segment), least recent out.

    The dicts handed out are shared: callers read them and never change them.
    """

    def __init__(self, capacity: int = STORED_CACHE_DOCUMENTS) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, int], Stored] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, searcher: Searcher, docnums: Iterable[int]) -> dict[int, Stored]:
        """The stored fields of each of `docnums` (numbers in `searcher`)."""
        leaves = searcher.reader().leaf_readers()
        starts = [offset for _reader, offset in leaves]
        found: dict[int, Stored] = {}
        for docnum in docnums:
            reader, offset = leaves[bisect_right(starts, docnum) - 1]
            segment = reader.segment()
            if segment is None:  # an empty index has no segment to name
                found[docnum] = searcher.stored_fields(docnum)
                continue
            key = (str(segment.segment_id()), docnum - offset)
            with self._lock:
                stored = self._entries.get(key)
                if stored is not None:
                    self._entries.move_to_end(key)
            if stored is None:
                stored = reader.stored_fields(docnum - offset)
                with self._lock:
                    self._entries[key] = stored
                    if len(self._entries) > self._capacity:
                        self._entries.popitem(last=False)
            found[docnum] = stored
        return found
