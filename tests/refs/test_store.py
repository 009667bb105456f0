"""The reference store: writes under the lock, refusals, atomic replacement and the cache."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import refs.csl
import refs.store
import refs.summaries
from refs.cache import CACHE_FORMAT, cache_path
from refs.citecontext import LibraryItems
from refs.crossref import Lookup, resolved_fields
from refs.errors import DuplicateCitekey, FileChangedOnDisk, InvalidBibtex, WriteFailed
from refs.model import Reference, Summary
from refs.store import CACHE_FOLDER, ReferenceStore
from refs.summaries import summarize, summary_of

BIB = (
    "% my references\n\n"
    "@book{first,\n  title = {First},\n  year = 1957,\n}\n\n"
    "@book{second,\n  title = {Second},\n}\n\n"
    "@book{third,\n  title = {Third},\n}\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


def _bib(library: Path) -> str:
    return (library / "references.bib").read_text(encoding="utf-8")


def test_edit_is_refused_when_the_entry_changed_since_it_was_read(library: Path) -> None:
    mine, theirs = ReferenceStore(library), ReferenceStore(library)
    theirs.edit("second", set_fields={"year": "1960"})
    after_theirs = _bib(library)
    with pytest.raises(FileChangedOnDisk):
        mine.edit("second", set_fields={"year": "1961"})
    assert _bib(library) == after_theirs


def test_edit_of_an_untouched_entry_keeps_the_other_writers_change(library: Path) -> None:
    mine, theirs = ReferenceStore(library), ReferenceStore(library)
    theirs.edit("second", set_fields={"year": "1960"})
    mine.edit("third", set_fields={"year": "1970"})
    fresh = ReferenceStore(library, use_cache=False)
    assert fresh.get("second").fields["year"] == "1960"
    assert fresh.get("third").fields["year"] == "1970"


def test_edit_of_an_entry_deleted_by_someone_else_is_refused(library: Path) -> None:
    mine, theirs = ReferenceStore(library), ReferenceStore(library)
    theirs.delete("second")
    with pytest.raises(FileChangedOnDisk):
        mine.edit("second", set_fields={"year": "1961"})


def test_adding_a_citekey_another_writer_just_added_is_refused(library: Path) -> None:
    mine, theirs = ReferenceStore(library), ReferenceStore(library)
    theirs.add("@book{new, title={Theirs}}")
    with pytest.raises(DuplicateCitekey):
        mine.add("@book{new, title={Mine}}")
    assert ReferenceStore(library).get("new").fields["title"] == "Theirs"


def test_write_to_a_file_deleted_since_it_was_read_is_refused(library: Path) -> None:
    store = ReferenceStore(library)
    (library / "references.bib").unlink()
    with pytest.raises(FileChangedOnDisk):
        store.edit("first", set_fields={"year": "1958"})
    assert not (library / "references.bib").exists()


@pytest.mark.parametrize(
    ("citekey", "expected"),
    [
        pytest.param(
            "first",
            BIB.replace("@book{first,\n  title = {First},\n  year = 1957,\n}\n\n", ""),
            id="first",
        ),
        pytest.param(
            "second", BIB.replace("@book{second,\n  title = {Second},\n}\n\n", ""), id="middle"
        ),
        pytest.param("third", BIB.replace("@book{third,\n  title = {Third},\n}\n", ""), id="last"),
    ],
)
def test_delete_removes_exactly_the_entry(library: Path, citekey: str, expected: str) -> None:
    store = ReferenceStore(library)
    store.delete(citekey)
    assert _bib(library) == expected
    assert citekey not in store
    assert citekey not in ReferenceStore(library, use_cache=False)


def test_delete_of_an_indented_entry_takes_its_indentation(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text("  @book{a, t={A}}\n\n  @book{b, t={B}}\n")
    ReferenceStore(tmp_path).delete("a")
    assert (tmp_path / "references.bib").read_text() == "  @book{b, t={B}}\n"


def test_refresh_picks_up_files_changed_added_or_removed_on_disk(library: Path) -> None:
    store = ReferenceStore(library)
    assert store.refresh() is False
    (library / "more.bib").write_text("@book{more, title={M}}\n", encoding="utf-8")
    (library / "references.bib").write_text(BIB.replace("{First}", "{1st}"), encoding="utf-8")
    assert store.refresh() is True
    assert store.get("first").fields["title"] == "1st"
    assert "more" in store
    (library / "more.bib").unlink()
    assert store.refresh() is True
    assert "more" not in store


def test_lines_after_an_edit_are_those_of_a_fresh_read(library: Path) -> None:
    store = ReferenceStore(library)
    store.edit("first", set_fields={"note": "one\ntwo"})
    fresh = ReferenceStore(library, use_cache=False)
    assert [(ref.citekey, ref.line) for ref in store.references()] == [
        (ref.citekey, ref.line) for ref in fresh.references()
    ]
    assert store.get("third").raw == fresh.get("third").raw


def test_adding_a_taken_citekey_is_refused_and_nothing_written(library: Path) -> None:
    store = ReferenceStore(library)
    with pytest.raises(DuplicateCitekey, match=r"references\.bib:8"):
        store.add("@book{new, title={N}}\n@book{second, title={S}}")
    assert _bib(library) == BIB


def test_adding_to_a_path_outside_the_library_is_refused(library: Path) -> None:
    with pytest.raises(InvalidBibtex):
        ReferenceStore(library).add("@book{new, title={N}}", to="../elsewhere.bib")


def test_adding_to_a_new_file_creates_it(library: Path) -> None:
    store = ReferenceStore(library)
    store.add("@book{new, title={N}}", to="more.bib")
    assert (library / "more.bib").read_text(encoding="utf-8") == "@book{new, title={N}}\n"
    assert ReferenceStore(library).get("new").path == library / "more.bib"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ReferenceStore(library, use_cache=False)

    def crash(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(
        WriteFailed, match=r"references\.bib: could not write \(No space left on device\)"
    ):
        store.edit("first", set_fields={"year": "1958"})
    assert _bib(library) == BIB
    assert sorted(path.name for path in library.iterdir()) == [
        ".references.bib.lock",
        "references.bib",
    ]


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(text: str, path: Path) -> None:
        raise AssertionError(f"{path} was parsed, not read from the cache")

    monkeypatch.setattr(refs.store, "parse_bib_text", parse)


def test_second_start_reads_the_cache_instead_of_parsing(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = ReferenceStore(library)
    _forbid_parsing(monkeypatch)
    warm = ReferenceStore(library)
    assert warm.references() == cold.references()
    assert [str(problem) for problem in warm.problems] == [str(p) for p in cold.problems]


def test_cache_is_updated_by_a_write(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ReferenceStore(library).edit("first", set_fields={"year": "1958"})
    _forbid_parsing(monkeypatch)
    assert ReferenceStore(library).get("first").fields["year"] == "1958"


def test_cache_of_a_file_changed_by_hand_is_not_used(library: Path) -> None:
    ReferenceStore(library)
    bib = library / "references.bib"
    stat = bib.stat()
    bib.write_text(BIB.replace("First", "Frist"), encoding="utf-8")  # same size
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime
    assert ReferenceStore(library).get("first").fields["title"] == "Frist"


def _with_header(text: str, **changes: str) -> str:
    header, rest = text.split("\n", 1)
    return json.dumps({**json.loads(header), **changes}) + "\n" + rest


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: "{not json", id="not-json"),
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: _with_header(text, format="other/0"), id="other-format"),
        pytest.param(lambda text: _with_header(text, parser="bibtexparser 9"), id="parser"),
        pytest.param(lambda text: text.replace('["first"', '[1,"first"'), id="wrong-shape"),
        pytest.param(lambda text: json.dumps({"format": CACHE_FORMAT}), id="missing-keys"),
        pytest.param(lambda text: text + '\n{"title":"x"}', id="extra"),
        pytest.param(lambda text: text.replace('{"title":"Second"}', '["Second"]'), id="fields"),
        pytest.param(lambda text: _with_header(text, converter="old"), id="converter"),
        pytest.param(lambda text: text + "\u00e9", id="not-ascii"),
    ],
)
def test_a_damaged_or_outdated_cache_is_ignored_and_rebuilt(
    library: Path, damage: Callable[[str], str]
) -> None:
    ReferenceStore(library)
    cached = cache_path(library / CACHE_FOLDER, library / "references.bib")
    good = cached.read_text(encoding="utf-8")
    cached.write_text(damage(good), encoding="utf-8")
    store = ReferenceStore(library)
    assert [ref.citekey for ref in store.references()] == ["first", "second", "third"]
    assert store.get("first").fields == {"title": "First", "year": "1957"}
    assert cached.read_text(encoding="utf-8") == good


def test_warm_start_has_the_summaries_a_cold_one_converts(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = [summarize(reference) for reference in ReferenceStore(library).references()]
    monkeypatch.setattr(refs.summaries, "parse_names", None)  # nothing converted now
    warm = [summary_of(reference) for reference in ReferenceStore(library).references()]
    assert [_plain(summary) for summary in warm] == [_plain(summary) for summary in cold]
    assert _plain(warm[0]) == ("First", [], [], "1957", True)


def _plain(summary: Summary) -> tuple[object, ...]:
    return (*summary[:1], list(summary.authors), list(summary.editors), *summary[3:])


def _convert_counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    converted: list[str] = []

    def resolved(reference: Reference, lookup: Lookup) -> dict[str, str]:
        converted.append(reference.citekey)
        return resolved_fields(reference, lookup)

    monkeypatch.setattr(refs.csl, "resolved_fields", resolved)
    return converted


def test_csl_items_are_kept_by_entry_text_across_a_hand_edit(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (library / "references.bib").write_text(
        BIB + "@book{child, crossref = {first}, title = {Child}}\n", encoding="utf-8"
    )
    converted = _convert_counting(monkeypatch)
    LibraryItems(ReferenceStore(library)).items()
    assert sorted(converted) == ["child", "first", "second", "third"]
    bib = library / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Third", "3rd"), encoding="utf-8")
    converted.clear()
    items = LibraryItems(ReferenceStore(library)).items()
    # The changed entry and the one inheriting are converted; the others come from the cache.
    assert sorted(converted) == ["child", "third"]
    assert items == LibraryItems(ReferenceStore(library, use_cache=False)).items()
    assert {item["id"]: item["title"] for item in items}["third"] == "3rd"


def test_cache_keeps_invalid_utf8_and_problems(library: Path) -> None:
    (library / "references.bib").write_bytes(BIB.encode() + b"@book{bad, title={caf\xe9}}\n")
    cold = ReferenceStore(library)
    warm = ReferenceStore(library)
    assert warm.get("bad").fields == cold.get("bad").fields == {"title": "caf\udce9"}
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems] != []


def test_cache_written_after_edits_equals_one_built_from_scratch(library: Path) -> None:
    ReferenceStore(library)
    store = ReferenceStore(library)  # warm: entry lines come from the cache file
    store.edit("second", set_fields={"note": "one\ntwo"})
    store.delete("first")
    store.add("@book{fourth, title={Fourth}}")
    cached = cache_path(library / CACHE_FOLDER, library / "references.bib")
    incremental = cached.read_text(encoding="utf-8")
    cached.unlink()
    ReferenceStore(library)
    assert cached.read_text(encoding="utf-8") == incremental


def test_string_macros_of_another_file_are_used(library: Path) -> None:
    (library / "abbrev.bib").write_text(
        '@string{jhp = "Johns Hopkins Press"}\n@string{bal = "Balti" # more}\n', encoding="utf-8"
    )
    (library / "zzz.bib").write_text(
        "@string{more = {more}}\n@book{linden1966, publisher = jhp, location = bal,\n"
        "  note = nowhere}\n",
        encoding="utf-8",
    )
    for store in (ReferenceStore(library), ReferenceStore(library)):  # cold, then warm
        fields = store.get("linden1966").fields
        assert fields["publisher"] == "Johns Hopkins Press"
        assert fields["location"] == "Baltimore"
        assert fields["note"] == "nowhere"
        assert [str(p) for p in store.problems] == [
            f"{library / 'zzz.bib'}:3: field 'note': unknown @string macro 'nowhere'"
        ]
    store.edit("linden1966", set_fields={"year": "1966"})
    assert store.get("linden1966").fields["publisher"] == "Johns Hopkins Press"
    store.edit("linden1966", set_fields={"note": "found"})
    assert store.problems == []


def test_a_field_given_twice_stays_reported_with_other_files_macros(library: Path) -> None:
    (library / "abbrev.bib").write_text("@string{x = {X}}\n", encoding="utf-8")
    (library / "zzz.bib").write_text("@book{d, year = 1957, year = 1958}\n", encoding="utf-8")
    store = ReferenceStore(library)
    assert store.get("d").fields["year"] == "1957"
    assert [problem.field for problem in store.problems] == ["year"]


def test_added_entries_may_use_the_library_macros_or_bring_their_own(library: Path) -> None:
    (library / "abbrev.bib").write_text("@string{jhp = {Johns Hopkins Press}}\n", encoding="utf-8")
    store = ReferenceStore(library)
    store.add("@book{a, title={A}, publisher = jhp}")
    store.add("@string{ou = {Oxford UP}}\n@book{b, title={B}, publisher = ou # { 2}}")
    text = _bib(library)
    assert text.endswith(
        "@book{a, title={A}, publisher = jhp}\n\n@book{b,\n  title = {B},\n"
        "  publisher = {Oxford UP 2},\n}\n"
    )
    fresh = ReferenceStore(library, use_cache=False)
    assert fresh.get("a").fields["publisher"] == "Johns Hopkins Press"
    assert fresh.problems == []


_HOLD_LOCK_AND_EDIT = """
import sys, time
from pathlib import Path
from refs.atomicfile import locked
bib, signal = Path(sys.argv[1]), Path(sys.argv[2])
with locked(bib):
    signal.write_text("locked")
    time.sleep(0.5)
    bib.write_text(bib.read_text().replace("{Second}", "{Changed}"))
