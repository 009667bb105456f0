"""The passage store of a team library: passages and notes in PostgreSQL.

It offers what `PassageStore` offers (`annotations.repository.PassageRepository`), so the
services, views and index use either without knowing which. Each write is one transaction
that first takes the row of its citekey in `passage_versions` (raising its version), so
writes to one reference queue there as they do on the file's lock, and writes to others
run side by side; the change is applied to the rows read afresh inside that transaction,
validated as the file store validates a file, and written with its audit log rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from annotations.errors import (
    AnnotationError,
    InvalidCitekey,
    InvalidPassage,
    NoteNotFound,
    PassageFileError,
    PassageNotFound,
)
from annotations.ids import new_id
from annotations.importids import ImportIds, PassageImport
from annotations.model import Note, Passage, QuotedIn
from annotations.passage_edits import PassageEdits, index_of
from annotations.passagefile import (
    anchor_from_json,
    anchor_to_json,
    locator_from_json,
    locator_to_json,
    parse_passage_file,
    passage_file_bytes,
    passage_to_json,
)
from annotations.pgtrash import TrashTable
from annotations.store import PASSAGES_FOLDER
from refs.citekeys import is_valid_citekey
from teamdb.audit import record_change
from teamdb.connection import Database

T = TypeVar("T")
Connection = psycopg.Connection[TupleRow]

_PASSAGE_COLUMNS = (
    "id, citekey, text, locator, quoted_in, tags, anchor, created, modified, revision"
)


@dataclass(frozen=True, slots=True)
class _Written:
    """One write: the records it changed as they were and as they became."""

    citekey: str
    before: dict[str, Passage]
    after: dict[str, Passage]


@dataclass(slots=True)
class DatabaseWriteJournal:
    """The `WriteJournal` of a `PgPassageStore`: the writes one thread made while recording."""

    store: PgPassageStore
    writes: list[_Written] = field(default_factory=list)

    @property
    def places(self) -> list[str]:
        """Where each write went: `passages/<citekey>` of the team database."""
        return [f"passages/{write.citekey}" for write in self.writes]

    def undo(self) -> bool:
        """Put back every record changed, newest first, unless someone changed it since."""
        put_back = True
        for write in reversed(self.writes):
            put_back = self.store._put_back(write) and put_back
        self.writes.clear()
        return put_back


class _ChangedSince(Exception):
    """Raised inside an undo that finds a record no longer as the write left it."""


class PgPassageStore(PassageEdits):
    """The passages and notes of one team library, in PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # What messages name as a reference's passages: `passages/<citekey>.json`, as in a
        # folder library (the file `pull` writes them to).
        self.passages_dir = Path(PASSAGES_FOLDER)
        self._journals = threading.local()
        self.trash = TrashTable(database)

    # Reading

    @property
    def problems(self) -> list[PassageFileError]:
        """Nothing: every row was validated when it was written."""
        return []

    def passages(self, citekey: str | None = None) -> list[Passage]:
        """Every passage (of one reference), by citekey, then by id."""
        with self.database.transaction() as connection:
            if citekey is None:
                return _read_passages(connection, "TRUE", ())
            return _read_passages(connection, "p.citekey = %s", (citekey,))

    def get(self, passage_id: str) -> Passage:
        """One passage, or `PassageNotFound`."""
        with self.database.transaction() as connection:
            found = _read_passages(connection, "p.id = %s", (passage_id,))
        if not found:
            raise PassageNotFound(passage_id)
        return found[0]

    def passage_of_note(self, note_id: str) -> Passage:
        """The passage a note belongs to, or `NoteNotFound`."""
        with self.database.transaction() as connection:
            found = _read_passages(
                connection, "p.id = (SELECT passage_id FROM notes WHERE id = %s)", (note_id,)
            )
        if not found:
            raise NoteNotFound(note_id)
        return found[0]

    def get_note(self, note_id: str) -> Note:
        """One note, or `NoteNotFound`."""
        for note in self.passage_of_note(note_id).notes:
            if note.id == note_id:
                return note
        raise NoteNotFound(note_id)

    def has_passages(self, citekey: str) -> bool:
        """True while `citekey` has a passage."""
        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM passages WHERE citekey = %s)", (citekey,)
            ).fetchone()
        return bool(row and row[0])

    def versions(self) -> dict[str, str]:
        """Citekey → its version number, raised by every write of its passages."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT v.citekey, v.version FROM passage_versions v "
                "WHERE EXISTS (SELECT 1 FROM passages p WHERE p.citekey = v.citekey)"
            ).fetchall()
        return {str(citekey): str(version) for citekey, version in rows}

    # Writing

    def restore_note(self, passage_id: str, note: Note) -> Note:
        """Put a deleted note back after its passage's notes, as it was; under a fresh id
        when any passage or note uses its id meanwhile."""

        def apply(passages: list[Passage]) -> Note:
            index = index_of(passages, passage_id)
            restored = replace(note, id=new_id()) if taken else note
            passages[index] = replace(passages[index], notes=(*passages[index].notes, restored))
            return restored

        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM notes WHERE id = %s) "
                "OR EXISTS (SELECT 1 FROM passages WHERE id = %s)",
                (note.id, note.id),
            ).fetchone()
        taken = bool(row and row[0])
        return self._change(self.get(passage_id).citekey, apply)

    def import_passages(self, passages: Iterable[Passage]) -> PassageImport:
        """Store complete records, ids and timestamps kept where no record uses them; a
        record held exactly is `present`, one whose ids are taken gets fresh ones."""
        ids = ImportIds(self.passages())
        by_citekey: dict[str, list[Passage]] = {}
        for passage in passages:
            by_citekey.setdefault(passage.citekey, []).append(passage)
        for citekey, incoming in by_citekey.items():

            def apply(current: list[Passage], incoming: list[Passage] = incoming) -> None:
                ids.also_stored(current)
                for passage in incoming:
                    placed = ids.place(passage)
                    if placed is not None:
                        current.append(placed)

            self._change(citekey, apply)
        return ids.result

    @contextmanager
    def recording(self) -> Iterator[DatabaseWriteJournal]:
        """Record in a journal the writes this thread makes inside the block; a block inside
        another hands its writes on to the outer journal too."""
        outer: DatabaseWriteJournal | None = getattr(self._journals, "journal", None)
        journal = DatabaseWriteJournal(self)
        self._journals.journal = journal
        try:
            yield journal
        finally:
            self._journals.journal = outer
            if outer is not None:
                outer.writes.extend(journal.writes)

    def _put_back(self, write: _Written) -> bool:
        """Undo one write if every record it changed is still as it left them."""
        changed = write.before.keys() | write.after.keys()

        def apply(passages: list[Passage]) -> None:
            current = {passage.id: passage for passage in passages}
            if any(current.get(id_) != write.after.get(id_) for id_ in changed):
                raise _ChangedSince
            passages[:] = [p for p in passages if p.id not in changed]
            passages.extend(write.before.values())

        recording = getattr(self._journals, "journal", None)
        self._journals.journal = None  # an undo is not a write to undo in turn
        try:
            self._change(write.citekey, apply)
        except _ChangedSince:
            return False
        except (AnnotationError, psycopg.Error):
            return False
        finally:
            self._journals.journal = recording
        return True

    def _change(self, citekey: str, apply: Callable[[list[Passage]], T]) -> T:
        """Apply one change to the rows of `citekey`, read afresh under its version's lock."""
        if not is_valid_citekey(citekey):
            raise InvalidCitekey(citekey)
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO passage_versions (citekey) VALUES (%s) ON CONFLICT (citekey) "
                "DO UPDATE SET version = passage_versions.version + 1",
                (citekey,),
            )
            passages = _read_passages(connection, "p.citekey = %s", (citekey,))
            before = {passage.id: passage for passage in passages}
            result = apply(passages)
            after = {passage.id: passage for passage in passages}
            changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
            if not changed:
                connection.rollback()  # nothing to write: leave the version as it was
                return result
            _validate(citekey, [after[i] for i in changed if i in after])
            for passage_id in sorted(changed):
                _write_row(connection, before.get(passage_id), after.get(passage_id))
        self._journal(
            _Written(
                citekey,
                before={i: before[i] for i in changed if i in before},
                after={i: after[i] for i in changed if i in after},
            )
        )
        return result

    def _journal(self, write: _Written) -> None:
        journal: DatabaseWriteJournal | None = getattr(self._journals, "journal", None)
        if journal is not None:
            journal.writes.append(write)


