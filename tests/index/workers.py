"""Code run in child processes by test_multiprocess.py (importable, as `spawn` requires)."""

from __future__ import annotations

from pathlib import Path

from index.indexer import SearchIndex
from index.whoosh_backend import whoosh_search_index
from refs.store import ReferenceStore
from tests.index.fakes import JsonPassageFiles, make_passage

CITEKEYS = ("taubman2003", "freeze2009")


def open_index(folder: Path) -> tuple[SearchIndex, JsonPassageFiles]:
    """The index of the library at `folder`, as each process of a server would open it."""
    passages = JsonPassageFiles(folder / "passages")
    return whoosh_search_index(
        folder, passages=passages, references=ReferenceStore(folder)
    ), passages


def add_and_find(folder: str, worker: int, count: int) -> list[str]:
    """Add `count` passages, each searched for as soon as it is added; returns what was missed."""
    index, passages = open_index(Path(folder))
    missed = []
    for number in range(count):
        word = f"w{worker}n{number}word"
        passage = make_passage(f"W{worker}-{number:03d}", CITEKEYS[number % 2], f"{word} tank")
        passages.save(passage)
        index.passage_saved(passage)
        if [hit.id for hit in index.search(word).hits] != [passage.id]:
            missed.append(passage.id)
    return missed


def keep_searching(folder: str, rounds: int) -> int:
    """Search while others write; returns how many searches answered."""
    index, _ = open_index(Path(folder))
    answered = 0
    for _ in range(rounds):
        result = index.search("tank", limit=5)
        answered += result.total >= len(result.hits)
    return answered


def rebuild(folder: str) -> int:
    """Force a rebuild while others write (as `reindex` would)."""
    index, _ = open_index(Path(folder))
    return index.rebuild()