"""


def test_a_writer_waits_for_the_lock_and_then_sees_the_other_change(library: Path) -> None:
    store = ReferenceStore(library)
    signal = library / "signal"
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK_AND_EDIT, str(library / "references.bib"), str(signal)]
    )
    try:
        while not signal.exists():
            assert other.poll() is None, "the other writer died"
            time.sleep(0.01)
        with pytest.raises(FileChangedOnDisk):
            store.edit("second", set_fields={"year": "1961"})
    finally:
        other.wait(timeout=30)
    assert "{Changed}" in _bib(library)


def test_readers_on_other_threads_never_see_a_half_refreshed_store(library: Path) -> None:
    # Many entries: a store that filled its table in place would show a reader half of it.
    others = "".join(f"@book{{other{n}, title = {{Other {n}}}}}\n" for n in range(400))
    (library / "others.bib").write_text(others, encoding="utf-8")
    store = ReferenceStore(library)
    rounds = 40
    missing: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            if "first" not in store or len(store.references()) != 403:
                missing.append("first")

    readers = [threading.Thread(target=read) for _ in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that any torn state shows
    for reader in readers:
        reader.start()
    try:
        for round_number in range(rounds):
            title = "Round " + "I" * (round_number + 1)  # a new size each round: mtimes are coarse
            (library / "references.bib").write_text(BIB.replace("First", title), "utf-8")
            assert store.refresh() is True
            assert store.get("first").fields["title"] == title
    finally:
        done.set()
        for reader in readers:
            reader.join()
        sys.setswitchinterval(interval)
    assert missing == []
