"""`Services` for a team library in PostgreSQL: the same service layer over other stores.

The passage store is `PgPassageStore`, the reference store `PgReferenceStore`, the full
texts are mirrored from the database into a private folder; everything above the stores
(the services, the CLI, the views, citations) is the folder edition's own code. No Flask,
no Click.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.pgsources import SourceTable
from annotations.pgstore import PgPassageStore
from annotations.sources import SOURCES_FOLDER
from index.errors import SearchError
from refs.pgstore import PgReferenceStore
from teamdb.connection import Database
from webapp.services import Services

if TYPE_CHECKING:
    from annotations.model import Passage
    from annotations.store import PassageStore
    from index.results import SearchResult
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
        self.team_refs = PgReferenceStore(database)
        super().__init__(cache_folder, self.team_refs)
        self.database = database
        self.source_table = SourceTable(database)
        self.source_table.mirror(cache_folder / SOURCES_FOLDER)

    @classmethod
    def for_database(cls, url: str) -> TeamServices:
        """Open the team library at `url`; `DatabaseUnavailable` when it cannot be reached."""
        database = Database(url)
        database.check()
        return cls(database, cache_folder=team_cache_folder(url))

    @staticmethod
    def check_reachable(url: str) -> None:
        """Connect once to `url`; `DatabaseUnavailable` when that fails."""
        Database(url).check()

    def _new_passage_store(self) -> PassageStore | PgPassageStore:
        return PgPassageStore(self.database)

    def _open_search(self) -> SearchService:
        return UnavailableSearch()  # type: ignore[return-value]

    def catch_up_with_disk(self) -> bool:
        """Read again what other processes changed: .bib files by revision, source texts."""
        changed = self.refs.refresh()
        return self.source_table.mirror(self.library_dir / SOURCES_FOLDER) or changed


class UnavailableSearch:
    """The search of a team library while no PostgreSQL search backend is installed:
    writes go on (nothing to keep in step), a search says why it cannot answer."""

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """Refuse: no search backend for the database."""
        raise SearchError("search is not available on a team library yet")

    def prepare(self) -> None:
        """Nothing to prepare."""

    def reindex(self) -> int:
        """Refuse: no search backend for the database."""
        raise SearchError("search is not available on a team library yet")

    def passage_saved(self, passage: Passage) -> None:
        """Nothing to keep in step."""

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Nothing to keep in step."""

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Nothing to keep in step."""

    def writing(self) -> AbstractContextManager[None]:
        """Nothing to hold."""
        return nullcontext()
