"""The file store of passages: `passages/<citekey>.json`, one file per reference.

Reads keep the good files and report the broken ones (`FILE: field: message`). Every write
takes the cross-process lock of its citekey's file, reads the file afresh, applies one
change, validates the result and replaces the file atomically, so concurrent writers in
many processes never lose each other's changes and a crash leaves the old file or the new
one. A broken file is never rewritten: writes to its citekey are refused until it is fixed.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from annotations.errors import (
    AnnotationError,
    BrokenPassageFile,
    InvalidCitekey,
    InvalidPassage,
    NoteNotFound,
    PassageFileError,
    PassageNotFound,
)
from annotations.filebatch import batch_lock, commit_files, recover, recover_if_needed
from annotations.ids import new_id
from annotations.importids import ImportIds, PassageImport
from annotations.model import Note, Passage
from annotations.passage_edits import PassageEdits, index_of
from annotations.passagefile import parse_passage_file, passage_file_bytes
from annotations.trashfolder import TrashFolder
from refs.atomicfile import locked, write_atomically
from refs.citekeys import is_valid_citekey
from refs.errors import RefsError, WriteFailed

logger = logging.getLogger(__name__)

PASSAGES_FOLDER = "passages"

T = TypeVar("T")


def passage_path(passages_dir: Path, citekey: str) -> Path:
    """The file of `citekey`'s passages; refuses citekeys that could escape the folder."""
    if not is_valid_citekey(citekey):
        raise InvalidCitekey(citekey)
    return passages_dir / f"{citekey}.json"


@dataclass(frozen=True, slots=True)
class PassageFileInfo:
    """One passage file as the search index sees it: changed when mtime or size changed."""

    path: Path
    citekey: str
    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class _Written:
    """One write of a file: the records it changed, as they were and as they became (an id
    missing from `before` was added, one missing from `after` removed)."""

    citekey: str
    path: Path
    before: dict[str, Passage]
    after: dict[str, Passage]


@dataclass(slots=True)
class FileWriteJournal:
    """The `WriteJournal` of a `PassageStore`: the files one thread wrote while recording."""

    store: PassageStore
    writes: list[_Written] = field(default_factory=list)

    @property
    def places(self) -> list[str]:
        """The files written, oldest first."""
        return [str(write.path) for write in self.writes]

    def undo(self) -> bool:
        """Put back every record changed, newest write first, unless someone changed it since."""
        put_back = True
        for write in reversed(self.writes):
            put_back = self.store._put_back(write) and put_back
        self.writes.clear()
        return put_back


class _ChangedSince(Exception):
    """Raised inside an undo that finds a record no longer as the write left it."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What one file held the last time this process read it."""

    signature: tuple[int, int, int]  # inode, mtime_ns, size
    passages: tuple[Passage, ...] = ()
    problem: PassageFileError | None = None


