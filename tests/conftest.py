"""Fixtures shared by every test folder: a fresh library per test, the CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.pg import TEMPLATE as PG_TEMPLATE
from tests.pg import PostgresCluster, PostgresMissing
from webapp.services import DEMO_LIBRARY, init_library

DATA = Path(__file__).parent / "data"

# Tests format citations in their own process (and so do the commands they start), never
# leaving a citation service behind; tests/webapp/test_cli_cite_service.py runs one.
os.environ["FLORILEGIUM_CITATION_SERVICE"] = "off"


@pytest.fixture
def empty_library(tmp_path: Path) -> Path:
    """A new, empty library folder."""
    return init_library(tmp_path / "library")


@pytest.fixture
def demo_library(tmp_path: Path) -> Path:
    """A private copy of the demo library that ships with the project."""
    return Path(shutil.copytree(DEMO_LIBRARY, tmp_path / "demo", ignore=_derived))


@pytest.fixture
def runner() -> CliRunner:
    """A Click test runner (stdout and stderr kept apart)."""
    return CliRunner()


def _derived(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name == ".index" or name.endswith(".lock")]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster for the whole run, with a template database migrated
    to the newest schema. Fails (never skips) when PostgreSQL is not installed."""
    from teamdb.schema import migrate

    try:
        cluster = PostgresCluster()
    except PostgresMissing as missing:
        pytest.fail(str(missing))
    try:
        migrate(cluster.create_database(PG_TEMPLATE))
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    """The URL of a fresh team database of this test alone, at the newest schema."""
    return pg_cluster.create_database(pg_cluster.fresh_name(), template=PG_TEMPLATE)


@pytest.fixture
def pg_empty_url(pg_cluster: PostgresCluster) -> str:
    """The URL of a fresh, empty database (no schema: what `init` starts from)."""
    return pg_cluster.create_database(pg_cluster.fresh_name())
