"""The trash of a team library: one row per delete, the item as the trash file's JSON.

The `TrashBin` of `PgPassageStore`. An item is kept in the very JSON a folder library's
`trash/<id>.json` holds (`trashfolder.trash_file_bytes`), read back through the same
checks, so both editions keep and restore the same records.
"""

from __future__ import annotations

import json
from pathlib import Path

from psycopg.types.json import Jsonb

from annotations.errors import TrashFileError, TrashItemNotFound
from annotations.trash import TrashItem
from annotations.trashfolder import TRASH_FOLDER, parse_trash_file, trash_file_bytes
from teamdb.audit import record_change
from teamdb.connection import Database


class TrashTable:
    """The `trash` table of one team library."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._problems: list[TrashFileError] = []

    @property
    def problems(self) -> list[TrashFileError]:
        """The rows the last listing could not read (none, unless edited by hand)."""
        return list(self._problems)

    def items(self) -> list[TrashItem]:
        """Every readable item, newest first."""
        with self.database.transaction() as connection:
            rows = connection.execute("SELECT id, item FROM trash ORDER BY id DESC").fetchall()
        items, problems = [], []
        for trash_id, item in rows:
            try:
                items.append(_item(str(trash_id), item))
            except TrashFileError as problem:
                problems.append(problem)
        self._problems = problems
        return items

    def get(self, trash_id: str) -> TrashItem:
        """One item, or `TrashItemNotFound`."""
        with self.database.transaction() as connection:
            row = connection.execute("SELECT item FROM trash WHERE id = %s", (trash_id,)).fetchone()
        if row is None:
            raise TrashItemNotFound(trash_id)
        return _item(trash_id, row[0])

    def put(self, item: TrashItem) -> None:
        """Keep `item` (an item with the same id is replaced)."""
        document = json.loads(trash_file_bytes(item))
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO trash (id, kind, citekey, deleted, item) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET item = EXCLUDED.item",
                (item.id, item.kind, item.citekey, item.deleted, Jsonb(document)),
            )
            record_change(connection, kind="trash", record_id=item.id, before=None, after=document)

    def take_out(self, trash_id: str) -> TrashItem:
        """Remove one item and return it; of two restores of one item only one gets it."""
        with self.database.transaction() as connection:
            row = connection.execute(
                "DELETE FROM trash WHERE id = %s RETURNING item", (trash_id,)
            ).fetchone()
            if row is None:
                raise TrashItemNotFound(trash_id)
            record_change(connection, kind="trash", record_id=trash_id, before=row[0], after=None)
        return _item(trash_id, row[0])


def _item(trash_id: str, document: object) -> TrashItem:
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return parse_trash_file(data, Path(TRASH_FOLDER) / f"{trash_id}.json")
