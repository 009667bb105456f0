"""The file trash: one readable JSON file per item, listed newest first, taken out once."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from annotations.errors import TrashItemNotFound
from annotations.ids import new_id
from annotations.model import Locator, Note, Passage
from annotations.trash import DeletedReference, TrashItem
from annotations.trashfolder import TrashFolder

NOTE = Note(id=new_id(), text="Compare *Linden*.", created="2026-01-02T03:04:05Z",
            modified="2026-01-03T03:04:05Z", revision=3)  # fmt: skip
PASSAGE = Passage(
    id=new_id(),
    citekey="freeze2009",
    text="The underlying idea",
    locator=Locator("page", "422"),
    tags=("economy",),
    notes=(NOTE,),
    created="2026-01-02T03:04:05Z",
    modified="2026-01-02T03:04:05Z",
    revision=2,
)


def _item(kind: str = "passage", **fields: object) -> TrashItem:
    defaults: dict[str, object] = {
        "id": new_id(),
        "kind": kind,
        "deleted": "2026-02-03T04:05:06Z",
        "citekey": "freeze2009",
        "passages": (PASSAGE,),
    }
    return TrashItem(**(defaults | fields))  # type: ignore[arg-type]


@pytest.fixture
def trash(tmp_path: Path) -> TrashFolder:
    return TrashFolder(tmp_path)


def test_items_come_back_whole_newest_first_from_a_new_folder_object(
    trash: TrashFolder, tmp_path: Path
) -> None:
    older = _item()
    note = _item("note", passages=(PASSAGE,), note=NOTE)
    reference = _item(
        "reference",
        citekey="freeze2009",
        reference=DeletedReference(
            citekey="freeze2009", file="refs.bib", bibtex="@book{freeze2009,\n  title = {R},\n}"
        ),
    )
    for item in (older, note, reference):
        trash.put(item)
    assert TrashFolder(tmp_path).items() == [reference, note, older]
    assert trash.get(note.id) == note
    assert note.passage_id == PASSAGE.id and note.record_id == NOTE.id
    assert reference.summary == "reference freeze2009 with 1 passage"


def test_an_item_is_a_plain_json_file_named_by_its_id(trash: TrashFolder, tmp_path: Path) -> None:
    item = _item()
    trash.put(item)
    document = json.loads((tmp_path / "trash" / f"{item.id}.json").read_text("utf-8"))
    assert document["kind"] == "passage"
    assert document["passages"][0]["text"] == "The underlying idea"
    assert document["passages"][0]["notes"][0]["text"] == "Compare *Linden*."


def test_taking_out_happens_once(trash: TrashFolder) -> None:
    item = _item()
    trash.put(item)
    assert trash.take_out(item.id) == item
    with pytest.raises(TrashItemNotFound):
        trash.take_out(item.id)
    assert trash.items() == []


@pytest.mark.parametrize(
    "trash_id", ["../passages/x", "nothing", "", "01M8YFPK7FM868DKMP53BY4W5P/.."], ids=str
)
def test_ids_that_are_not_ulids_name_nothing(trash: TrashFolder, trash_id: str) -> None:
    with pytest.raises(TrashItemNotFound):
        trash.get(trash_id)
    with pytest.raises(TrashItemNotFound):
        trash.take_out(trash_id)


def test_a_broken_file_is_reported_and_left_alone_while_the_rest_is_listed(
    trash: TrashFolder, tmp_path: Path
) -> None:
    good = _item()
    trash.put(good)
    broken = tmp_path / "trash" / f"{new_id()}.json"
    broken.write_text('{"format": "florilegium-trash/1"', encoding="utf-8")
    mangled = _item()
    trash.put(mangled)
    path = tmp_path / "trash" / f"{mangled.id}.json"
    document = json.loads(path.read_text("utf-8"))
    document["passages"][0]["locator"] = {"label": "pg", "value": "1"}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert trash.items() == [good]
    problems = sorted(str(problem) for problem in trash.problems)
    assert len(problems) == 2
    assert any(
        str(broken) in problem and "not a JSON trash file" in problem for problem in problems
    )
    assert any("passages.0.locator.label" in problem for problem in problems)
    assert broken.read_text("utf-8") == '{"format": "florilegium-trash/1"'


def test_of_concurrent_take_outs_exactly_one_gets_the_item(trash: TrashFolder) -> None:
    item = _item()
    trash.put(item)
    start = threading.Barrier(8)

    def take() -> TrashItem | None:
        start.wait()
        try:
            return trash.take_out(item.id)
        except TrashItemNotFound:
            return None

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: take(), range(8)))
    assert [result for result in results if result is not None] == [item]
    assert list(trash.folder.iterdir()) == []
