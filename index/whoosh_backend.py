"""The Whoosh implementation of `SearchBackend`, in a folder of index generations.

A rebuild writes a new generation folder beside the old one and then points `CURRENT` at
it, so readers keep answering from the old index until the new one is complete, and a
rebuild that dies halfway leaves the old index in use. Each process caches its searcher
and opens a new one when any process has committed.
"""

from __future__ import annotations

import logging
import pickle
import shutil
import struct
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from ulid import ULID
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index, LockError
from whoosh.qparser import MultifieldParser
from whoosh.query import And, Query, Term
from whoosh.searching import Searcher

from index.analysis import query_words
from index.citations import CitedWorks
from index.documents import IndexDocument, content_digest, searched_texts
from index.errors import IndexBusy, IndexDamaged
from index.indexer import INDEX_FOLDER_NAME, SearchIndex
from index.query import is_plain_words, parse_query, plain_words, query_parser
from index.ranking import RERANKED_HITS
from index.results import SearchResult
from index.schema import (
    FIELD_WEIGHTS,
    KIND_WEIGHTED_FIELDS,
    KIND_WEIGHTS,
    SCHEMA_VERSION,
    build_schema,
)
from index.search import FacetColumns, Matches, run_search, strict_matches
from index.sources import PassageSource, ReferenceSource
from index.storedcache import StoredFieldsCache
from index.tiered import LONG_QUERY_WORDS, significant_words, tiered_matches
from index.vocabulary import Vocabulary
from index.weighting import WeightedBM25F
from index.whoosh_words import WhooshWords
from index.wordqueries import PostingCache
from refs.atomicfile import write_atomically

logger = logging.getLogger(__name__)

POINTER_NAME = "CURRENT"
WRITER_TIMEOUT_SECONDS = 30.0
BUILD_MEMORY_MB = 1024
# The files Whoosh writes each segment into (one compound file a segment).
SEGMENT_SUFFIX = ".seg"
# Queries whose parse is kept (`_parsed`).
PARSED_QUERIES = 1024
PARALLEL_BUILD_MINIMUM = 20_000
# What a damaged or half-written index raises when opened or read.
_DAMAGE = (
    whoosh_index.IndexError,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)


def whoosh_search_index(
    library_dir: Path,
    *,
    passages: PassageSource,
    references: ReferenceSource,
    build_processes: int = 1,
) -> SearchIndex:
    """The search index of the library at `library_dir`, kept with Whoosh in
    `.index/whoosh/`. `build_processes` > 1 lets a full build fork workers: only where
    forking is safe (a command-line process, not a threaded web server)."""
    backend = WhooshBackend(
        library_dir / INDEX_FOLDER_NAME / "whoosh", build_processes=build_processes
    )
    return SearchIndex(library_dir, passages=passages, references=references, backend=backend)


