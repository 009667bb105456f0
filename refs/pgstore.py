"""The reference store of a team library: its .bib files as rows of PostgreSQL.

`PgReferenceStore` is a `ReferenceStore` whose files live in the table `bib_files` (name,
exact text, revision) instead of a folder, so every rule of the folder store holds as it
is: the same parse, the same @string macros across files, the same duplicate and problem
reports, the same lossless splices of one entry's text. `bib_references` holds each
entry's exact text, type, fields, file and position beside it, for queries and for
people reading the database.

A write locks its file's row, re-reads its text, refuses when the entries it changes
differ from what this process read (as the folder store does with a file changed on
disk), and writes the new text, the file's entries and the audit log in one transaction.
`refresh()` costs one small query: the files whose revision moved on are read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from refs.bibfile import BibFile, Fingerprint, encode_text, has_undecodable_bytes, parse_bib_text
from refs.cache import RefsCache
from refs.errors import FileChangedOnDisk, InvalidBibtex
from refs.model import Reference
from refs.store import ReferenceStore, _refuse_if_entries_changed
from teamdb.audit import record_change
from teamdb.connection import Database

Connection = psycopg.Connection[TupleRow]

# Paths of a team library's files are their bare names (`references.bib`), so messages
# read `references.bib:12: ...`.
TEAM_ROOT = Path(".")


class PgReferenceStore(ReferenceStore):
    """All references of one team library, from its .bib files stored in PostgreSQL."""

    def __init__(self, database: Database, *, cache_dir: Path | None = None) -> None:
        """`cache_dir`: where to keep each file's parse (`refs.cache`, keyed by the file's
        text, size and revision) for a warm start; None parses every file every time."""
        self.database = database
        self._revisions: dict[Path, int] = {}
        self._texts: dict[Path, str] = {}
        self._parses = None if cache_dir is None else RefsCache(cache_dir)
        super().__init__(TEAM_ROOT, use_cache=False)
        self._cache = self._parses  # the folder store's CSL cache works on it as well

    # Reading

    def bib_paths(self) -> list[Path]:
        """The team library's .bib files (their names), in name order."""
        return sorted(self._current_revisions())

    def _current_revisions(self) -> dict[Path, int]:
        with self.database.transaction() as connection:
            rows = connection.execute("SELECT name, revision FROM bib_files").fetchall()
        return {TEAM_ROOT / name: int(revision) for name, revision in rows}

    def _read(self, path: Path) -> BibFile:
        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT text, revision FROM bib_files WHERE name = %s", (path.name,)
            ).fetchone()
        if row is None:
            raise FileNotFoundError(path)
        text, revision = str(row[0]), int(row[1])
        return self._parsed(path, text, revision)

    def _parsed(self, path: Path, text: str, revision: int) -> BibFile:
        fingerprint = _fingerprint(text, revision)
        bib = None if self._parses is None else self._parses.load(path, text, fingerprint)
        if bib is None:
            bib = parse_bib_text(text, path)
            bib.fingerprint = fingerprint
            if self._parses is not None:
                self._parses.save(bib)
        self._revisions[path], self._texts[path] = revision, text
        return bib

    def refresh(self) -> bool:
        """Read again the files added, removed or changed in the database since they were
        read (by revision); True if any were. One query when nothing changed."""
        with self._memory:
            revisions = self._current_revisions()
            files: dict[Path, BibFile] = {}
            for path in sorted(revisions):
                known = self._files.get(path)
                if known is not None and self._revisions.get(path) == revisions[path]:
                    files[path] = known
                else:
                    try:
                        files[path] = self._read(path)
                    except FileNotFoundError:
                        continue
            changed = list(files) != list(self._files) or any(
                files[path] is not self._files.get(path) for path in files
            )
            if changed:
                self._files = files
                self._rebuild_lookup()
            return changed

    def file_texts(self) -> dict[str, str]:
        """Every .bib file's exact text by name, as stored (what `pull` writes)."""
        with self.database.transaction() as connection:
            rows = connection.execute("SELECT name, text FROM bib_files ORDER BY name").fetchall()
        return {str(name): str(text) for name, text in rows}

    # Writing

    def put_file(self, name: str, text: str) -> None:
        """Store a whole .bib file as it is (`push` of a file the team library lacks);
        `FileChangedOnDisk` if the team library has a file of that name already."""
        path = TEAM_ROOT / name
        _check_storable(path, text)

        def create(current: BibFile) -> BibFile:
            if current.text:
                raise FileChangedOnDisk(path)
            return parse_bib_text(text, path)

        self._rewrite(path, create, [], create=True)

    def _rewrite(
        self,
        path: Path,
        change: Callable[[BibFile], BibFile],
        changed_citekeys: list[str],
        *,
        create: bool = False,
    ) -> None:
        """Apply `change` to the freshest text of the file `path` inside one transaction
        holding its row's lock; refuse, as the folder store does, when the entries it
        changes were changed by someone else since this process read them."""
        if path.parent != TEAM_ROOT or path.suffix != ".bib":
            raise InvalidBibtex(f"{path}: not a .bib file name at the library's top level")
        with self.database.transaction() as connection:
            row = connection.execute(
                "SELECT text, revision FROM bib_files WHERE name = %s FOR UPDATE", (path.name,)
            ).fetchone()
            seen = self._files.get(path)
            if row is not None:
                text, revision = str(row[0]), int(row[1])
                if seen is not None and self._texts.get(path) == text:
                    current = seen
                else:
                    current = parse_bib_text(text, path)
                    if seen is not None:
                        _refuse_if_entries_changed(seen, current, changed_citekeys)
            elif create and seen is None:
                text, revision, current = "", 0, parse_bib_text("", path)
            else:
                raise FileChangedOnDisk(path)
            updated = change(current)
            _check_storable(path, updated.text)
            revision += 1
            connection.execute(
                "INSERT INTO bib_files (name, text, revision) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET text = EXCLUDED.text, "
                "revision = EXCLUDED.revision, modified = now()",
                (path.name, updated.text, revision),
            )
            _write_entries(connection, path.name, current, updated)
        updated.fingerprint = _fingerprint(updated.text, revision)
        if self._parses is not None:
            self._parses.save(updated)
        with self._memory:
            self._revisions[path], self._texts[path] = revision, updated.text
            self._files = dict(sorted({**self._files, path: updated}.items()))
            self._rebuild_lookup()


