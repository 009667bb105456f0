"""`Services` for a team library in PostgreSQL: the same service layer over other stores.

The passage store is `PgPassageStore`, the reference store `PgReferenceStore`, the full
texts are mirrored from the database into a private folder; everything above the stores
(the services, the CLI, the views, citations) is the folder edition's own code. No Flask,
no Click.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.pgsources import SourceTable
from annotations.pgstore import PgPassageStore
from annotations.sources import SOURCES_FOLDER
from refs.pgstore import PgReferenceStore
from teamdb.connection import Database
from teamdb.revision import check_current
from webapp.services import Services

if TYPE_CHECKING:
    from annotations.store import PassageStore
    from webapp.search_service import SearchService


def team_cache_folder(url: str) -> Path:
    """A private folder of this user for what a team library derives on this machine (the
    mirrored source texts): `$XDG_CACHE_HOME/florilegium/team-<hash of the URL>`."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    folder = base / "florilegium" / f"team-{digest}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


class TeamServices(Services):
    """Everything the CLI and the views need for one team library (a PostgreSQL URL)."""

    def __init__(self, database: Database, *, cache_folder: Path) -> None:
        self.team_refs = PgReferenceStore(database, cache_dir=cache_folder / "refs-cache")
        super().__init__(cache_folder, self.team_refs)
        self.database: Database = database
        self.source_table = SourceTable(database)
        self.source_table.mirror(cache_folder / SOURCES_FOLDER)

    @classmethod
    def for_database(cls, url: str) -> TeamServices:
        """Open the team library at `url`; `DatabaseUnavailable` when it cannot be reached,
        `SchemaNotCurrent` when `init` has not made (or migrated) its schema."""
        database = Database(url)
        check_current(database)
        return cls(database, cache_folder=team_cache_folder(url))

    @staticmethod
    def check_reachable(url: str) -> None:
        """Connect once to `url`; `DatabaseUnavailable` when that fails."""
        Database(url).check()

    def _new_passage_store(self) -> PassageStore | PgPassageStore:
        return PgPassageStore(self.database)

    def _open_search(self) -> SearchService:
        from index.pg_backend import PgSearchBackend
        from index.team_index import TeamSearchIndex
        from webapp.search_service import SearchService

        return SearchService(
            TeamSearchIndex(
                self.database,
                references=self.team_refs,
                passages=self.team_passages,
                backend=PgSearchBackend.connect(self.database),
            )
        )

    def secret_key(self) -> str:
        """The key that signs session cookies, made once and kept in the database, so that
        every server process and machine of the library accepts the others' cookies."""
        candidate = secrets.token_hex(32)
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO settings (name, value) VALUES ('secret_key', %s) "
                "ON CONFLICT (name) DO NOTHING",
                (candidate,),
            )
            row = connection.execute(
                "SELECT value FROM settings WHERE name = 'secret_key'"
            ).fetchone()
        assert row is not None
        return str(row[0])

    @property
    def team_passages(self) -> PgPassageStore:
        """The passage store, as the PostgreSQL store it is."""
        store = self.passage_store
        assert isinstance(store, PgPassageStore)
        return store

    def catch_up_with_disk(self) -> bool:
        """Read again what other processes changed: .bib files by revision, source texts."""
        changed = self.refs.refresh()
        return self.source_table.mirror(self.library_dir / SOURCES_FOLDER) or changed
