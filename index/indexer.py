"""Keeps the search index in step with the library's files: built on first use, updated
after every write, caught up with edits made outside the app, rebuilt when unusable.

The files are the truth and the index is derived from them. `state.json` remembers, for
each passages file and .bib file, the modification time, size and SHA-256 of the version
the index holds. Before each search a cheap pass compares times and sizes; files that
differ are hashed, and those whose content changed are reindexed (one passages file per
citekey, one .bib file at a time). Every write to the index and to `state.json` happens
under one cross-process lock, and a file's stamp is taken before the file is read, so a
change made while we read is seen again next time: nothing is lost, at worst redone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from filelock import Timeout

from annotations.errors import AnnotationError
from annotations.model import Passage
from index.backend import SearchBackend
from index.documents import (
    IndexDocument,
    bib_group,
    passage_documents,
    passage_group,
    reference_document,
    reference_facts,
)
from index.errors import IndexBusy, IndexDamaged
from index.groupcommit import GroupCommit
from index.results import SearchResult
from index.schema import SCHEMA_VERSION
from index.sources import PassageSource, ReferenceSource, SourceFile
from refs.atomicfile import write_atomically
from refs.crossref import resolved_fields
from refs.filelocks import FileWriteLock
from refs.model import Reference

logger = logging.getLogger(__name__)

INDEX_FOLDER_NAME = ".index"
STATE_NAME = "state.json"
LOCK_NAME = "write.lock"
# A full rebuild of a large library takes minutes; a search waiting on one should wait.
LOCK_TIMEOUT_SECONDS = 600.0
# How long a write waits for the index's lock before going ahead without it.
WRITE_WAIT_SECONDS = 5.0

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What the index remembers of one file: enough to notice any change to it cheaply."""

    mtime_ns: int
    size: int
    sha256: str


@dataclass(slots=True)
class IndexState:
    """The file versions the index holds (by group) and a digest of each reference's fields."""

    version: int = SCHEMA_VERSION
    files: dict[str, FileStamp] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)


