"""The full texts (`sources/`) of a team library: rows of PostgreSQL, mirrored to a folder.

Everything that reads sources (anchoring a new quote, `check`, the reader's pages) reads
the folder `annotations.sources` guards. A team library keeps its texts in the table
`sources` and mirrors them into a private folder of the process's user, rewriting only the
files whose text changed (atomically), so that reader code is one for both editions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotations.sources import SOURCE_SUFFIX, is_source_file_name, list_sources
from refs.atomicfile import write_atomically
from teamdb.audit import record_change
from teamdb.connection import Database


class SourceTable:
    """The `sources` table of one team library."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._mirrored: tuple[int, str] | None = None

    def names(self) -> list[str]:
        """The stored file names (`<name>.txt`), sorted."""
        with self.database.transaction() as connection:
            rows = connection.execute("SELECT name FROM sources ORDER BY name").fetchall()
        return [str(name) for (name,) in rows]

    def texts(self) -> dict[str, str]:
        """Every stored text by file name."""
        with self.database.transaction() as connection:
            rows = connection.execute("SELECT name, text FROM sources ORDER BY name").fetchall()
        return {str(name): str(text) for name, text in rows}

    def put(self, file_name: str, text: str) -> bool:
        """Store `text` as `file_name` unless it is there already; True when stored."""
        if not is_source_file_name(file_name) or not file_name.endswith(SOURCE_SUFFIX):
            raise ValueError(f"{file_name!r} is not the name of a source text")
        with self.database.transaction() as connection:
            row = connection.execute(
                "INSERT INTO sources (name, text) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING "
                "RETURNING name",
                (file_name, text),
            ).fetchone()
            if row is not None:
                record_change(connection, kind="source", record_id=file_name, before=None, after={})
        return row is not None

    def mirror(self, folder: Path) -> bool:
        """Make `folder` hold exactly the stored texts; True when anything was rewritten.
        One small query when nothing changed since this process last mirrored."""
        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT count(*), COALESCE(max(modified)::text, '') FROM sources"
            ).fetchone()
        stamp = (0, "") if row is None else (int(row[0]), str(row[1]))
        if stamp == self._mirrored and folder.is_dir():
            return False
        folder.mkdir(parents=True, exist_ok=True)
        texts = self.texts()
        for name, text in texts.items():
            path = folder / name
            data = text.encode("utf-8")
            if not path.is_file() or _digest(path.read_bytes()) != _digest(data):
                write_atomically(path, data)
        for name in list_sources(folder).names:
            if name not in texts:
                (folder / name).unlink(missing_ok=True)
        self._mirrored = stamp
        return True


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
