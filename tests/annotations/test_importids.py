"""Imports never overwrite or shadow a record: taken ids get fresh ones, records stored
already are recognised, and no passage of the library is changed or lost."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from annotations.importids import ImportIds
from annotations.model import Note, Passage
from annotations.store import PassageStore
from annotations.webanno import export_collection, import_collection
from tests.annotations.strategies import PROPERTY_SETTINGS, passages

STAMP = "2026-11-23T18:00:00Z"
POOL = [f"01JD00000000000000000000{n:02d}" for n in range(6)]
CITEKEYS = ["freeze2009", "taubman2004"]


def _passage(passage_id: str, citekey: str, text: str, *note_ids: str) -> Passage:
    return Passage(
        id=passage_id,
        citekey=citekey,
        text=text,
        notes=tuple(Note(id=n, text=f"note {n}", created=STAMP, modified=STAMP) for n in note_ids),
        created=STAMP,
        modified=STAMP,
    )


def test_a_record_stored_already_is_present_and_an_altered_one_is_renamed() -> None:
    stored = _passage(POOL[0], "freeze2009", "kept", POOL[1])
    ids = ImportIds([stored])
    assert ids.place(stored) is None
    altered = replace(stored, text="altered")
    placed = ids.place(altered)
    assert placed is not None
    assert placed.id not in POOL and placed.notes[0].id not in POOL
    assert [(r.kind, r.old, r.new) for r in ids.result.renamed] == [
        ("passage", POOL[0], placed.id),
        ("note", POOL[1], placed.notes[0].id),
    ]
    assert (ids.result.added, ids.result.present) == ([placed], [stored])


def test_ids_repeated_inside_one_import_are_made_distinct() -> None:
    ids = ImportIds([])
    first = ids.place(_passage(POOL[0], "freeze2009", "one", POOL[1], POOL[1]))
    second = ids.place(_passage(POOL[1], "freeze2009", "two", POOL[0]))
    assert first is not None and second is not None
    every = [first.id, *(n.id for n in first.notes), second.id, *(n.id for n in second.notes)]
    assert len(set(every)) == 5
    assert first.id == POOL[0] and first.notes[0].id == POOL[1]
    assert ids.place(_passage(POOL[0], "freeze2009", "one", POOL[1], POOL[1])) is None


pool_ids = st.sampled_from(POOL)


@st.composite
def colliding_passages(draw: st.DrawFn) -> Passage:
    """A passage of one of two works whose passage and note ids come from a small pool."""
    passage = draw(passages(citekey=draw(st.sampled_from(CITEKEYS))))
    return replace(
        passage,
        id=draw(pool_ids),
        notes=tuple(replace(note, id=draw(pool_ids)) for note in passage.notes),
    )


def _every_id(records: list[Passage]) -> list[str]:
    return [p.id for p in records] + [n.id for p in records for n in p.notes]


@PROPERTY_SETTINGS
@given(
    existing=st.lists(colliding_passages(), max_size=4),
    incoming=st.lists(colliding_passages(), max_size=5),
    again=st.lists(st.integers(0, 3), max_size=3),
)
def test_a_random_w3c_import_changes_and_loses_no_passage_of_the_library(
    existing: list[Passage], incoming: list[Passage], again: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = PassageStore(Path(folder))
        store.import_passages(existing)
        before = store.passages()
        assert len(set(_every_id(before))) == len(_every_id(before))
        # Some of the library's own passages come back too, exactly as exported.
        records = incoming + [before[n] for n in again if n < len(before)]
        document = export_collection(records, lambda citekey: f"urn:x:{citekey}")
        match = {f"citekey:{citekey}": citekey for citekey in CITEKEYS}
        found = import_collection(document, match)

        result = store.import_passages(found.passages)

        after = store.passages()
        for passage in before:
            assert store.get(passage.id) == passage
            assert passage in after
        assert len(set(_every_id(after))) == len(_every_id(after))
        assert len(after) == len(before) + len(result.added)
        for added in result.added:
            assert store.get(added.id) == added
        for present in result.present:
            assert present in before or found.passages.count(present) > 1
