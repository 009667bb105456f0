"""Stored fields come from the cache exactly as the segments hold them, across writes."""

from __future__ import annotations

from whoosh.fields import ID, STORED, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index

from index.storedcache import Stored, StoredFieldsCache


def small_index() -> Index:
    index = RamStorage().create_index(Schema(id=ID(stored=True, unique=True), text=STORED))
    for batch in (range(0, 5), range(5, 9)):  # two segments
        with index.writer() as writer:
            for number in batch:
                writer.add_document(id=f"d{number}", text=f"text {number}")
    return index


def everything(index: Index, cache: StoredFieldsCache) -> tuple[list[Stored], list[Stored]]:
    with index.searcher() as searcher:
        docnums = list(searcher.document_numbers())
        return (
            [searcher.stored_fields(docnum) for docnum in docnums],
            [cache.of(searcher, docnums)[docnum] for docnum in docnums],
        )


def test_cached_fields_are_the_segments_own_in_every_segment() -> None:
    index = small_index()
    cache = StoredFieldsCache(capacity=3)  # smaller than the index: entries are dropped
    direct, cached = everything(index, cache)
    assert len(direct) == 9
    assert cached == direct
    assert everything(index, cache)[1] == direct  # read again, partly from the cache


def test_documents_renumbered_by_a_write_are_not_confused() -> None:
    index = small_index()
    cache = StoredFieldsCache()
    everything(index, cache)
    with index.writer() as writer:
        writer.delete_by_term("id", "d1")
        writer.add_document(id="d9", text="text 9")
    writer = index.writer()
    writer.add_document(id="d10", text="text 10")
    writer.commit(optimize=True)  # one new segment: every document has another number
    direct, cached = everything(index, cache)
    assert cached == direct
    assert {fields["id"] for fields in direct} == {f"d{n}" for n in range(11)} - {"d1"}


def test_segments_gone_from_the_index_are_forgotten() -> None:
    index = small_index()
    cache = StoredFieldsCache()
    everything(index, cache)
    writer = index.writer()
    writer.commit(optimize=True)  # both segments merged into a new one
    with index.searcher() as searcher:
        live = {reader.segment().segment_id() for reader, _ in searcher.reader().leaf_readers()}
        cache.of(searcher, [0])
    assert set(cache._segments) <= live  # the kept segments
