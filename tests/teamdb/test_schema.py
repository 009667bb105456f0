"""`init`'s migrations: the schema is created once and a second run changes nothing."""

from __future__ import annotations

import psycopg

from teamdb.revision import newest_revision_id
from teamdb.schema import current_revision, head_revision, migrate


def test_migrate_twice_creates_the_schema_once(pg_empty_url: str) -> None:
    assert current_revision(pg_empty_url) is None
    assert head_revision() == newest_revision_id()
    assert migrate(pg_empty_url) == (None, head_revision())
    assert migrate(pg_empty_url) == (head_revision(), head_revision())
    with psycopg.connect(pg_empty_url) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
    assert {"bib_files", "bib_references", "passages", "notes", "users", "audit_log"} <= tables