class WhooshBackend:
    """A Whoosh index in `folder`; safe for one writer (the caller locks) and many readers."""

    def __init__(self, folder: Path, *, build_processes: int = 1) -> None:
        self.folder = folder
        self.build_processes = build_processes
        self._index: Index | None = None
        self._index_name = ""
        # The current searcher (none or one), closed when the backend is dropped or the
        # process exits: its segment files are open, not to be left to the garbage collector.
        self._open_searchers: list[Searcher] = []
        weakref.finalize(self, _close_all, self._open_searchers)
        self._parser: MultifieldParser | None = None
        self._parses: OrderedDict[str, Query | None] = OrderedDict()
        self._facet_columns = FacetColumns()
        self._postings = PostingCache()
        self._stored_fields = StoredFieldsCache()
        self._vocabulary = Vocabulary()
        self._cited_works = CitedWorks()
        self._weighting = WeightedBM25F(FIELD_WEIGHTS, KIND_WEIGHTS, KIND_WEIGHTED_FIELDS)
        self._mutex = threading.Lock()

    def is_usable(self) -> bool:
        """True when `CURRENT` names an index of this schema version whose table of contents
        reads. Cheap: called before every write and search. Damaged segments show when a
        search reads them (`IndexDamaged`), and the caller rebuilds then."""
        try:
            self._opened()
        except (IndexDamaged, *_DAMAGE):
            return False
        return True

    def rebuild(self, documents: Sequence[IndexDocument]) -> None:
        """Write every document into a new generation, then make it current.

        Large builds use `build_processes` workers; small ones are quicker without.
        """
        name = f"v{SCHEMA_VERSION}-{ULID()}"
        path = self.folder / name
        path.mkdir(parents=True)
        created = _storage(path).create_index(build_schema())
        # A big sort buffer: Whoosh spills postings to temporary runs beyond it and merges
        # the runs at the end, the slowest part of a large build.
        if self.build_processes > 1 and len(documents) > PARALLEL_BUILD_MINIMUM:
            writer = created.writer(
                procs=self.build_processes,
                multisegment=True,
                limitmb=BUILD_MEMORY_MB,
            )
        else:
            writer = created.writer(limitmb=BUILD_MEMORY_MB)
        count = 0
        for document in documents:
            writer.add_document(**_fields(document), digest=content_digest(document))
            count += 1
        writer.commit()
        write_atomically(self.folder / POINTER_NAME, f"{name}\n".encode())
        logger.info("built search index %s with %d documents", name, count)
        self._remove_generations_except(name)

    def update(self, groups: Mapping[str, Sequence[IndexDocument]]) -> None:
        """Replace the documents of each group, in one commit, rewriting only what changed.

        Each document is stored with a digest of its content; a document whose digest is
        unchanged stays as it is. Adding one passage to a file of fifty then writes one
        document, not fifty. Documents written before digests existed count as changed.
        When nothing changed (a search had already indexed the file), nothing is committed,
        and searchers stay current.
        """
        if not groups:
            return
        writer = self._writer()
        try:
            # The searchers' own searcher, when current: it sees the generation the writer
            # opened (the writer holds the lock), so document numbers agree; opening one for
            # each write read every segment's term index again.
            with self._mutex:
                searcher = self._current_searcher()
                changes = [
                    _replace_group(writer, searcher, group, documents)
                    for group, documents in groups.items()
                ]
            if any(changes):
                writer.commit()
            else:
                writer.cancel()
        except BaseException:
            _abandon(writer)
            raise

    def delete(self, groups: Iterable[str]) -> None:
        """Remove the documents of these groups, in one commit."""
        self.update({group: () for group in groups})

    def search(self, query: str, *, limit: int, offset: int) -> SearchResult:
        """Answer `query`: plain words in tiers (all words, then some, then near spellings);
        the query language as written, and its plain words in tiers if that finds nothing
        or makes Whoosh fail."""
        with self._mutex:
            try:
                searcher = self._current_searcher()
                count = max(RERANKED_HITS, offset + limit)
                matches = self._matches(searcher, query, count)
                return run_search(
                    searcher,
                    matches,
                    text=query,
                    limit=limit,
                    offset=offset,
                    facet_columns=self._facet_columns,
                    stored_fields=self._stored_fields,
                )
            except _DAMAGE as error:
                raise IndexDamaged(f"{self.folder}: search index unreadable ({error})") from error

    def _matches(self, searcher: Searcher, query: str, count: int) -> Matches:
        """What `query` matches, the best `count` first (called under the search lock).

        Works the query cites (`linden1966`, `\\cite{linden1966}`, `Taubman 2003`) count
        as words of it; the rest is answered in tiers if it is plain words or a long pasted
        text (by its most significant words), else as written, and in tiers after all if
        that finds nothing.
        """
        cited, rest = self._cited_works.find(searcher, query, self._facet_columns)
        relaxed = False
        if cited or len(query.split()) > LONG_QUERY_WORDS:
            # A pasted text is "more like this", never parsed: its quotes and brackets
            # are the text's, and Whoosh's parser takes seconds over thousands of words.
            rest = plain_words(rest)
        elif not is_plain_words(query):
            parsed = self._parsed(query, self._query_parser())
            if parsed is not None:
                try:
                    matches = strict_matches(searcher, parsed, count, self._postings)
                except _DAMAGE:
                    raise
                except Exception as error:  # whoosh raises many unrelated types on odd queries
                    logger.debug("query %r failed (%s); searching its plain words", query, error)
                else:
                    if matches.matched:
                        return matches
            rest, relaxed = plain_words(query), True
        statistics = WhooshWords(
            searcher,
            weighting=self._weighting,
            postings=self._postings,
            vocabulary=self._vocabulary,
        )
        words = significant_words(statistics, query_words(rest))
        matches = tiered_matches(statistics, words, count, cited=cited)
        return replace(matches, relaxed=relaxed, ranked_text=rest if cited else None)

    def _writer(self) -> Any:  # Any: a whoosh IndexWriter, used as a context manager
        index = self._opened()
        try:
            return index.writer(timeout=WRITER_TIMEOUT_SECONDS, delay=0.05)
        except LockError as error:
            raise IndexBusy(self.folder) from error

    def _opened(self) -> Index:
        """The current generation, without waiting for a running search when it is the one
        already open (writes checked it under the search lock, and queued behind searches).

        The name is read before the index: `_open` sets them in the other order, so a
        generation opened meanwhile shows as a name that differs, and is opened properly.
        """
        name, index = self._index_name, self._index
        if index is not None and _current_name(self.folder) == name:
            return index
        with self._mutex:
            return self._open()

    def _open(self) -> Index:
        """The current generation, reopened when another process has pointed elsewhere."""
        name = _current_name(self.folder)
        if self._index is None or name != self._index_name:
            try:
                self._index = _storage(self.folder / name).open_index()
            except _DAMAGE as error:
                raise IndexDamaged(f"{self.folder / name}: cannot open ({error})") from error
            self._index_name = name
            self._forget_searcher()
        return self._index

    def _current_searcher(self) -> Searcher:
        """A searcher that sees every commit made so far, by any process.

        A stale searcher is replaced by a new one rather than `refresh()`ed: refresh reuses
        the reader of an unchanged segment together with its old set of deleted documents,
        so a passage deleted by a commit kept being found; and on a searcher opened over an
        empty index refresh() raises TypeError.
        """
        index = self._open()
        if self._open_searchers and self._open_searchers[-1].up_to_date():
            return self._open_searchers[-1]
        self._forget_searcher()
        searcher = index.searcher(weighting=self._weighting)
        self._open_searchers.append(searcher)
        return searcher

    def _forget_searcher(self) -> None:
        _close_all(self._open_searchers)

    def _parsed(self, query: str, parser: MultifieldParser) -> Query | None:
        """`query` parsed, from the recent queries' parses when it is one of them.

        Whoosh's parser took a tenth of a search; a live search repeats the words typed
        so far, and people go back to their queries. A parsed query is never changed by
        searching with it. Called under the search lock.
        """
        if query in self._parses:
            self._parses.move_to_end(query)
            return self._parses[query]
        parsed = self._parses[query] = parse_query(query, parser)
        if len(self._parses) > PARSED_QUERIES:
            self._parses.popitem(last=False)
        return parsed

    def _query_parser(self) -> MultifieldParser:
        if self._parser is None:
            self._parser = query_parser(self._open().schema)
        return self._parser

    def _remove_generations_except(self, keep: str) -> None:
        for path in self.folder.iterdir():
            if path.is_dir() and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)


