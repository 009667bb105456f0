"""Whether a team database is at the schema this code needs, checked without Alembic.

Every command on a team library checks it once (one query on the pool's connection), so
an empty or outdated database is one line saying to run `init`, never a traceback about
a missing table. The newest revision is read from the versions folder's file names.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from teamdb.connection import Database
from teamdb.errors import SchemaNotCurrent

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def newest_revision_id() -> str:
    """The newest revision, by its file name (`migrations/versions/__init__.py`'s rule)."""
    return sorted(path.stem for path in VERSIONS.glob("[0-9]*.py"))[-1]


def check_current(database: Database) -> None:
    """`SchemaNotCurrent` unless the database is at the newest revision."""
    with database.transaction() as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except psycopg.errors.UndefinedTable:
            row = None
    found = None if row is None else str(row[0])
    wanted = newest_revision_id()
    if found != wanted:
        raise SchemaNotCurrent(database.url, found, wanted)
