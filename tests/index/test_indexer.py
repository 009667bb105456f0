"""The index follows the files: first use, writes through the app, edits outside it, damage."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.writing import SegmentWriter

from index.indexer import LOCK_NAME, SearchIndex
from index.whoosh_backend import whoosh_search_index
from refs.store import ReferenceStore
from tests.index.fakes import JsonPassageFiles, make_passage

BIB = (
    "@book{taubman2003,\n  author = {Taubman, William},\n"
    "  title = {Khrushchev: The Man and His Era},\n  year = {2003},\n}\n"
)


def open_library(folder: Path) -> tuple[SearchIndex, JsonPassageFiles]:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "references.bib").exists():
        (folder / "references.bib").write_text(BIB, encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    index = whoosh_search_index(folder, passages=passages, references=ReferenceStore(folder))
    return index, passages


def found(index: SearchIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(query, limit=50).hits]


@pytest.fixture
def library(tmp_path: Path) -> tuple[SearchIndex, JsonPassageFiles]:
    index, passages = open_library(tmp_path / "library")
    passages.save(make_passage("P1", "taubman2003", "Zhukov enjoyed immense respect."))
    return index, passages


def test_empty_library_answers_with_no_hits(tmp_path: Path) -> None:
    index, _ = open_library(tmp_path / "library")
    (tmp_path / "library" / "references.bib").write_text("")
    result = index.search("anything")
    assert (result.total, result.hits) == (0, ())
    assert result.facets == {"citekey": {}, "year": {}, "tag": {}, "kind": {}}


def test_first_search_builds_the_index(library: tuple[SearchIndex, JsonPassageFiles]) -> None:
    index, _ = library
    # `.index/` may already hold the references' parse cache, but no search index yet.
    assert not (index.folder / "state.json").exists()
    assert found(index, "respect") == ["P1"]
    assert (index.folder / "state.json").exists()


def test_saved_passage_is_searchable_without_a_catch_up(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    passage = make_passage("P2", "taubman2003", "The virgin lands program.", notes=("maize",))
    passages.save(passage)
    index.passage_saved(passage)
    assert index.pending_changes() == []
    assert found(index, "virgin lands") == ["P2"]
    assert found(index, "kind:note maize") == ["P2-n1"]


def test_deleted_passage_is_no_longer_found(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    passages.delete("P1", "taubman2003")
    index.passage_deleted("P1", "taubman2003")
    assert index.pending_changes() == []
    assert found(index, "respect") == []


def test_passages_file_edited_by_hand_is_reindexed(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    path = passages.folder / "taubman2003.json"
    path.write_text(path.read_text().replace("immense respect", "great fear"))
    assert index.pending_changes() == ["passages:taubman2003"]
    assert found(index, "fear") == ["P1"]
    assert found(index, "respect") == []


def test_new_and_removed_passages_files_are_noticed(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    (passages.folder / "taubman2003.json").rename(passages.folder / "linden1966.json")
    # The file now holds passages filed under another citekey, as a `git mv` would leave it.
    assert index.pending_changes() == ["passages:linden1966", "passages:taubman2003"]
    assert found(index, "respect") == ["P1"]


def test_touched_but_unchanged_file_costs_only_a_hash(
    library: tuple[SearchIndex, JsonPassageFiles], caplog: pytest.LogCaptureFixture
) -> None:
    index, passages = library
    index.rebuild()
    (passages.folder / "taubman2003.json").touch()
    caplog.set_level("INFO", logger="index.indexer")
    assert found(index, "respect") == ["P1"]
    assert "reindexing" not in caplog.text
    assert index.pending_changes() == []


def test_bib_edited_by_hand_updates_references_and_their_passages(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, _ = library
    index.rebuild()
    bib = index.folder.parent / "references.bib"
    bib.write_text(BIB.replace("Taubman, William", "Mi{\\'c}unovi{\\'c}, Veljko"))
    assert sorted(found(index, "author:micunovic")) == ["P1", "reference:taubman2003"]
    assert found(index, "author:taubman") == []


def test_reference_changed_reindexes_after_a_store_write(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, _ = library
    index.rebuild()
    store = ReferenceStore(index.folder.parent)
    store.edit("taubman2003", set_fields={"year": "1999"})
    index.reference_changed("taubman2003")
    assert index.pending_changes() == []
    assert sorted(found(index, "year:1999")) == ["P1", "reference:taubman2003"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda folder: shutil.rmtree(folder), id="index-deleted"),
        pytest.param(
            lambda folder: [
                toc.write_bytes(b"garbage") for toc in folder.glob("whoosh/*/_MAIN_*.toc")
            ],
            id="toc-corrupt",
        ),
        pytest.param(
            lambda folder: [
                segment.write_bytes(b"\0" * 64) for segment in folder.glob("whoosh/*/*.seg")
            ],
            id="segments-corrupt",
        ),
        pytest.param(
            lambda folder: (folder / "state.json").write_text('{"version": 0}'),
            id="stale-version",
        ),
        pytest.param(
            lambda folder: (folder / "whoosh" / "CURRENT").write_text("v0-old\n"),
            id="pointer-to-old-schema",
        ),
        pytest.param(lambda folder: (folder / "state.json").write_text("{"), id="state-corrupt"),
    ],
)
# Whoosh leaves the file of a table of contents it cannot parse open; that is its leak.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_damaged_index_is_rebuilt_without_error(
    library: tuple[SearchIndex, JsonPassageFiles], damage: object
) -> None:
    index, _ = library
    index.rebuild()
    damage(index.folder)  # type: ignore[operator]
    fresh, _ = open_library(index.folder.parent)
    assert found(fresh, "respect") == ["P1"]


def test_reindex_counts_every_record(library: tuple[SearchIndex, JsonPassageFiles]) -> None:
    index, passages = library
    passages.save(make_passage("P2", "taubman2003", "Maize.", notes=("one", "two")))
    assert index.rebuild() == 1 + 1 + 3  # a reference, P1, P2 and its two notes


def test_broken_passages_file_does_not_stop_search(
    library: tuple[SearchIndex, JsonPassageFiles], caplog: pytest.LogCaptureFixture
) -> None:
    index, passages = library
    (passages.folder / "broken.json").write_text("{not json")
    assert found(index, "respect") == ["P1"]
    assert "passages of broken not indexed" in caplog.text


operations = st.lists(
    st.tuples(
        st.sampled_from(["save", "delete"]),
        st.sampled_from(["P1", "P2", "P3", "P4"]),
        st.sampled_from(["alpha", "beta"]),
        st.sampled_from(["Zhukov tank", "Молотов", "maize lands", "thaw"]),
    ),
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_incremental_index_answers_like_a_rebuilt_one(
    steps: list[tuple[str, str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        index, passages = open_library(Path(temp) / "library")
        index.rebuild()
        for action, passage_id, citekey, text in steps:
            if action == "save":
                passage = make_passage(passage_id, citekey, text, notes=(text,))
                passages.save(passage)
                index.passage_saved(passage)
            else:
                passages.delete(passage_id, citekey)
                index.passage_deleted(passage_id, citekey)
        queries = ["kind:passage", "kind:note", "zhukov", "molotov", "maize OR thaw"]
        incremental = {query: sorted(found(index, query)) for query in queries}
        rebuilt, _ = open_library(Path(temp) / "library")
        rebuilt.rebuild()
        assert {query: sorted(found(rebuilt, query)) for query in queries} == incremental
        state = json.loads((index.folder / "state.json").read_text())
        assert set(state["files"]) >= {f"passages:{c}" for c in passages.passage_files()}


def test_a_failed_commit_frees_the_lock_and_is_retried(
    library: tuple[SearchIndex, JsonPassageFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, passages = library
    index.rebuild()
    monkeypatch.setattr("index.whoosh_backend.WRITER_TIMEOUT_SECONDS", 1.0)
    original_commit = SegmentWriter.commit

    def full_disk(self: SegmentWriter, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full_disk)
    passages.save(make_passage("P2", "taubman2003", "Molotov resigned."))
    with pytest.raises(OSError):
        index.passage_saved(passages.passages_of("taubman2003")[-1])
    monkeypatch.setattr(SegmentWriter, "commit", original_commit)
    # The lock is free (no IndexBusy after the 1 s wait) and the stamp was not kept, so the
    # next search catches the file up.
    assert found(index, "molotov") == ["P2"]
    passages.save(make_passage("P3", "taubman2003", "Kaganovich too."))
    index.passage_saved(passages.passages_of("taubman2003")[-1])
    assert found(index, "kaganovich") == ["P3"]


def test_a_search_does_not_wait_for_a_writer_holding_the_lock(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    passages.save(make_passage("P2", "taubman2003", "Molotov resigned."))
    with FileLock(index.folder / LOCK_NAME, timeout=0):
        # Another writer is busy: the search answers from the index as it is, at once.
        assert found(index, "molotov") == []
        assert found(index, "respect") == ["P1"]
    assert found(index, "molotov") == ["P2"]  # and catches up once the lock is free


def test_searches_in_threads_never_see_the_state_change_under_them(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    """Writes adding passages files while two threads search: no error reaches a search.

    (Work under the lock changed the cached state object other threads' searches read;
    it now changes a copy. The race is too narrow to catch every time; this is the
    smoke test of searches and writes in threads of one process.)"""
    index, passages = library
    index.rebuild()
    failures: list[BaseException] = []
    done = threading.Event()

    def search_until_done() -> None:
        while not done.is_set():
            try:
                index.search("zhukov OR respect")
            except BaseException as error:  # any failure is the finding
                failures.append(error)
                return

    searchers = [threading.Thread(target=search_until_done) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        for number in range(40):
            passage = make_passage(f"W{number:02d}", f"key{number:02d}", f"Zhukov {number}.")
            passages.save(passage)
            index.passage_saved(passage)
    finally:
        done.set()
        for thread in searchers:
            thread.join()
    assert failures == []
    assert {f"W{number:02d}" for number in range(40)} <= set(found(index, "zhukov"))


def test_a_search_during_a_write_leaves_its_file_to_the_writer(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    seen_during_the_write: list[list[str]] = []
    passage = make_passage("P2", "taubman2003", "Molotov resigned.")
    with index.writing():
        passages.save(passage)
        # Another thread searching meanwhile answers at once, without indexing the file.
        searcher = threading.Thread(
            target=lambda: seen_during_the_write.append(found(index, "molotov"))
        )
        searcher.start()
        searcher.join(timeout=10)
        index.passage_saved(passage)
    assert seen_during_the_write == [[]]
    assert found(index, "molotov") == ["P2"]
    assert index.pending_changes() == []


def test_reindexing_an_unchanged_file_commits_nothing(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    assert found(index, "respect") == ["P1"]
    # Each commit writes a table of contents of a new generation.
    commits_before = sorted(path.name for path in (index.folder / "whoosh").rglob("*.toc"))
    # A search indexed the file before its writer got to it: the writer has nothing to do,
    # and commits nothing (a commit would make every searcher reopen the index).
    index.passage_saved(passages.passages_of("taubman2003")[0])
    commits_after = sorted(path.name for path in (index.folder / "whoosh").rglob("*.toc"))
    assert commits_after == commits_before
    passages.save(make_passage("P2", "taubman2003", "Molotov resigned."))
    index.passage_saved(passages.passages_of("taubman2003")[-1])
    assert sorted(path.name for path in (index.folder / "whoosh").rglob("*.toc")) != commits_after


def test_concurrent_writes_are_each_searchable_when_acknowledged(
    library: tuple[SearchIndex, JsonPassageFiles],
) -> None:
    index, passages = library
    index.rebuild()
    missing: list[str] = []

    def write(number: int) -> None:
        passage = make_passage(f"W{number:02d}", f"key{number:02d}", f"Bulganin {number}.")
        with index.writing():
            passages.save(passage)
            index.passage_saved(passage)
        if f"W{number:02d}" not in found(index, f'"bulganin {number}"'):
            missing.append(passage.id)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert missing == []
    assert len(found(index, "bulganin")) == 12
