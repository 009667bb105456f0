"""The PostgreSQL passage store keeps the `PassageRepository` promises the file store keeps."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from annotations.errors import InvalidPassage, NoteConflict, PassageConflict, PassageNotFound
from annotations.model import Locator, Note, Passage
from annotations.pgstore import PgPassageStore
from teamdb.audit import acting_as
from teamdb.connection import Database

T = "2026-01-02T03:04:05Z"


@pytest.fixture
def store(pg_url: str) -> Iterator[PgPassageStore]:
    database = Database(pg_url)
    yield PgPassageStore(database)
    database.close()


def test_add_edit_and_a_stale_revision(store: PgPassageStore) -> None:
    with acting_as("ada"):
        added = store.add("linden1966", "the words", locator=Locator("page", "422"), notes=["n"])
    assert store.get(added.id) == added
    assert store.passages("linden1966") == [added]
    edited = store.edit(added.id, revision=1, text="other words", tags=["a", "a", "b"])
    assert (edited.revision, edited.tags) == (2, ("a", "b"))
    with pytest.raises(PassageConflict) as conflict:
        store.edit(added.id, revision=1, text="late")
    assert conflict.value.record == edited
    note = store.add_note(added.id, "second")
    assert [n.text for n in store.get(added.id).notes] == ["n", "second"]
    store.edit_note(note.id, "changed", revision=1)
    with pytest.raises(NoteConflict):
        store.edit_note(note.id, "late", revision=1)
    assert store.passage_of_note(note.id).id == added.id
    store.delete(added.id, revision=2)
    with pytest.raises(PassageNotFound):
        store.get(added.id)
    with psycopg.connect(store.database.url) as connection:
        actions = connection.execute(
            "SELECT actor, action FROM audit_log ORDER BY id LIMIT 2"
        ).fetchall()
    assert actions == [("ada", "add"), ("(unknown)", "edit")]


def test_bad_records_are_refused_naming_the_field(store: PgPassageStore) -> None:
    with pytest.raises(InvalidPassage) as refused:
        store.add("linden1966", "words", locator=Locator("nonsense", "1"))
    assert "label" in refused.value.field
    assert store.passages() == []


def test_undo_puts_back_what_the_journal_recorded(store: PgPassageStore) -> None:
    kept = store.add("a2000", "kept")
    with store.recording() as journal:
        store.add("a2000", "undone")
        store.edit(kept.id, revision=1, text="changed")
    assert journal.undo()
    assert store.passages() == [kept]


def test_import_keeps_ids_and_renames_taken_ones(store: PgPassageStore) -> None:
    first = store.add("a2000", "first")
    note = Note(id="01J00000000000000000000000", text="t", created=T, modified=T)
    incoming = Passage(
        id=first.id, citekey="b2001", text="clash", notes=(note,), created=T, modified=T
    )
    result = store.import_passages([first, incoming])
    assert result.present == [first]
    assert [r.old for r in result.renamed] == [first.id]
    assert {p.citekey for p in store.passages()} == {"a2000", "b2001"}
    assert store.get_note(note.id).text == "t"
    assert store.import_passages([first]).added == []