def _read_passages(connection: Connection, where: str, params: tuple[str, ...]) -> list[Passage]:
    """The passages matching `where` (on `passages p`), with their notes, by citekey and id."""
    rows = connection.execute(
        f"SELECT {', '.join('p.' + c.strip() for c in _PASSAGE_COLUMNS.split(','))}, "
        "COALESCE((SELECT json_agg(json_build_object('id', n.id, 'text', n.text, "
        "'created', n.created, 'modified', n.modified, 'revision', n.revision) "
        "ORDER BY n.position) FROM notes n WHERE n.passage_id = p.id), '[]') "
        f"FROM passages p WHERE {where} ORDER BY p.citekey, p.id",
        params,
    ).fetchall()
    return [_passage(row) for row in rows]


def _passage(row: tuple[Any, ...]) -> Passage:  # Any: a row of mixed columns
    (id_, citekey, text, locator, quoted_in, tags, anchor, created, modified, revision, notes) = row
    return Passage(
        id=id_,
        citekey=citekey,
        text=text,
        locator=locator_from_json(locator),
        quoted_in=None
        if quoted_in is None
        else QuotedIn(quoted_in["citekey"], locator_from_json(quoted_in["locator"])),
        tags=tuple(tags),
        anchor=anchor_from_json(anchor),
        notes=tuple(
            Note(
                id=note["id"],
                text=note["text"],
                created=note["created"],
                modified=note["modified"],
                revision=note["revision"],
            )
            for note in notes
        ),
        created=created,
        modified=modified,
        revision=revision,
    )


