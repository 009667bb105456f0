"""The search tests run on both backends: Whoosh (the folder library's) and PostgreSQL
full text (the team library's). `make_index` builds a library's `SearchIndex` on the
module's backend; on PostgreSQL each call gets its own database, copied from the migrated
template (milliseconds), so a module's fixture index and a test's own library never meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from index.indexer import SearchIndex
from index.pg_backend import PgSearchBackend
from index.sources import PassageSource, ReferenceSource
from index.whoosh_backend import whoosh_search_index
from teamdb.connection import Database
from tests.pg import TEMPLATE, PostgresCluster

BACKENDS = ("whoosh", "postgres")


class MakeIndex(Protocol):
    """Builds the search index of the library in `folder` on the module's backend."""

    def __call__(
        self, folder: Path, /, *, passages: PassageSource, references: ReferenceSource
    ) -> SearchIndex: ...


@pytest.fixture(scope="module", params=BACKENDS)
def search_backend(request: pytest.FixtureRequest) -> str:
    """The backend this module's tests run on, each module once per backend."""
    return str(request.param)


@pytest.fixture(scope="module")
def make_index(search_backend: str, request: pytest.FixtureRequest) -> Iterator[MakeIndex]:
    """A `MakeIndex` for the module's backend; PostgreSQL pools are closed afterwards."""
    if search_backend == "whoosh":
        yield whoosh_search_index
        return
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    databases: list[Database] = []

    def make(folder: Path, *, passages: PassageSource, references: ReferenceSource) -> SearchIndex:
        database = Database(cluster.create_database(cluster.fresh_name(), template=TEMPLATE))
        databases.append(database)
        return SearchIndex(
            folder,
            passages=passages,
            references=references,
            backend=PgSearchBackend.connect(database),
        )

    yield make
    for database in databases:
        database.close()