class PassageStore(PassageEdits):
    """The passages and notes of one library folder, held in `passages/<citekey>.json`."""

    def __init__(self, library_dir: Path) -> None:
        self.library_dir = library_dir
        self.passages_dir = library_dir / PASSAGES_FOLDER
        self._files: dict[str, _Loaded] = {}
        self._by_id: dict[str, Passage] = {}
        self._note_owner: dict[str, str] = {}
        # The web server's threads share one store: its memory changes under this lock.
        self._memory = threading.RLock()
        self._journals = threading.local()  # `journal`: the one each thread records in
        self.trash = TrashFolder(library_dir)
        self.refresh()

    # Reading

    def refresh(self) -> None:
        """Read again the files that changed on disk since this process last read them."""
        recover_if_needed(self.passages_dir, wait=False)
        with self._memory:
            seen: set[str] = set()
            for path, signature in self._scan():
                citekey = path.name.removesuffix(".json")
                seen.add(citekey)
                loaded = self._files.get(citekey)
                if loaded is None or loaded.signature != signature:
                    self._remember(citekey, _read(path, signature))
            for citekey in set(self._files) - seen:
                self._forget(citekey)
                del self._files[citekey]

    def _refresh_one(self, citekey: str) -> None:
        """Read one file again if it changed (cheaper than `refresh` for a single lookup)."""
        try:
            path = passage_path(self.passages_dir, citekey)
        except InvalidCitekey:
            return  # no file can hold it
        with self._memory:
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._forget(citekey)
                self._files.pop(citekey, None)
                return
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            loaded = self._files.get(citekey)
            if loaded is None or loaded.signature != signature:
                self._remember(citekey, _read(path, signature))

    def _scan(self) -> list[tuple[Path, tuple[int, int, int]]]:
        try:
            entries = list(os.scandir(self.passages_dir))
        except FileNotFoundError:
            return []
        found = []
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(".json"):
                continue
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue  # deleted between listing and stat
            found.append((Path(entry.path), (stat.st_ino, stat.st_mtime_ns, stat.st_size)))
        return found

    def _remember(self, citekey: str, loaded: _Loaded) -> None:
        self._forget(citekey)
        self._files[citekey] = loaded
        for passage in loaded.passages:
            self._by_id[passage.id] = passage
            for note in passage.notes:
                self._note_owner[note.id] = passage.id
        if loaded.problem is not None:
            logger.warning("%s", loaded.problem)

    def _forget(self, citekey: str) -> None:
        old = self._files.get(citekey)
        if old is None:
            return
        for passage in old.passages:
            self._by_id.pop(passage.id, None)
            for note in passage.notes:
                self._note_owner.pop(note.id, None)

    @property
    def problems(self) -> list[PassageFileError]:
        """The files that could not be read, by file name."""
        with self._memory:
            loaded = [self._files[citekey] for citekey in sorted(self._files)]
        return [entry.problem for entry in loaded if entry.problem is not None]

    def passages(self, citekey: str | None = None) -> list[Passage]:
        """Every readable passage (of one reference), by citekey, then by id."""
        with self._memory:
            if citekey is not None:
                self._refresh_one(citekey)
                loaded = self._files.get(citekey)
                return [] if loaded is None else list(loaded.passages)
            self.refresh()
            return [p for key in sorted(self._files) for p in self._files[key].passages]

    def get(self, passage_id: str) -> Passage:
        """One passage by id as it is on disk now, or `PassageNotFound`."""
        with self._memory:
            known = self._by_id.get(passage_id)
            if known is not None:
                self._refresh_one(known.citekey)
            if passage_id not in self._by_id:
                self.refresh()
            try:
                return self._by_id[passage_id]
            except KeyError:
                raise PassageNotFound(passage_id) from None

    def passage_of_note(self, note_id: str) -> Passage:
        """The passage a note belongs to, as it is on disk now, or `NoteNotFound`."""
        with self._memory:
            owner = self._by_id.get(self._note_owner.get(note_id, ""))
            if owner is not None:
                self._refresh_one(owner.citekey)
            if note_id not in self._note_owner:
                self.refresh()
            try:
                return self._by_id[self._note_owner[note_id]]
            except KeyError:
                raise NoteNotFound(note_id) from None

    def get_note(self, note_id: str) -> Note:
        """One note by id, or `NoteNotFound`."""
        return _find_note(self.passage_of_note(note_id), note_id)

    def has_passages(self, citekey: str) -> bool:
        """True while `citekey` has a passage file (a broken one counts: it may hold some)."""
        with self._memory:
            self._refresh_one(citekey)
            loaded = self._files.get(citekey)
        return loaded is not None and (bool(loaded.passages) or loaded.problem is not None)

    def files(self) -> list[PassageFileInfo]:
        """Every passage file with its mtime and size, so an index can see which changed."""
        return [
            PassageFileInfo(path, path.name.removesuffix(".json"), signature[1], signature[2])
            for path, signature in sorted(self._scan())
        ]

    def versions(self) -> dict[str, str]:
        """Citekey → `mtime_ns:size` of its file."""
        return {info.citekey: f"{info.mtime_ns}:{info.size}" for info in self.files()}

    # Writing

    def restore_note(self, passage_id: str, note: Note) -> Note:
        """Put a deleted note back after its passage's notes, as it was; under a fresh id
        when any passage or note of the library uses its id meanwhile."""
        with self._memory:
            self.refresh()
            is_taken = note.id in self._note_owner or note.id in self._by_id

        def apply(passages: list[Passage]) -> Note:
            index = index_of(passages, passage_id)
            in_file = {p.id for p in passages} | {n.id for p in passages for n in p.notes}
            restored = replace(note, id=new_id()) if is_taken or note.id in in_file else note
            passages[index] = replace(passages[index], notes=(*passages[index].notes, restored))
            return restored

        return self._change(self.get(passage_id).citekey, apply)

    def import_passages(self, passages: Iterable[Passage]) -> PassageImport:
        """Store complete records, ids and timestamps kept where no record uses them, in
        one commit: after a crash the library holds all of them or none (`filebatch`).

        A record the library holds exactly is left out (`present`); one whose passage or
        note ids any passage or note in the library (or an earlier record of the import)
        has is stored under fresh ids (`renamed`), so it never shadows another. Every file
        is read again under its lock, held until the commit, so a record written meanwhile
        counts as well and no write interleaves. A broken file refuses the whole import
        before anything is written.
        """
        by_citekey: dict[str, list[Passage]] = {}
        for passage in passages:
            by_citekey.setdefault(passage.citekey, []).append(passage)
        paths = {citekey: passage_path(self.passages_dir, citekey) for citekey in by_citekey}
        try:
            self.passages_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteFailed(self.passages_dir, error) from error
        with ExitStack() as held:
            held.enter_context(batch_lock(self.passages_dir))
            recover(self.passages_dir)
            for citekey in sorted(paths):
                held.enter_context(locked(paths[citekey]))
            with self._memory:
                self.refresh()
                ids = ImportIds(list(self._by_id.values()))
            current = {citekey: self._read_for_change(paths[citekey]) for citekey in by_citekey}
            for _data, stored in current.values():
                ids.also_stored(stored)
            planned: list[_Written] = []
            contents: dict[str, bytes] = {}
            for citekey, incoming in by_citekey.items():
                data, stored = current[citekey]
                changed = list(stored)
                changed += [p for p in map(ids.place, incoming) if p is not None]
                new_data = passage_file_bytes(citekey, changed)
                if new_data == data:
                    continue
                written = _validated(new_data, paths[citekey])
                before = {passage.id: passage for passage in stored}
                planned.append(_Written(citekey, paths[citekey], before, _by_id(written)))
                contents[paths[citekey].name] = new_data
            if contents:
                commit_files(self.passages_dir, contents)
            for write in planned:
                ordered = tuple(sorted(write.after.values(), key=lambda p: p.id))
                self._remember_written(write.citekey, write.path, ordered)
                self._journal(write.citekey, write.path, write.before, list(write.after.values()))
        logger.info("imported into %d passage files in one commit", len(contents))
        return ids.result

    def _read_for_change(self, path: Path) -> tuple[bytes | None, list[Passage]]:
        """A file's bytes (None if missing) and passages, read under its lock for a change;
        `BrokenPassageFile` if it cannot be read, since it must not be overwritten."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, []
        try:
            return data, list(parse_passage_file(data, path).passages)
        except PassageFileError as problem:
            raise BrokenPassageFile(problem) from problem

    @contextmanager
    def recording(self) -> Iterator[FileWriteJournal]:
        """Record in a journal the writes this thread makes inside the block; a block inside
        another hands its writes on to the outer journal too."""
        outer: FileWriteJournal | None = getattr(self._journals, "journal", None)
        journal = FileWriteJournal(self)
        self._journals.journal = journal
        try:
            yield journal
        finally:
            self._journals.journal = outer
            if outer is not None:
                outer.writes.extend(journal.writes)

    def _put_back(self, write: _Written) -> bool:
        """Undo one write: each record it changed back as it was, if it is still as the write
        left it (else someone built on it, and it stays). True when put back."""
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
            logger.error("%s: not put back: changed by another write since", write.path)
            return False
        except (AnnotationError, RefsError) as error:  # broken meanwhile, disk full...
            logger.error("%s: not put back: %s", write.path, error)
            return False
        finally:
            self._journals.journal = recording
        logger.warning("%s: put back as it was before the failed write", write.path)
        return True

    def _change(self, citekey: str, apply: Callable[[list[Passage]], T]) -> T:
        """Apply one change to the freshest content of `citekey`'s file, under its lock."""
        path = passage_path(self.passages_dir, citekey)
        try:
            self.passages_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a read-only or full library: say so, naming the file
            raise WriteFailed(path, error) from error
        recover_if_needed(self.passages_dir, wait=True)
        with locked(path):
            data, passages = self._read_for_change(path)
            before = {passage.id: passage for passage in passages}
            result = apply(passages)
            is_written = False
            if passages:
                new_data = passage_file_bytes(citekey, passages)
                if new_data != data:
                    written = _validated(new_data, path)
                    write_atomically(path, new_data)
                    passages = list(written)
                    is_written = True
            elif data is not None:
                _remove_durably(path)
                is_written = True
            self._remember_written(citekey, path, tuple(sorted(passages, key=lambda p: p.id)))
            if is_written:
                self._journal(citekey, path, before, passages)
        logger.info("wrote %s", path)
        return result

    def _journal(
        self, citekey: str, path: Path, before: dict[str, Passage], passages: list[Passage]
    ) -> None:
        """Note a write in this thread's journal, if it records: the records that changed."""
        journal: FileWriteJournal | None = getattr(self._journals, "journal", None)
        if journal is None:
            return
        after = {passage.id: passage for passage in passages}
        changed = {id_ for id_ in before.keys() | after.keys() if before.get(id_) != after.get(id_)}
        journal.writes.append(
            _Written(
                citekey,
                path,
                before={id_: before[id_] for id_ in changed if id_ in before},
                after={id_: after[id_] for id_ in changed if id_ in after},
            )
        )

    def _remember_written(self, citekey: str, path: Path, passages: tuple[Passage, ...]) -> None:
        with self._memory:
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._forget(citekey)
                self._files.pop(citekey, None)
                return
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            self._remember(citekey, _Loaded(signature, passages))