def _fingerprint(text: str, revision: int) -> Fingerprint:
    """A stored file's fingerprint: its size, its revision where a file has its mtime."""
    data = encode_text(text)
    return Fingerprint(len(data), revision, hashlib.sha256(data).hexdigest())


def _check_storable(path: Path, text: str) -> None:
    """PostgreSQL text holds UTF-8 without NUL: refuse, naming the file, what it cannot."""
    if "\x00" in text:
        raise InvalidBibtex(f"{path}: holds a NUL character, which the database cannot store")
    if has_undecodable_bytes(text):
        raise InvalidBibtex(f"{path}: is not valid UTF-8, which the database cannot store")


def _write_entries(connection: Connection, name: str, before: BibFile, after: BibFile) -> None:
    """Bring the file's rows in `bib_references` up to date (only those that changed), with
    an audit row per changed entry. A citekey another file holds already stays that file's
    (the folder store reports the duplicate as a problem, and so does this one)."""
    stored = {
        str(citekey): (str(raw), int(position))
        for citekey, raw, position in connection.execute(
            "SELECT citekey, raw_text, position FROM bib_references WHERE file_name = %s",
            (name,),
        )
    }
    wanted: dict[str, tuple[int, Reference]] = {}
    for position, reference in enumerate(after.references):
        wanted.setdefault(reference.citekey, (position, reference))
    gone = [citekey for citekey in stored if citekey not in wanted]
    if gone:
        connection.execute(
            "DELETE FROM bib_references WHERE file_name = %s AND citekey = ANY(%s)", (name, gone)
        )
    for citekey, (position, reference) in wanted.items():
        if stored.get(citekey) == (reference.raw, position):
            continue
        connection.execute(
            "INSERT INTO bib_references "
            "(citekey, entry_type, raw_text, file_name, position, fields) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (citekey) DO UPDATE SET "
            "entry_type = EXCLUDED.entry_type, raw_text = EXCLUDED.raw_text, "
            "position = EXCLUDED.position, fields = EXCLUDED.fields "
            "WHERE bib_references.file_name = EXCLUDED.file_name",
            (
                citekey,
                reference.entry_type,
                reference.raw,
                name,
                position,
                Jsonb(dict(reference.fields)),
            ),
        )
    old = {reference.citekey: reference.raw for reference in before.references}
    new = {reference.citekey: reference.raw for reference in after.references}
    for citekey in sorted(old.keys() | new.keys()):
        if old.get(citekey) != new.get(citekey):
            record_change(
                connection,
                kind="reference",
                record_id=citekey,
                before=_entry_json(old.get(citekey)),
                after=_entry_json(new.get(citekey)),
            )


def _entry_json(raw: str | None) -> dict[str, Any] | None:  # Any: a JSON object
    return None if raw is None else {"raw": raw}
