"""Several real processes adding, searching and rebuilding at once: nothing lost, no error."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.index.workers import add_and_find, keep_searching, open_index, rebuild

BIB = (
    "@book{taubman2003, author = {Taubman, William}, title = {Khrushchev}, year = 2003}\n"
    "@book{freeze2009, author = {Freeze, Gregory}, title = {Russia}, year = 2009}\n"
)
WRITERS = 3
PER_WRITER = 12


def test_concurrent_writers_readers_and_a_rebuild_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WRITERS + 2, mp_context=context) as pool:
        writers = [
            pool.submit(add_and_find, str(folder), worker, PER_WRITER) for worker in range(WRITERS)
        ]
        reader = pool.submit(keep_searching, str(folder), 40)
        rebuilder = pool.submit(rebuild, str(folder))
        missed = [passage for writer in writers for passage in writer.result(timeout=300)]
        assert reader.result(timeout=300) == 40
        assert rebuilder.result(timeout=300) >= 2
    assert missed == []
    index, passages = open_index(folder)
    stored = sorted(
        p.id for citekey in passages.passage_files() for p in passages.passages_of(citekey)
    )
    assert len(stored) == WRITERS * PER_WRITER
    assert sorted(hit.id for hit in index.search("kind:passage tank", limit=100).hits) == stored