def _read(path: Path, signature: tuple[int, int, int]) -> _Loaded:
    try:
        citekey = path.name.removesuffix(".json")
        passage_path(path.parent, citekey)
        return _Loaded(signature, parse_passage_file(path.read_bytes(), path).passages)
    except InvalidCitekey as error:
        bad_name = PassageFileError(str(error), path=path, field="(file name)")
        return _Loaded(signature, problem=bad_name)
    except PassageFileError as problem:
        return _Loaded(signature, problem=problem)
    except OSError as error:
        unreadable = PassageFileError(f"cannot read: {error.strerror}", path=path)
        return _Loaded(signature, problem=unreadable)


def _by_id(passages: Iterable[Passage]) -> dict[str, Passage]:
    return {passage.id: passage for passage in passages}


def _validated(data: bytes, path: Path) -> tuple[Passage, ...]:
    """Read back what is about to be written, so no write ever makes a file invalid."""
    try:
        return parse_passage_file(data, path).passages
    except PassageFileError as problem:
        field = re.sub(r"^passages\.\d+\.", "", problem.field)
        raise InvalidPassage(problem.message, field=field) from problem


def _remove_durably(path: Path) -> None:
    """Delete a file that no longer holds passages and make the removal survive a crash."""
    try:
        path.unlink()
    except OSError as error:
        raise WriteFailed(path, error) from error
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _find_note(passage: Passage, note_id: str) -> Note:
    for note in passage.notes:
        if note.id == note_id:
            return note
    raise NoteNotFound(note_id)