def _replace_group(
    writer: Any,  # Any: a whoosh IndexWriter
    searcher: Searcher,
    group: str,
    documents: Sequence[IndexDocument],
) -> bool:
    """Delete the group's documents that changed or went, add the new and changed ones;
    True if there were any."""
    held = {stored["id"]: stored.get("digest") for stored in searcher.documents(group=group)}
    wanted = {document.id: (document, content_digest(document)) for document in documents}
    changed = False
    for document_id, digest in held.items():
        if document_id not in wanted or wanted[document_id][1] != digest:
            # By group and id: the same id in another file is another copy.
            writer.delete_by_query(
                And([Term("group", group), Term("id", document_id)]), searcher=searcher
            )
            changed = True
    for document_id, (document, digest) in wanted.items():
        if held.get(document_id) != digest:
            writer.add_document(**_fields(document), digest=digest)
            changed = True
    return changed


def _current_name(folder: Path) -> str:
    """The generation `CURRENT` names, if of this schema version (else `IndexDamaged`)."""
    pointer = folder / POINTER_NAME
    name = pointer.read_text(encoding="utf-8").strip()
    if not name.startswith(f"v{SCHEMA_VERSION}-"):
        raise IndexDamaged(f"{pointer}: index {name!r} is not of version {SCHEMA_VERSION}")
    return name


