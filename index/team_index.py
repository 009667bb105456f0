"""The search index of a team library: the PostgreSQL backend kept in step with the
PostgreSQL stores, for any number of processes.

The folder edition's `SearchIndex` notices changed files by their time and size; here
every .bib file has a revision and every reference's passages a version, raised by each
write in its own transaction. The index records in `search_sources` the versions it was
built from, and before each search indexes again the groups whose version moved on
(another process's write, or one whose index update was lost). A passage write indexes
its group before it returns, so what a command added is searchable at once.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager

from annotations.model import Passage
from annotations.pgstore import PgPassageStore
from index.documents import (
    IndexDocument,
    bib_group,
    passage_documents,
    passage_group,
    reference_document,
    reference_facts,
)
from index.indexer import _by_citekey, _with_inherited
from index.pg_backend import PgSearchBackend
from index.results import SearchResult
from refs.pgstore import PgReferenceStore
from teamdb.connection import Database

logger = logging.getLogger(__name__)

_CURRENT_VERSIONS = (
    "SELECT 'bib:' || name, revision FROM bib_files "
    "UNION ALL SELECT 'passages:' || v.citekey, v.version FROM passage_versions v "
    "WHERE EXISTS (SELECT 1 FROM passages p WHERE p.citekey = v.citekey)"
)


class TeamSearchIndex:
    """Search a team library, its index caught up with the stores before each search."""

    def __init__(
        self,
        database: Database,
        *,
        references: PgReferenceStore,
        passages: PgPassageStore,
        backend: PgSearchBackend,
    ) -> None:
        self._database = database
        self._references = references
        self._passages = passages
        self._backend = backend

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """One page of results, after indexing what changed since the index last saw it."""
        self.ensure_current()
        return self._backend.search(query, limit=limit, offset=offset)

    def ensure_current(self) -> None:
        """Build a missing index; index again every group whose version moved on."""
        if not self._backend.is_usable():
            self.rebuild()
            return
        current, indexed = self._versions()
        stale = {
            group
            for group in current.keys() | indexed.keys()
            if current.get(group) != indexed.get(group)
        }
        if stale:
            # Not behind another writer: a search answers from the index as it is (each
            # write indexes its own group before it returns) and the next one catches up.
            self._reindex(stale, wait=False)

    def rebuild(self) -> int:
        """Index every reference and passage again; returns how many documents."""
        current, _ = self._versions()
        self._references.refresh()
        references = _with_inherited(self._references.references())
        by_citekey = _by_citekey(references)
        documents: list[IndexDocument] = [reference_document(ref) for ref in references]
        for passage in self._passages.passages():
            facts = reference_facts(by_citekey.get(passage.citekey))
            documents.extend(passage_documents(passage, facts))
        self._backend.rebuild(documents)
        self._record(current, replace_all=True)
        logger.info("indexed %d documents of the team library", len(documents))
        return len(documents)

    def passage_saved(self, passage: Passage) -> None:
        """Index the passages of `passage`'s reference again, before returning."""
        self._reindex({passage_group(passage.citekey)})

    def passages_saved(self, passages: Sequence[Passage]) -> None:
        """Index the passages of every reference among `passages` again, in one commit."""
        self._reindex({passage_group(passage.citekey) for passage in passages})

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        """Index the passages of `citekey` again (one fewer)."""
        self._reindex({passage_group(citekey)})

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Nothing to hold: the backend's writes queue on its own lock."""
        yield

    def _versions(self) -> tuple[dict[str, int], dict[str, int]]:
        """The stores' versions by group, and those the index was built from."""
        with self._database.transaction() as connection:
            current = {str(g): int(v) for g, v in connection.execute(_CURRENT_VERSIONS)}
            indexed = {
                str(g): int(v)
                for g, v in connection.execute("SELECT group_name, version FROM search_sources")
            }
        return current, indexed

    def _reindex(self, groups: Collection[str], *, wait: bool = True) -> None:
        """Index `groups` again from the stores, read under the backend's write lock (so a
        later reading is never overwritten by an earlier one); a changed .bib file takes
        the passages of its references along, since they carry its authors and titles.
        With `wait=False`, nothing is done while another writer holds that lock."""
        recorded: dict[str, int] = {}

        def read() -> Mapping[str, Sequence[IndexDocument]]:
            current, _ = self._versions()  # before reading: a later write shows next time
            recorded.clear()
            recorded.update({group: current.get(group, 0) for group in groups})
            self._references.refresh()
            references = _with_inherited(self._references.references())
            by_citekey = _by_citekey(references)
            citekeys = {g.removeprefix("passages:") for g in groups if g.startswith("passages:")}
            documents: dict[str, list[IndexDocument]] = {}
            for group in groups:
                if group.startswith("bib:"):
                    in_file = [r for r in references if bib_group(r.path) == group]
                    documents[group] = [reference_document(r) for r in in_file]
                    citekeys.update(r.citekey for r in in_file)
            for citekey in sorted(citekeys):
                group = passage_group(citekey)
                facts = reference_facts(by_citekey.get(citekey))
                documents[group] = [
                    document
                    for passage in self._passages.passages(citekey)
                    for document in passage_documents(passage, facts)
                ]
                recorded.setdefault(group, current.get(group, 0))
            return documents

        if self._backend.update_with(read, wait=wait):
            self._record(recorded, replace_all=False)

    def _record(self, versions: Mapping[str, int], *, replace_all: bool) -> None:
        """Remember the versions the index now holds (a group at 0 is gone: forgotten)."""
        with self._database.transaction() as connection:
            if replace_all:
                connection.execute("DELETE FROM search_sources")
            for group, version in versions.items():
                if version == 0:
                    connection.execute("DELETE FROM search_sources WHERE group_name = %s", (group,))
                else:
                    connection.execute(
                        "INSERT INTO search_sources (group_name, version) VALUES (%s, %s) "
                        "ON CONFLICT (group_name) DO UPDATE SET version = EXCLUDED.version",
                        (group, version),
                    )
