"""Lossless editing proven on real .bib files: only the bytes of the touched entry change.

The files in `tests/data/wild/` come from Debian's TeX Live packages (see its README).
Each test runs on the file as shipped, on a CRLF copy, and on a copy that starts with a
byte-order mark and holds invalid UTF-8 bytes; all three must survive byte for byte.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from refs.store import ReferenceStore

WILD = Path(__file__).parent.parent / "data" / "wild"
FILES = ["biblatex-examples.bib", "xampl.bib"]
# Found without bibtexparser: an entry is `@type{citekey,` at the start of a line.
_ENTRY_START = re.compile(rb"^@(?!string|preamble|comment)\w+\{([^,\s]+),", re.I | re.M)


def _as_shipped(data: bytes) -> bytes:
    return data


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _bom_and_invalid_utf8(data: bytes) -> bytes:
    """A BOM, a Latin-1 byte in the first comment line and a stray byte in the last entry."""
    first_line_end = data.index(b"\n")
    data = data[:first_line_end] + b" caf\xe9" + data[first_line_end:]
    last_entry = data.rindex(b"\n@")
    return b"\xef\xbb\xbf" + data[:last_entry] + b"\n% \xff\xfe" + data[last_entry:]


VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "as-shipped": _as_shipped,
    "crlf": _crlf,
    "bom-invalid-utf8": _bom_and_invalid_utf8,
}


@pytest.fixture(params=[(name, variant) for name in FILES for variant in VARIANTS], ids=str)
def wild_library(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A library holding one wild file (in one of the variants) as its only .bib."""
    name, variant = request.param
    data = VARIANTS[variant]((WILD / name).read_bytes())
    (tmp_path / name).write_bytes(data)
    return tmp_path


def _only_bib(library: Path) -> Path:
    [path] = library.glob("*.bib")
    return path


def _changed_lines(old: bytes, new: bytes) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes for the lines that differ between `old` and `new`."""
    matcher = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new.splitlines(keepends=True), autojunk=False
    )
    return [opcode for opcode in matcher.get_opcodes() if opcode[0] != "equal"]


def test_every_entry_loads_without_a_problem(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    store = ReferenceStore(wild_library, use_cache=False)
    expected = {match.decode() for match in _ENTRY_START.findall(path.read_bytes())}
    assert {reference.citekey for reference in store.references()} == expected
    invalid_bytes = b"\xff" in path.read_bytes()
    assert [problem.message for problem in store.problems] == (
        ["invalid UTF-8 bytes (kept as they are)"] * 2 if invalid_bytes else []
    )


def test_each_entry_text_is_the_file_text_at_its_line(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    store = ReferenceStore(wild_library, use_cache=False)
    lines = path.read_bytes().decode("utf-8", errors="surrogateescape").splitlines()
    for reference in store.references():
        assert lines[reference.line - 1].lstrip("\ufeff").startswith("@")
        assert reference.raw.splitlines()[0] == lines[reference.line - 1].lstrip("\ufeff")


def test_a_write_that_changes_nothing_keeps_the_file_byte_identical(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    before = path.read_bytes()
    store = ReferenceStore(wild_library, use_cache=False)
    citekey = store.references()[0].citekey
    store.edit(citekey, set_fields={}, unset_fields=[])
    assert path.read_bytes() == before


def test_editing_one_field_changes_only_that_entry(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    before = path.read_bytes()
    store = ReferenceStore(wild_library, use_cache=False)
    target = store.references()[len(store.references()) // 2]
    others = {ref.citekey: ref.fields for ref in store.references() if ref is not target}
    start = before.index(target.raw.encode("utf-8", errors="surrogateescape"))
    end = start + len(target.raw.encode("utf-8", errors="surrogateescape"))

    store.edit(target.citekey, set_fields={"title": "A {New} Title \u2013 \u00fc"})

    after = path.read_bytes()
    assert after[:start] == before[:start]
    assert after.endswith(before[end:])
    first_line = before.count(b"\n", 0, start)
    last_line = before.count(b"\n", 0, end)
    for _, old_start, old_end, _, _ in _changed_lines(before, after):
        assert first_line <= old_start and old_end <= last_line + 1
    reread = ReferenceStore(wild_library, use_cache=False)
    assert reread.get(target.citekey).fields["title"] == "A {New} Title \u2013 \u00fc"
    assert {key: reread.get(key).fields for key in others} == others
    if b"\r\n" in before:
        assert after.count(b"\n") == after.count(b"\r\n")


def test_deleting_one_entry_removes_exactly_its_lines(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    before = path.read_bytes()
    store = ReferenceStore(wild_library, use_cache=False)
    target = store.references()[1]
    raw = target.raw.encode("utf-8", errors="surrogateescape")
    start = before.index(raw)

    store.delete(target.citekey)

    after = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    assert after == before[:start] + before[start + len(raw) + 2 * len(newline) :]
    # difflib may place the deletion a few identical lines earlier ("}", ""); its size is fixed.
    [(tag, old_start, old_end, _, _)] = _changed_lines(before, after)
    assert tag == "delete"
    assert old_end - old_start == len(raw.splitlines()) + 1
    reread = ReferenceStore(wild_library, use_cache=False)
    assert target.citekey not in reread
    assert len(reread.references()) == len(store.references())


def test_appending_one_entry_only_adds_lines_at_the_end(wild_library: Path) -> None:
    path = _only_bib(wild_library)
    before = path.read_bytes()
    store = ReferenceStore(wild_library, use_cache=False)
    count = len(store.references())

    store.add("@book{appended2026,\n  title = {Appended},\n  year = 2026,\n}", to=path.name)

    after = path.read_bytes()
    assert after.startswith(before)
    [(tag, old_start, _, _, _)] = _changed_lines(before, after)
    assert tag == "insert"
    assert old_start == len(before.splitlines())
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    assert after[len(before) :].endswith(b"year = 2026," + newline + b"}" + newline)
    reread = ReferenceStore(wild_library, use_cache=False)
    assert len(reread.references()) == count + 1
    assert reread.get("appended2026").fields == {"title": "Appended", "year": "2026"}
