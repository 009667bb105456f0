"""Naming a Whoosh segment, for the caches that keep per-segment data across searchers."""

from __future__ import annotations

from whoosh.reading import IndexReader


def segment_id(reader: IndexReader) -> str:
    """The id of `reader`'s segment; "" for the reader of an empty index, which has none.

    Segments never change once written (deletions are kept apart), so data read from one
    stays valid under its id for as long as the segment exists.
    """
    segment = reader.segment()
    return str(segment.segment_id()) if segment is not None else ""