class SearchIndex:
    """The search index of one library folder, in its `.index/` folder."""

    def __init__(
        self,
        library_dir: Path,
        *,
        passages: PassageSource,
        references: ReferenceSource,
        backend: SearchBackend,
    ) -> None:
        """The index talks to `backend` through the `SearchBackend` protocol only, so a
        PostgreSQL backend can stand beside Whoosh (`index.whoosh_backend`)."""
        self.folder = library_dir / INDEX_FOLDER_NAME
        self._passages = passages
        self._references = references
        self._backend = backend
        self._state_cache: tuple[tuple[int, int], IndexState] | None = None
        self._writes_in_flight = 0
        self._writes_lock = threading.Lock()
        self._updates = GroupCommit()

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """One page of results, after bringing the index up to date with the files."""
        self.ensure_current()
        try:
            return self._backend.search(query, limit=limit, offset=offset)
        except IndexDamaged as error:
            logger.warning("%s; rebuilding it", error)
            self._locked(self._rebuild)
            return self._backend.search(query, limit=limit, offset=offset)

    def rebuild(self) -> int:
        """Rebuild the index from every file of the library; returns the documents indexed."""
        return self._locked(self._rebuild)

    def ensure_current(self) -> None:
        """Build a missing or unusable index, and reindex files changed since last time."""
        state = self._read_state()
        if state is None or not self._backend.is_usable():
            self._locked(self._rebuild_unless_done)
        elif self._changed_groups(state):
            self._catch_up_unless_busy()

    def _catch_up_unless_busy(self) -> None:
        """Reindex changed files, unless this process is writing, or another thread or
        process holds the index's lock.

        A server's own writes update the index right after their file, so a search that
        waited would be as slow as the write, and every search during a burst of writes
        queued behind them. The search answers from the index as it is (consistent, a
        write behind at most) and the next one catches up.
        """
        if self._writes_in_flight:
            logger.debug("this process is writing: searching the index as it is")
            return
        try:
            self._locked(self._catch_up, timeout=0)
        except IndexBusy:
            logger.debug("index busy: searching it as it is, catching up next time")

    def pending_changes(self) -> list[str]:
        """Files changed since the index last saw them (by time and size), as group names.

        `passages:<citekey>` or `bib:<file name>`; all of them when there is no index yet.
        """
        state = self._read_state()
        if state is None:
            return sorted(
                _current_files(self._references.bib_paths(), self._passages.passage_files())
            )
        return sorted(set(self._changed_groups(state)))

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Mark a write to a passages file and the index update that follows it.

        Searches meanwhile leave the files to the writer instead of taking the index's
        lock and indexing the new file themselves while the writer waits for it.
        """
        with self._writes_lock:
            self._writes_in_flight += 1
        try:
            yield
        finally:
            with self._writes_lock:
                self._writes_in_flight -= 1

    def passage_saved(self, passage: Passage) -> None:
        """Reindex the passages file of `passage`, just written: it is searchable on return."""
        self._reindex_citekeys([passage.citekey])

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Reindex the passages files of many passages just written, in one commit."""
        self._reindex_citekeys(sorted({passage.citekey for passage in passages}))

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Reindex the passages file of `citekey`, from which `passage_id` was just removed."""
        self._reindex_citekeys([citekey])

    def reference_changed(self, citekey: str) -> None:
        """Reindex after a .bib write that added, changed or removed `citekey`."""
        logger.debug("reference %s changed", citekey)
        self._locked(self._catch_up)

    # -- work done under the lock -------------------------------------------------------

    def _reindex_citekeys(self, citekeys: Sequence[str]) -> None:
        """Reindex the passages files of `citekeys` (with those of concurrent writes)."""
        self._updates.run(citekeys, self._reindex_now)

    def _reindex_now(self, citekeys: Collection[str]) -> None:
        def work() -> None:
            state = self._state_to_change()
            if state is None or not self._backend.is_usable():
                self._rebuild()
                return
            files = self._passages.passage_files()
            references = _by_citekey(_with_inherited(self._references.references()))
            groups: dict[str, list[IndexDocument]] = {}
            for citekey in sorted(citekeys):
                group = passage_group(citekey)
                source = files.get(citekey)
                try:
                    # Stamped before reading: a change made while we read shows next time.
                    stamp = _stamp(source.path) if source else None
                except FileNotFoundError:
                    stamp = None
                if stamp is None:
                    state.files.pop(group, None)
                    groups[group] = []
                    continue
                state.files[group] = stamp
                groups[group] = self._passage_docs(citekey, references)
            self._backend.update(groups)
            self._write_state(state)

        self._locked(work)

    def _rebuild_unless_done(self) -> None:
        """Rebuild, unless another process did while we waited for the lock."""
        if self._read_state() is None or not self._backend.is_usable():
            self._rebuild()
        else:
            self._catch_up()

    def _rebuild(self) -> int:
        started = time.perf_counter()
        state = IndexState()
        passage_files = self._passages.passage_files()
        for path in self._references.bib_paths():
            state.files[bib_group(path)] = _stamp(path)
        for citekey, source in passage_files.items():
            state.files[passage_group(citekey)] = _stamp(source.path)
        self._references.reload()
        references = self._references.references()
        state.references = {ref.citekey: _reference_digest(ref) for ref in references}
        references = _with_inherited(references)
        by_citekey = _by_citekey(references)
        documents: list[IndexDocument] = [reference_document(ref) for ref in references]
        for citekey in sorted(passage_files):
            documents.extend(self._passage_docs(citekey, by_citekey))
        self._backend.rebuild(documents)
        self._write_state(state)
        logger.info("indexed %d documents in %.2f s", len(documents), time.perf_counter() - started)
        return len(documents)

    def _catch_up(self) -> None:
        """Reindex every group whose file changed since the index last saw it."""
        state = self._state_to_change()
        if state is None or not self._backend.is_usable():
            self._rebuild()
            return
        passage_files = self._passages.passage_files()
        current = _current_files(self._references.bib_paths(), passage_files)
        changed: set[str] = set()
        for group in state.files.keys() - current.keys():
            del state.files[group]
            changed.add(group)
        for group, source in current.items():
            stamp = _restamp(source, state.files.get(group))
            if stamp is None:
                continue
            if group not in state.files or state.files[group].sha256 != stamp.sha256:
                changed.add(group)
            state.files[group] = stamp
        updates: dict[str, list[IndexDocument]] = {group: [] for group in changed}
        if any(group.startswith("bib:") for group in changed):
            self._references.reload()
        references = self._references.references()
        digests = {ref.citekey: _reference_digest(ref) for ref in references}
        changed_citekeys = {
            citekey
            for citekey in digests.keys() | state.references.keys()
            if digests.get(citekey) != state.references.get(citekey)
        }
        for reference in references:
            if bib_group(reference.path) in changed or reference.citekey in changed_citekeys:
                updates.setdefault(bib_group(reference.path), [])
        references = _with_inherited(references)
        for reference in references:
            if bib_group(reference.path) in updates:
                updates[bib_group(reference.path)].append(reference_document(reference))
        by_citekey = _by_citekey(references)
        for citekey in passage_files:
            group = passage_group(citekey)
            if group in changed or citekey in changed_citekeys:
                updates[group] = self._passage_docs(citekey, by_citekey)
        state.references = digests
        if updates:
            logger.info("reindexing %d changed groups: %s", len(updates), sorted(updates))
            self._backend.update(updates)
        self._write_state(state)

    def _passage_docs(
        self, citekey: str, references: Mapping[str, Reference]
    ) -> list[IndexDocument]:
        reference = reference_facts(references.get(citekey))
        try:
            passages = self._passages.passages_of(citekey)
        except (AnnotationError, ValueError, OSError) as error:
            # A broken file must not stop search; `check` reports it. Its stamp is kept,
            # so it is read again once it changes.
            logger.warning("passages of %s not indexed: %s", citekey, error)
            return []
        return [
            document for passage in passages for document in passage_documents(passage, reference)
        ]

    def _locked(self, work: Callable[[], _T], *, timeout: float = LOCK_TIMEOUT_SECONDS) -> _T:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileWriteLock(self.folder / LOCK_NAME)
        try:
            lock.acquire(timeout)
        except Timeout as error:
            raise IndexBusy(self.folder) from error
        try:
            return self._fresh(work)
        finally:
            lock.release()

    def _fresh(self, work: Callable[[], _T]) -> _T:
        """Run `work` (under the lock) on the state as on disk."""
        self._state_cache = None
        try:
            return work()
        finally:
            # Work may have changed the state before failing: read it again next time.
            self._state_cache = None

    # -- state --------------------------------------------------------------------------

    def _changed_groups(self, state: IndexState) -> list[str]:
        """Groups whose file appeared, vanished, or has another time or size (no hashing).

        This runs before every search: one directory scan, one `stat` per file.
        """
        current = _current_files(self._references.bib_paths(), self._passages.passage_files())
        changed = sorted(state.files.keys() ^ current.keys())
        for group, source in current.items():
            known = state.files.get(group)
            if known is not None and (source.mtime_ns, source.size) != (
                known.mtime_ns,
                known.size,
            ):
                changed.append(group)
        return changed

    def _read_state(self) -> IndexState | None:
        """The state the index was last left in; None if missing, unreadable or outdated."""
        path = self.folder / STATE_NAME
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        key = (info.st_mtime_ns, info.st_size)
        cached = self._state_cache  # once: another thread may reset it meanwhile
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            document = json.loads(path.read_bytes())
            state = IndexState(
                version=int(document["version"]),
                files={
                    group: FileStamp(int(mtime), int(size), str(digest))
                    for group, (mtime, size, digest) in document["files"].items()
                },
                references={str(k): str(v) for k, v in document["references"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("%s unreadable (%s); the index will be rebuilt", path, error)
            return None
        if state.version != SCHEMA_VERSION:
            return None
        self._state_cache = (key, state)
        return state

    def _state_to_change(self) -> IndexState | None:
        """A copy of the state for work under the lock to change: the cached one is read by
        other threads' searches, which must never see it change under them."""
        state = self._read_state()
        if state is None:
            return None
        return IndexState(
            version=state.version, files=dict(state.files), references=dict(state.references)
        )

    def _write_state(self, state: IndexState) -> None:
        document = {
            "version": state.version,
            "files": {
                group: [stamp.mtime_ns, stamp.size, stamp.sha256]
                for group, stamp in sorted(state.files.items())
            },
            "references": dict(sorted(state.references.items())),
        }
        write_atomically(self.folder / STATE_NAME, json.dumps(document).encode())