def _write_row(connection: Connection, before: Passage | None, after: Passage | None) -> None:
    """Write one changed passage (with its notes), and its audit log row."""
    passage_id = (after or before).id  # type: ignore[union-attr]
    if after is None:
        connection.execute("DELETE FROM passages WHERE id = %s", (passage_id,))
    else:
        connection.execute(
            f"INSERT INTO passages ({_PASSAGE_COLUMNS}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            "citekey = EXCLUDED.citekey, text = EXCLUDED.text, locator = EXCLUDED.locator, "
            "quoted_in = EXCLUDED.quoted_in, tags = EXCLUDED.tags, anchor = EXCLUDED.anchor, "
            "created = EXCLUDED.created, modified = EXCLUDED.modified, "
            "revision = EXCLUDED.revision",
            _row(after),
        )
        if before is None or before.notes != after.notes:
            connection.execute("DELETE FROM notes WHERE passage_id = %s", (passage_id,))
            for position, note in enumerate(after.notes):
                connection.execute(
                    "INSERT INTO notes (id, passage_id, position, text, created, modified, "
                    "revision) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (
                        note.id,
                        passage_id,
                        position,
                        note.text,
                        note.created,
                        note.modified,
                        note.revision,
                    ),
                )
    record_change(
        connection,
        kind="passage",
        record_id=passage_id,
        before=None if before is None else _audited(before),
        after=None if after is None else _audited(after),
    )


def _row(passage: Passage) -> tuple[Any, ...]:  # Any: the columns' values
    quoted_in = passage.quoted_in
    return (
        passage.id,
        passage.citekey,
        passage.text,
        _jsonb(locator_to_json(passage.locator)),
        None
        if quoted_in is None
        else Jsonb({"citekey": quoted_in.citekey, "locator": locator_to_json(quoted_in.locator)}),
        Jsonb(list(passage.tags)),
        _jsonb(anchor_to_json(passage.anchor)),
        passage.created,
        passage.modified,
        passage.revision,
    )


def _jsonb(value: dict[str, Any] | None) -> Jsonb | None:  # Any: a JSON object
    return None if value is None else Jsonb(value)


def _audited(passage: Passage) -> dict[str, Any]:  # Any: a JSON object
    return {"citekey": passage.citekey, **passage_to_json(passage)}


def _validate(citekey: str, passages: list[Passage]) -> None:
    """Refuse records the file store would refuse: the same schema, field by field."""
    if not passages:
        return
    data = passage_file_bytes(citekey, passages)
    try:
        parse_passage_file(data, Path(f"passages/{citekey}.json"))
    except PassageFileError as problem:
        field_name = problem.field.split(".", 2)[-1] if problem.field else ""
        raise InvalidPassage(problem.message, field=field_name) from problem
