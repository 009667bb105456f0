"""The passage file format: bytes on disk, schema errors naming the field, the fast check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from annotations.errors import PassageFileError
from annotations.model import Locator, Note, Passage
from annotations.passagefile import (
    decode_strictly,
    parse_passage_file,
    passage_file_bytes,
    passage_from_json,
)
from annotations.passageschema import SCHEMA
from tests.annotations.strategies import PROPERTY_SETTINGS, passages

PATH = Path("passages/freeze2009.json")
DEMO_LIBRARY = Path(__file__).resolve().parents[2] / "library"
STAMP = "2026-11-23T18:00:00Z"


def _passage(passage_id: str = "01JD0000000000000000000000", **changes: Any) -> Passage:
    fields: dict[str, Any] = {
        "id": passage_id,
        "citekey": "freeze2009",
        "text": "The underlying idea was to bring decision-making closer to the enterprise",
        "locator": Locator("page", "422"),
        "created": STAMP,
        "modified": STAMP,
    }
    fields.update(changes)
    return Passage(**fields)


def test_file_is_pretty_sorted_unicode_with_passages_by_id() -> None:
    later = _passage("01JD0000000000000000000009", text="«Товарищ» Жуков")
    earlier = _passage("01JD0000000000000000000001")
    data = passage_file_bytes("freeze2009", [later, earlier])
    text = data.decode("utf-8")
    assert text.endswith("}\n")
    assert "«Товарищ» Жуков" in text
    document = json.loads(text)
    assert [p["id"] for p in document["passages"]] == [earlier.id, later.id]
    assert text == json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@PROPERTY_SETTINGS
@given(records=st.lists(passages("freeze2009"), max_size=4, unique_by=lambda p: p.id))
def test_file_round_trips_every_passage(records: list[Passage]) -> None:
    note_ids = [note.id for record in records for note in record.notes]
    if len(set(note_ids) | {p.id for p in records}) != len(note_ids) + len(records):
        return  # ids collide across records: a file with them is rightly refused
    read = parse_passage_file(passage_file_bytes("freeze2009", records), PATH)
    assert read.citekey == "freeze2009"
    assert list(read.passages) == sorted(records, key=lambda p: p.id)


def _document(*records: Passage) -> Any:
    return json.loads(passage_file_bytes("freeze2009", records))


def test_bad_label_is_reported_with_file_and_field_path() -> None:
    document = _document(*(_passage(f"01JD000000000000000000000{i}") for i in range(4)))
    document["passages"][3]["locator"]["label"] = "pg"
    with pytest.raises(PassageFileError) as caught:
        parse_passage_file(json.dumps(document).encode(), PATH)
    assert str(caught.value).startswith(
        "passages/freeze2009.json: passages.3.locator.label: 'pg' is not one of"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b'{"citekey": ', "passages/freeze2009.json:1: invalid JSON", id="truncated"),
        pytest.param(b"\xff\xfe", "passages/freeze2009.json: not UTF-8", id="binary"),
        pytest.param(
            b'{"citekey": "other", "format": "florilegium-passages/1", "passages": []}',
            "passages/freeze2009.json: citekey: 'other' does not match the file name",
            id="wrong-citekey",
        ),
        pytest.param(
            b'{"citekey": "freeze2009", "format": "v2", "passages": []}',
            "passages/freeze2009.json: format:",
            id="unknown-format",
        ),
    ],
)
def test_unreadable_file_is_reported_where_it_breaks(data: bytes, expected: str) -> None:
    with pytest.raises(PassageFileError) as caught:
        parse_passage_file(data, PATH)
    assert str(caught.value).startswith(expected)


def test_duplicate_note_id_is_refused() -> None:
    note = Note(id="01JD0000000000000000000077", text="n", created=STAMP, modified=STAMP)
    document = _document(_passage(notes=(note, note)))
    with pytest.raises(PassageFileError, match=r"passages\.0\.notes\.1\.id: duplicate id"):
        parse_passage_file(json.dumps(document).encode(), PATH)


# Every way of damaging one value of a valid document, for the fast-check property.
damages = st.sampled_from(
    [None, 0, 1.0, -1, True, "", "x", "pg", [], {}, ["x"], {"label": "page"}, "01JD"]
)


@st.composite
def damaged_documents(draw: st.DrawFn) -> Any:
    records = draw(
        st.lists(passages("freeze2009"), min_size=1, max_size=2, unique_by=lambda p: p.id)
    )
    document = copy.deepcopy(_document(*records))
    for _ in range(draw(st.integers(1, 2))):
        parent, key = _pick_slot(draw, document)
        if draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(key, None) if draw(st.booleans()) else parent.update({"extra": 1})
        else:
            # A copy: the sampled lists and dicts are shared between examples, and a later
            # damage may edit inside this one (a mutated constant made hypothesis flaky).
            parent[key] = copy.deepcopy(draw(damages))
    return document


def _pick_slot(draw: st.DrawFn, node: Any) -> tuple[Any, Any]:
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or draw(st.booleans()):
            return node, key
        node = child


@PROPERTY_SETTINGS
@given(document=damaged_documents())
def test_fast_decoder_is_never_looser_than_the_schema(document: Any) -> None:
    decoded = decode_strictly(document)
    if decoded is not None:
        assert Draft202012Validator(SCHEMA).is_valid(document)
        citekey = document["citekey"]
        assert decoded.passages == tuple(
            passage_from_json(item, citekey) for item in document["passages"]
        )


@PROPERTY_SETTINGS
@given(records=st.lists(passages("freeze2009"), max_size=3, unique_by=lambda p: p.id))
def test_fast_decoder_reads_every_valid_file(records: list[Passage]) -> None:
    assert decode_strictly(_document(*records)) is not None


def test_demo_passage_files_are_written_back_byte_for_byte() -> None:
    """Our writer's layout is the files' layout: a change to one passage diffs as few lines."""
    for path in sorted((DEMO_LIBRARY / "passages").glob("*.json")):
        read = parse_passage_file(path.read_bytes(), path)
        assert passage_file_bytes(read.citekey, read.passages) == path.read_bytes(), path
