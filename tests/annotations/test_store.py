"""The file store: reading, every kind of write, broken files, concurrency guards."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.errors import (
    BrokenPassageFile,
    InvalidCitekey,
    InvalidPassage,
    NoteNotFound,
    PassageConflict,
    PassageNotFound,
)
from annotations.model import Locator, QuotedIn
from annotations.passagefile import parse_passage_file
from annotations.store import PassageStore

QUOTE = "The underlying idea was to bring decision-making closer to the enterprise"


@pytest.fixture
def store(tmp_path: Path) -> PassageStore:
    return PassageStore(tmp_path)


def _on_disk(store: PassageStore, citekey: str) -> list[dict[str, object]]:
    path = store.passages_dir / f"{citekey}.json"
    parse_passage_file(path.read_bytes(), path)  # every file written must stay valid
    passages: list[dict[str, object]] = json.loads(path.read_text("utf-8"))["passages"]
    return passages


def test_added_passage_is_stored_and_found_by_a_new_store(store: PassageStore) -> None:
    passage = store.add(
        "freeze2009",
        QUOTE,
        locator=Locator("page", "422"),
        quoted_in=QuotedIn("linden1966", Locator("page", "12")),
        tags=["economy", " economy ", "reform"],
        notes=["Compare the sovnarkhoz reform."],
    )
    assert passage.tags == ("economy", "reform")
    assert passage.created.endswith("Z") and len(passage.created) == 20
    fresh = PassageStore(store.library_dir)
    assert fresh.get(passage.id) == passage
    assert fresh.passages("freeze2009") == [passage]
    assert fresh.get_note(passage.notes[0].id) == passage.notes[0]
    assert _on_disk(store, "freeze2009")[0]["text"] == QUOTE


def test_passages_are_listed_by_citekey_then_creation(store: PassageStore) -> None:
    second = store.add("taubman2004", "b")
    first = store.add("freeze2009", "a")
    third = store.add("taubman2004", "c")
    assert store.passages() == [first, second, third]
    assert store.passages("taubman2004") == [second, third]
    assert store.passages("nobody") == []


def test_edit_bumps_revision_and_keeps_unnamed_fields(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE, locator=Locator("page", "422"), tags=["a"])
    edited = store.edit(passage.id, revision=1, text="new words", locator=None)
    assert (edited.text, edited.locator, edited.tags, edited.revision) == (
        "new words",
        None,
        ("a",),
        2,
    )
    assert PassageStore(store.library_dir).get(passage.id) == edited


def test_edit_based_on_an_old_revision_is_refused(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE)
    other_process = PassageStore(store.library_dir)
    other_process.edit(passage.id, revision=1, text="theirs")
    with pytest.raises(PassageConflict, match="revision 1, it is now at revision 2"):
        store.edit(passage.id, revision=1, text="mine")
    assert PassageStore(store.library_dir).get(passage.id).text == "theirs"


def test_delete_removes_passage_and_its_notes(store: PassageStore) -> None:
    kept = store.add("freeze2009", "kept")
    gone = store.add("freeze2009", "gone", notes=["a note"])
    store.delete(gone.id)
    with pytest.raises(PassageNotFound):
        store.get(gone.id)
    with pytest.raises(NoteNotFound):
        store.get_note(gone.notes[0].id)
    assert [p["id"] for p in _on_disk(store, "freeze2009")] == [kept.id]


def test_deleting_the_last_passage_removes_the_file(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE)
    store.delete(passage.id)
    assert not (store.passages_dir / "freeze2009.json").exists()
    assert not store.has_passages("freeze2009")


def test_notes_keep_their_order_through_edits(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE)
    first = store.add_note(passage.id, "first")
    second = store.add_note(passage.id, "second")
    third = store.add_note(passage.id, "third")
    edited = store.edit_note(second.id, "second, revised")
    store.delete_note(first.id)
    notes = PassageStore(store.library_dir).get(passage.id).notes
    assert [note.id for note in notes] == [second.id, third.id]
    assert notes[0] == edited and edited.text == "second, revised"


def test_passage_written_by_another_process_is_found(store: PassageStore) -> None:
    passage = PassageStore(store.library_dir).add("freeze2009", QUOTE, notes=["n"])
    assert store.get(passage.id) == passage
    assert store.passage_of_note(passage.notes[0].id) == passage


@pytest.mark.parametrize(
    "citekey",
    [
        pytest.param("../../etc/passwd", id="traversal"),
        pytest.param(".hidden", id="leading-dot"),
        pytest.param("a/b", id="slash"),
        pytest.param("a b", id="space"),
        pytest.param("", id="empty"),
    ],
)
def test_citekey_that_cannot_name_a_file_is_refused(store: PassageStore, citekey: str) -> None:
    with pytest.raises(InvalidCitekey):
        store.add(citekey, QUOTE)
    assert not any(store.library_dir.rglob("*.json"))


def test_empty_text_is_refused_naming_the_field(store: PassageStore) -> None:
    with pytest.raises(InvalidPassage, match=r"^text: must not be empty"):
        store.add("freeze2009", "  \n")


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("a\x00b", id="nul"),
        pytest.param("bad \udcff byte", id="undecodable-byte-from-argv"),
        pytest.param("\ud800", id="lone-surrogate"),
    ],
)
def test_text_no_file_may_hold_is_refused_naming_the_field_before_writing(
    store: PassageStore, bad: str
) -> None:
    kept = store.add("freeze2009", "Kept.")
    before = (store.passages_dir / "freeze2009.json").read_bytes()
    writes = [
        (lambda: store.add("freeze2009", bad), "text"),
        (lambda: store.add("freeze2009", "x", tags=[bad]), "tags"),
        (lambda: store.add("freeze2009", "x", notes=[bad]), "text"),
        (lambda: store.edit(kept.id, revision=kept.revision, text=bad), "text"),
        (lambda: store.edit(kept.id, revision=kept.revision, tags=["ok", bad]), "tags"),
        (lambda: store.add_note(kept.id, bad), "text"),
    ]
    for write, field in writes:
        with pytest.raises(InvalidPassage) as caught:
            write()
        assert caught.value.field == field
        assert "NUL" in caught.value.message or "surrogate" in caught.value.message
    assert (store.passages_dir / "freeze2009.json").read_bytes() == before


def test_journal_puts_back_what_was_written_unless_changed_since(store: PassageStore) -> None:
    kept = store.add("freeze2009", "Kept.", notes=["A note."])
    before = (store.passages_dir / "freeze2009.json").read_bytes()
    with store.recording() as journal:
        store.edit(kept.id, revision=1, text="Changed.")
        store.add_note(kept.id, "Another note.")
        store.add("taubman2004", "A new file.")
    assert len(journal.places) == 3
    assert journal.undo()
    assert (store.passages_dir / "freeze2009.json").read_bytes() == before
    assert not (store.passages_dir / "taubman2004.json").exists()
    assert PassageStore(store.library_dir).passages() == [kept]

    with store.recording() as journal:
        added = store.add("freeze2009", "Mine.")
    other = PassageStore(store.library_dir)
    other.edit(added.id, revision=1, tags=["theirs"])
    assert not journal.undo()
    assert store.get(added.id).tags == ("theirs",)


def test_broken_file_is_reported_skipped_and_never_rewritten(store: PassageStore) -> None:
    good = store.add("taubman2004", "good")
    broken = store.passages_dir / "freeze2009.json"
    broken.write_text('{"citekey": "freeze2009", "format": "florilegium-passages/1",\n', "utf-8")
    before = broken.read_bytes()
    fresh = PassageStore(store.library_dir)
    assert [str(problem) for problem in fresh.problems] == [
        f"{broken}:2: invalid JSON: Expecting property name enclosed in double quotes"
    ]
    assert fresh.passages() == [good]
    assert fresh.has_passages("freeze2009")
    with pytest.raises(BrokenPassageFile, match=r"fix freeze2009\.json first"):
        fresh.add("freeze2009", QUOTE)
    with pytest.raises(BrokenPassageFile):
        fresh.delete_citekey("freeze2009")
    assert broken.read_bytes() == before
    fresh.add("taubman2004", "still works")


def test_hand_edit_is_seen_on_the_next_read(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE)
    path = store.passages_dir / "freeze2009.json"
    path.write_text(path.read_text("utf-8").replace(QUOTE, "edited by hand"), "utf-8")
    assert store.passages("freeze2009")[0].text == "edited by hand"
    assert store.get(passage.id).text == "edited by hand"


def test_import_keeps_ids_and_recognises_records_present(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE, notes=["n"])
    other = PassageStore(store.library_dir.parent / "other")
    first = other.import_passages([passage, passage])
    assert (first.added, first.present, first.renamed) == ([passage], [passage], [])
    again = other.import_passages([passage])
    assert (again.added, again.present, again.renamed) == ([], [passage], [])
    assert other.get(passage.id) == passage


def test_import_gives_fresh_ids_where_any_passage_or_note_has_them(store: PassageStore) -> None:
    kept = store.add("freeze2009", QUOTE, notes=["mine"])
    impostor = replace(kept, citekey="taubman2004", text="an impostor")
    note_twin = store.add("linden1966", "elsewhere")
    by_note_id = replace(note_twin, id=kept.notes[0].id, text="named like a note")

    result = store.import_passages([impostor, by_note_id])

    assert [(item.kind, item.old) for item in result.renamed] == [
        ("passage", kept.id),
        ("note", kept.notes[0].id),
        ("passage", kept.notes[0].id),
    ]
    assert store.get(kept.id) == kept
    assert store.get_note(kept.notes[0].id) == kept.notes[0]
    for added in result.added:
        assert store.get(added.id) == added
    assert len(store.passages()) == 4


def test_delete_citekey_removes_every_passage_of_it(store: PassageStore) -> None:
    removed = [store.add("freeze2009", "a"), store.add("freeze2009", "b")]
    kept = store.add("taubman2004", "c")
    assert store.delete_citekey("freeze2009") == removed
    assert store.passages() == [kept]


def test_files_change_signature_when_a_file_changes(store: PassageStore) -> None:
    store.add("freeze2009", "a")
    before = {info.citekey: (info.mtime_ns, info.size) for info in store.files()}
    store.add("freeze2009", "b")
    after = {info.citekey: (info.mtime_ns, info.size) for info in store.files()}
    assert before.keys() == after.keys() == {"freeze2009"}
    assert before != after
    assert store.versions()["freeze2009"] == "{}:{}".format(*after["freeze2009"])


def test_record_the_schema_refuses_is_never_written(store: PassageStore) -> None:
    kept = store.add("freeze2009", QUOTE)
    with pytest.raises(InvalidPassage) as caught:
        store.add("freeze2009", QUOTE, locator=Locator("pg", "1"))
    assert caught.value.field == "locator.label"
    assert [p["id"] for p in _on_disk(store, "freeze2009")] == [kept.id]


def test_edit_that_changes_nothing_keeps_the_revision(store: PassageStore) -> None:
    passage = store.add("freeze2009", QUOTE, tags=["a"])
    assert store.edit(passage.id, revision=1, text=QUOTE, tags=["a"]) == passage
    assert store.get(passage.id).revision == 1


def test_listing_by_a_citekey_that_cannot_name_a_file_finds_nothing(store: PassageStore) -> None:
    store.add("freeze2009", QUOTE)
    assert store.passages("../../etc/passwd") == []
    assert not store.has_passages("../passages/freeze2009")
    assert store.problems == []
