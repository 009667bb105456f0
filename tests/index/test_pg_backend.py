"""What only the PostgreSQL search backend has to get right: many writer processes at once,
readers during a rebuild, a vocabulary that forgets deleted words, an unbuilt index."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from index.documents import IndexDocument, passage_documents, passage_group, reference_facts
from index.pg_backend import PgSearchBackend
from index.pg_writes import WRITE_LOCK
from teamdb.connection import Database
from tests.index.fakes import JsonPassageFiles, make_passage
from tests.pg import TEMPLATE, PostgresCluster

WRITERS = 4
PASSAGES_EACH = 5


@pytest.fixture
def database(pg_cluster: PostgresCluster) -> Iterator[Database]:
    database = Database(pg_cluster.create_database(pg_cluster.fresh_name(), template=TEMPLATE))
    yield database
    database.close()


def _documents(citekey: str, *texts: str) -> list[IndexDocument]:
    return [
        document
        for number, text in enumerate(texts)
        for document in passage_documents(
            make_passage(f"{citekey}-{number}", citekey, text), reference_facts(None)
        )
    ]


def _write_passages(url: str, folder: str, writer: int) -> None:
    """One writer process: each passage saved to the shared file, then its group indexed
    from the file as it is once the index's lock is held."""
    backend = PgSearchBackend.connect(url)
    files = JsonPassageFiles(Path(folder))
    for number in range(PASSAGES_EACH):
        files.save(make_passage(f"W{writer}-{number}", "shared", f"concurrent w{writer}n{number}"))

        def read() -> dict[str, list[IndexDocument]]:
            return {
                passage_group("shared"): [
                    document
                    for passage in files.passages_of("shared")
                    for document in passage_documents(passage, reference_facts(None))
                ]
            }

        backend.update_with(read)


def test_writers_in_many_processes_lose_no_passage(database: Database, tmp_path: Path) -> None:
    backend = PgSearchBackend.connect(database)
    backend.rebuild([])
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_passages, args=(database.url, str(tmp_path), writer))
        for writer in range(WRITERS)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
    assert [process.exitcode for process in writers] == [0] * WRITERS
    result = backend.search("concurrent", limit=100, offset=0)
    assert result.total == WRITERS * PASSAGES_EACH
    assert len({hit.id for hit in result.hits}) == WRITERS * PASSAGES_EACH


def test_readers_see_the_old_index_until_a_rebuild_commits(database: Database) -> None:
    backend = PgSearchBackend.connect(database)
    backend.rebuild(_documents("old", "the presidium met"))
    halfway, release = threading.Event(), threading.Event()

    def new_documents() -> Iterator[IndexDocument]:
        yield from _documents("new", "the plenum met")
        halfway.set()
        release.wait(timeout=30)

    rebuilding = threading.Thread(target=backend.rebuild, args=(new_documents(),))
    rebuilding.start()
    try:
        assert halfway.wait(timeout=30)
        assert backend.search("presidium", limit=5, offset=0).total == 1
        assert backend.search("plenum", limit=5, offset=0).total == 0
    finally:
        release.set()
        rebuilding.join(timeout=30)
    assert backend.search("presidium", limit=5, offset=0).total == 0
    assert backend.search("plenum", limit=5, offset=0).total == 1


def test_a_deleted_group_leaves_no_word_to_suggest(database: Database) -> None:
    backend = PgSearchBackend.connect(database)
    backend.rebuild(_documents("kept", "Zhukov spoke") + _documents("gone", "Malinovsky spoke"))
    assert backend.search("Malinovsy", limit=5, offset=0).suggestion == "Malinovsky"
    backend.delete([passage_group("gone")])
    result = backend.search("Malinovsy", limit=5, offset=0)
    assert (result.total, result.suggestion) == (0, "")
    assert backend.search("spoke", limit=5, offset=0).total == 1


def test_words_searched_before_a_write_are_found_as_it_left_them(database: Database) -> None:
    backend = PgSearchBackend.connect(database)
    backend.rebuild(_documents("first", "Zhukov spoke") + _documents("second", "Molotov spoke"))
    assert backend.search("spoke", limit=5, offset=0).total == 2  # its postings now cached
    backend.delete([passage_group("second")])
    assert backend.search("spoke", limit=5, offset=0).total == 1
    backend.update({passage_group("third"): _documents("third", "Bulganin spoke", "he spoke")})
    assert backend.search("spoke", limit=5, offset=0).total == 3
    assert backend.search("Zhukov", limit=5, offset=0).total == 1


def test_an_index_never_built_is_not_usable(database: Database) -> None:
    backend = PgSearchBackend.connect(database)
    assert not backend.is_usable()
    backend.rebuild([])
    assert backend.is_usable()


def test_a_catch_up_that_need_not_wait_leaves_a_busy_index_alone(database: Database) -> None:
    backend = PgSearchBackend.connect(database)
    backend.rebuild([])
    called: list[bool] = []

    def read() -> dict[str, list[IndexDocument]]:
        called.append(True)
        return {passage_group("late"): _documents("late", "the plenum met")}

    with psycopg.connect(database.url) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        assert backend.update_with(read, wait=False) is False
    assert called == []
    assert backend.update_with(read, wait=False) is True
    assert backend.search("plenum", limit=5, offset=0).total == 1
