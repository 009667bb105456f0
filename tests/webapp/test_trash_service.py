"""Deletes go to the trash and come back exactly, with their ids, through `Services.trash`."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotations.errors import NoteNotFound, PassageNotFound, RestoreRefused, TrashItemNotFound
from annotations.model import Locator
from refs.errors import UnknownCitekey
from webapp.services import Services


def test_a_deleted_passage_comes_back_with_its_notes_ids_and_revision(
    services: Services,
) -> None:
    passage = services.passages.add(
        "freeze2009", "Tanks rolled", locator=Locator("page", "422"), tags=["army"],
        notes=["first", "second"],
    )  # fmt: skip
    passage = services.passages.edit(passage.id, text="Tanks rolled in")
    item = services.passages.delete(passage.id)
    with pytest.raises(PassageNotFound):
        services.passages.get(passage.id)
    assert [listed.id for listed in services.trash.items()] == [item.id]
    restored = services.trash.restore(item.id)
    assert services.passages.get(passage.id) == passage
    assert list(restored.passages) == [passage] and not restored.renamed
    assert services.trash.items() == []
    with pytest.raises(TrashItemNotFound):
        services.trash.restore(item.id)


def test_a_deleted_note_comes_back_on_its_passage_with_its_id(services: Services) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["keep", "gone"])
    kept, gone = passage.notes
    item = services.passages.delete_note(gone.id)
    with pytest.raises(NoteNotFound):
        services.passages.get_note(gone.id)
    assert item.passage_id == passage.id and item.note == gone
    services.trash.restore(item.id)
    assert services.passages.get(passage.id).notes == (kept, gone)


def test_a_note_whose_passage_is_gone_says_so_and_stays_in_the_trash(
    services: Services,
) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["orphan"])
    note_item = services.passages.delete_note(passage.notes[0].id)
    passage_item = services.passages.delete(passage.id)
    with pytest.raises(RestoreRefused, match=r"the passage this note was on .* is gone"):
        services.trash.restore(note_item.id)
    assert {item.id for item in services.trash.items()} == {note_item.id, passage_item.id}
    services.trash.restore(passage_item.id)
    services.trash.restore(note_item.id)
    assert [note.text for note in services.passages.get(passage.id).notes] == ["orphan"]


def test_ids_taken_meanwhile_are_replaced_and_reported(services: Services) -> None:
    passage = services.passages.add("freeze2009", "Original", notes=["a note"])
    item = services.passages.delete(passage.id)
    usurper = replace(passage, text="Someone else's, under the same ids")
    services.passages.import_passages([usurper])
    restored = services.trash.restore(item.id)
    [back] = restored.passages
    assert back.id != passage.id and back.text == "Original"
    assert {(r.kind, r.old) for r in restored.renamed} == {
        ("passage", passage.id),
        ("note", passage.notes[0].id),
    }
    assert services.passages.get(passage.id).text == "Someone else's, under the same ids"


def test_a_reference_and_its_passages_come_back_with_its_exact_bibtex(
    services: Services,
) -> None:
    bib = services.library_dir / "references.bib"
    raw = services.refs.get("taubman2004").raw
    passage = services.passages.add("taubman2004", "Khrushchev said", notes=["n"])
    item = services.delete_reference("taubman2004", cascade=True)
    assert "taubman2004" not in bib.read_text("utf-8")
    assert item.reference is not None and item.reference.bibtex == raw
    with pytest.raises(UnknownCitekey):
        services.refs.get("taubman2004")
    restored = services.trash.restore(item.id)
    assert restored.citekey == "taubman2004"
    assert raw.strip() in bib.read_text("utf-8")
    assert services.passages.get(passage.id) == passage


def test_a_reference_whose_citekey_is_taken_meanwhile_is_refused(services: Services) -> None:
    item = services.delete_reference("taubman2004")
    services.refs.add("@book{taubman2004,\n  title = {Another},\n}")
    with pytest.raises(RestoreRefused, match="citekey 'taubman2004' exists now"):
        services.trash.restore(item.id)
    assert services.trash.get(item.id) == item
    assert services.refs.get("taubman2004").fields["title"] == "Another"


def test_a_passage_whose_reference_is_gone_is_refused(services: Services) -> None:
    passage = services.passages.add("taubman2004", "Words")
    passage_item = services.passages.delete(passage.id)
    services.delete_reference("taubman2004")
    with pytest.raises(RestoreRefused, match="its reference 'taubman2004' is gone"):
        services.trash.restore(passage_item.id)


def test_emptying_removes_every_item(services: Services) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["n"])
    services.passages.delete_note(passage.notes[0].id)
    services.passages.delete(passage.id)
    assert len(services.trash.empty()) == 2
    assert services.trash.items() == []
    assert not any((services.library_dir / "trash").iterdir())