def _current_files(
    bib_paths: list[Path], passage_files: Mapping[str, SourceFile]
) -> dict[str, SourceFile]:
    current: dict[str, SourceFile] = {}
    for path in bib_paths:
        try:
            current[bib_group(path)] = SourceFile.of(path)
        except FileNotFoundError:
            continue
    current.update({passage_group(citekey): f for citekey, f in passage_files.items()})
    return current


def _stamp(path: Path) -> FileStamp:
    """Time, size and hash of `path`, taken before its content is read for indexing."""
    info = path.stat()
    return FileStamp(info.st_mtime_ns, info.st_size, _sha256(path))


def _restamp(source: SourceFile, known: FileStamp | None) -> FileStamp | None:
    """`known` if time and size are unchanged, else a new stamp; None if the file is gone."""
    if known is not None and (source.mtime_ns, source.size) == (known.mtime_ns, known.size):
        return known
    try:
        return _stamp(source.path)
    except FileNotFoundError:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _reference_digest(reference: Reference) -> str:
    """A digest of the entry's fields and file, to spot the references that changed.

    Fields as evaluated (macros expanded), so editing an `@string` changes it too; cheap,
    because it runs for every reference whenever a .bib file changed.
    """
    parts = [reference.path.name, reference.entry_type, *sorted(reference.fields.items())]
    text = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _with_inherited(references: list[Reference]) -> list[Reference]:
    """`references` with the fields each inherits (`crossref`, `xdata`) filled in, as biber
    hands them to a style: an encyclopedia entry is found by its volume's year and title."""
    by_key = {reference.citekey.lower(): reference for reference in references}

    def lookup(citekey: str) -> Reference | None:
        return by_key.get(citekey.lower())

    return [
        replace(reference, fields=resolved_fields(reference, lookup))
        if "crossref" in reference.fields or "xdata" in reference.fields
        else reference
        for reference in references
    ]


def _by_citekey(references: list[Reference]) -> dict[str, Reference]:
    return {reference.citekey: reference for reference in references}