def _abandon(writer: Any) -> None:  # Any: a whoosh IndexWriter
    """Give up a failed write and free the index's write lock.

    A commit that fails (a full disk) leaves Whoosh's lock held; every later write of this
    process would then wait for it and fail with `IndexBusy`.
    """
    try:
        if not writer.is_closed:
            writer.cancel()
    except Exception as error:  # the writer is half-finished: free the lock by hand
        logger.warning("abandoning a failed index write: %s", error)
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            with suppress(Exception):
                lock.release()


def _storage(folder: Path) -> FileStorage:
    """The files of one index generation, each segment read into memory once.

    Whoosh reads a memory-mapped segment through a BytesIO copy of each part, so every new
    searcher after a write copied the whole index (90 ms at 100,000 passages). Read from
    the file instead, every few bytes of postings or stored fields were a seek and a read
    call, each of which let another thread take the interpreter and waited to get it back:
    under load, a third of the server's time went to system calls. A segment file never
    changes once written, so its bytes are read once and every reader of it shares them.
    (Segments stay single compound files: a merge that deletes one cannot pull it from
    under a search, which holds its bytes.)
    """
    return _SegmentsInMemory(str(folder), supports_mmap=False)


class _SegmentsInMemory(FileStorage):  # type: ignore[misc]  # whoosh is untyped
    """A generation folder whose segment files are read from memory, each read once."""

    def __init__(self, path: str, **options: Any) -> None:  # Any: FileStorage's options
        super().__init__(path, **options)
        self._segments: dict[str, bytes] = {}
        self._segments_lock = threading.Lock()

    def open_file(self, name: str, **options: Any) -> StructFile:  # Any: StructFile's
        """The file `name`; a segment file from its bytes in memory."""
        if not name.endswith(SEGMENT_SUFFIX):
            return super().open_file(name, **options)
        with self._segments_lock:
            data = self._segments.get(name)
            if data is None:
                # Forget segments merged away since (their files are gone).
                for gone in [old for old in self._segments if not self.file_exists(old)]:
                    del self._segments[gone]
                with open(self._fpath(name), "rb") as file:
                    data = self._segments[name] = file.read()
        return StructFile(BytesIO(data), name=name, **options)


def _close_all(searchers: list[Searcher]) -> None:
    while searchers:
        searchers.pop().close()


def _fields(document: IndexDocument) -> dict[str, Any]:  # Any: Whoosh field values
    """The Whoosh fields of one document; empty values are left out."""
    searched = searched_texts(document)
    fields: dict[str, Any] = {
        "id": document.id,
        "kind": document.kind,
        "group": document.group,
        "citekey": document.citekey,
        "passage_id": document.passage_id,
        "year": document.year,
        "tag": ",".join(document.tags),
        "body": searched.body,
        "extra": searched.extra,
        "author": searched.author,
        "title": searched.title,
    }
    fields = {name: value for name, value in fields.items() if value}
    fields["text"] = document.text
    fields["authors"] = document.authors
    fields["tags"] = document.tags
    if document.locator is not None:
        fields["locator"] = (document.locator.label, document.locator.value)
    return fields
