"""The passage service: citekeys checked against the references, listeners told of writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import Passage, QuotedIn
from annotations.store import PassageStore
from refs.errors import UnknownCitekey
from refs.store import ReferenceStore
from webapp.passage_service import PassageService


class RecordingListener:
    """A fake search index that remembers what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def passage_saved(self, passage: Passage) -> None:
        self.events.append(("saved", passage.id))

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        self.events.append(("deleted", f"{passage_id}@{citekey}"))


@pytest.fixture
def service(empty_library: Path) -> PassageService:
    (empty_library / "references.bib").write_text(
        "@book{freeze2009, title={Russia}, year=2009}\n", encoding="utf-8"
    )
    return PassageService(PassageStore(empty_library), ReferenceStore(empty_library))


def test_every_write_is_announced_to_listeners(service: PassageService) -> None:
    listener = RecordingListener()
    service.add_listener(listener)
    passage = service.add("freeze2009", "a quote")
    note = service.add_note(passage.id, "a note")
    service.edit_note(note.id, "a better note")
    service.delete_note(note.id)
    service.edit(passage.id, text="the quote")
    service.delete(passage.id)
    assert listener.events == [("saved", passage.id)] * 5 + [
        ("deleted", f"{passage.id}@freeze2009")
    ]


def test_unknown_citekeys_are_refused_before_anything_is_written(
    service: PassageService,
) -> None:
    with pytest.raises(UnknownCitekey, match="'nobody'"):
        service.add("nobody", "a quote")
    with pytest.raises(UnknownCitekey, match="'elsewhere'"):
        service.add("freeze2009", "a quote", quoted_in=QuotedIn("elsewhere"))
    assert service.passages() == []
