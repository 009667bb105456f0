"""The PostgreSQL implementation of `SearchBackend`: the team edition's search.

Same documents in, same `SearchResult` out, same query language and ranking as
`index.whoosh_backend`: the terms stored are our analyser's (`pg_rows`), the tiers,
cited works, ranking again and snippets are the shared modules (`tiered`, `citations`,
`ranking`, `search.results_page`), and only matching, counting and storage are
PostgreSQL's (`pg_words`, `pg_query`, `pg_writes`). Each search reads one
repeatable-read snapshot, so it never sees half of a write; each write is one
transaction under an advisory lock, so server workers in many processes may write at
once. The tables are made by the team database's migration `0002_search`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import psycopg
from whoosh.qparser import MultifieldParser
from whoosh.query import Query

from index.analysis import fold, query_words
from index.citations import (
    RECORD_SCORE,
    REFERENCE_SCORE,
    citation_candidates,
    cited_works,
)
from index.documents import REFERENCE, IndexDocument
from index.errors import IndexDamaged
from index.pg_query import evaluate
from index.pg_rows import TEXT_FIELDS
from index.pg_words import IndexTotals, PgWords, PostingCache
from index.pg_writes import lock_for_writing, rebuild, try_lock_for_writing, update
from index.query import is_plain_words, parse_query, plain_words, query_parser
from index.ranking import RERANKED_HITS
from index.results import FACET_NAMES, SearchResult
from index.schema import build_schema
from index.search import Matches, by_count, results_page
from index.tiered import LONG_QUERY_WORDS, significant_words, tiered_matches
from index.wordqueries import Unsupported
from teamdb.connection import Database

logger = logging.getLogger(__name__)

# Queries whose parse is kept (parsing is pure Python and a live search repeats queries).
PARSED_QUERIES = 1024
_NAME_WORD = re.compile(r"\w+")

Groups = Mapping[str, Sequence[IndexDocument]]


class PgSearchBackend:
    """The search index in a team database's `search_*` tables; safe for many writers and
    readers in any number of processes."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._postings = PostingCache()
        self._parser: MultifieldParser | None = None
        self._parses: OrderedDict[str, Query | None] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, database: str | Database) -> PgSearchBackend:
        """The backend of the database at a libpq URL, or on an open `Database` (its pool
        shared with the stores)."""
        return cls(Database(database) if isinstance(database, str) else database)

    def is_usable(self) -> bool:
        """True once the index has been built (the schema is migrated and holds an index)."""
        try:
            with self._database.transaction() as connection:
                row = connection.execute("SELECT built FROM search_state").fetchone()
        except psycopg.errors.UndefinedTable:
            return False
        return bool(row and row[0])

    def rebuild(self, documents: Iterable[IndexDocument]) -> None:
        """Replace the whole index by `documents`, in one transaction (read as they come:
        a generator of millions is never held in memory at once)."""
        with self._database.transaction() as connection:
            count = rebuild(connection, documents)
        logger.info("built the PostgreSQL search index with %d documents", count)

    def update(self, groups: Groups) -> None:
        """Replace every document of each group by the given ones, in one transaction."""
        if groups:
            self.update_with(lambda: groups)

    def update_with(self, read: Callable[[], Groups], *, wait: bool = True) -> bool:
        """Take the index's write lock, then call `read` for the groups' documents and store
        them, in one transaction; True when done.

        Reading after the lock is what keeps concurrent writers from losing each other's
        records: a writer that read a passages group before another's passage was committed
        would otherwise store that older reading last. With `wait=False`, nothing is done
        (False) when another writer holds the lock: a search catching up with others' writes
        answers from the index as it is instead of queueing behind them, as the folder
        edition's does.
        """
        with self._database.transaction() as connection:
            if wait:
                lock_for_writing(connection)
            elif not try_lock_for_writing(connection):
                return False
            groups = read()
            if groups:
                update(connection, groups)
        return True

    def delete(self, groups: Iterable[str]) -> None:
        """Remove every document of these groups, in one transaction."""
        self.update({group: () for group in groups})

    def search(self, query: str, *, limit: int, offset: int) -> SearchResult:
        """Answer `query` as `WhooshBackend.search` does, from one snapshot of the tables."""
        try:
            with self._database.transaction() as connection:
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                totals = _totals(connection)
                words = PgWords(connection, totals, self._postings)
                count = max(RERANKED_HITS, offset + limit)
                matches = self._matches(connection, words, query, count)
                docnums = [docnum for _tier, _score, docnum in matches.best]
                return results_page(
                    matches,
                    _stored(connection, docnums),
                    _facets(connection, matches.matched),
                    text=query,
                    limit=limit,
                    offset=offset,
                )
        except psycopg.errors.UndefinedTable as error:
            raise IndexDamaged(f"the search tables are missing: run `init` ({error})") from error

    def _matches(
        self,
        connection: psycopg.Connection[Any],  # Any: rows as tuples
        words: PgWords,
        query: str,
        count: int,
    ) -> Matches:
        """What `query` matches, the best `count` first: the steps of
        `WhooshBackend._matches`, each answered by PostgreSQL."""
        cited, rest = cited_works(_WorkCatalog(connection, query), query)
        relaxed = False
        if cited or len(query.split()) > LONG_QUERY_WORDS:
            rest = plain_words(rest)
        elif not is_plain_words(query):
            parsed = self._parsed(query)
            if parsed is not None:
                try:
                    answer = evaluate(words, parsed)
                except Unsupported as error:
                    logger.debug("query %r not answered (%s); searching its words", query, error)
                else:
                    if answer.scores:
                        return _strict_matches(answer.scores, answer.highlight, count)
            rest, relaxed = plain_words(query), True
        chosen = significant_words(words, query_words(rest))
        matches = tiered_matches(words, chosen, count, cited=cited)
        return replace(matches, relaxed=relaxed, ranked_text=rest if cited else None)

    def _parsed(self, query: str) -> Query | None:
        """`query` parsed by the query language's parser, from the recent parses if there."""
        with self._lock:
            if query in self._parses:
                self._parses.move_to_end(query)
                return self._parses[query]
            if self._parser is None:
                self._parser = query_parser(build_schema())
            parsed = self._parses[query] = parse_query(query, self._parser)
            if len(self._parses) > PARSED_QUERIES:
                self._parses.popitem(last=False)
            return parsed


def _strict_matches(scores: Mapping[int, float], highlight: set[str], count: int) -> Matches:
    """Matches of a query as written: the best `count` by score, ties by document number."""
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:count]
    return Matches(
        best=[(0.0, score, docnum) for docnum, score in best],
        matched=list(scores),
        highlight=frozenset(highlight),
        matched_all=len(scores),
    )


def _totals(connection: psycopg.Connection[Any]) -> IndexTotals:  # Any: rows as tuples
    columns = ", ".join(f"{name}_length" for name in TEXT_FIELDS)
    row = connection.execute(f"SELECT built, documents, {columns} FROM search_state").fetchone()
    if row is None:
        raise IndexDamaged("search_state has no row: run `init`")
    built, documents, *lengths = row
    return IndexTotals(
        built=bool(built),
        documents=int(documents),
        lengths={name: int(value) for name, value in zip(TEXT_FIELDS, lengths, strict=True)},
    )


def _stored(
    connection: psycopg.Connection[Any],  # Any: rows as tuples
    docnums: Sequence[int],
) -> dict[int, dict[str, Any]]:  # Any: stored field values, as `results_page` reads them
    """What the best hits show and are ranked again by, in the shape Whoosh stores it."""
    stored: dict[int, dict[str, Any]] = {}
    if not docnums:
        return stored
    rows = connection.execute(
        "SELECT docnum, kind, id, citekey, passage_id, text, authors, locator_label, "
        "locator_value FROM search_documents WHERE docnum = ANY(%s)",
        (list(docnums),),
    )
    for docnum, kind, hit_id, citekey, passage_id, text, authors, label, value in rows:
        stored[int(docnum)] = {
            "kind": kind,
            "id": hit_id,
            "citekey": citekey,
            "passage_id": passage_id,
            "text": text,
            "authors": authors,
            "locator": (label, value) if label is not None else None,
        }
    return stored


def _facets(
    connection: psycopg.Connection[Any],  # Any: rows as tuples
    matched: Sequence[int],
) -> dict[str, dict[str, int]]:
    """Counts of citekey, year, kind and tag over every match, by SQL over the narrow
    `search_facets` (the wide rows' pages cost twice as much to read)."""
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_NAMES}
    if matched:
        rows = connection.execute(
            """
            WITH m AS (
                SELECT f.citekey, f.year, f.kind, f.tags
                FROM search_facets f
                JOIN unnest(string_to_array(%s, ',')::bigint[]) AS u(docnum) USING (docnum)
            )
            SELECT 'citekey', citekey, count(*) FROM m GROUP BY citekey
            UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
            UNION ALL SELECT 'kind', kind, count(*) FROM m GROUP BY kind
            UNION ALL SELECT 'tag', tag, count(*) FROM m, unnest(m.tags) tag GROUP BY tag
            """,
            (_id_list(matched),),
        )
        for name, value, count in rows:
            if value:
                counts[str(name)].append((str(value), int(count)))
    return {name: by_count(counts[name]) for name in FACET_NAMES}


def _id_list(docnums: Sequence[int]) -> str:
    """Document numbers as one comma-separated string: psycopg dumps a list of a hundred
    thousand ints element by element in Python; `str.join` does it in C."""
    return ",".join(map(str, docnums))


class _WorkCatalog:
    """`citations.WorkCatalog` over the tables, fetching only what the query may cite: the
    records of its citekey-like words and the references of its years."""

    def __init__(self, connection: psycopg.Connection[Any], query: str) -> None:
        self._connection = connection
        keys, years = citation_candidates(query)
        self._records: dict[str, dict[int, float]] = {}
        self._fetch_records(keys)
        self._years: dict[str, list[tuple[str, frozenset[str]]]] = {}
        if years:
            rows = connection.execute(
                "SELECT lower(citekey), left(year, 4), authors FROM search_documents "
                "WHERE kind = %s AND left(year, 4) = ANY(%s)",
                (REFERENCE, sorted(set(years))),
            )
            for citekey, year, authors in rows:
                names = frozenset(
                    fold(word) for word in _NAME_WORD.findall(authors or "") if len(word) > 2
                )
                self._years.setdefault(str(year), []).append((str(citekey), names))

    def _fetch_records(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys) - self._records.keys())
        if not wanted:
            return
        for key in wanted:
            self._records[key] = {}
        rows = self._connection.execute(
            "SELECT lower(citekey), docnum, kind FROM search_documents "
            "WHERE lower(citekey) = ANY(%s)",
            (wanted,),
        )
        for citekey, docnum, kind in rows:
            score = REFERENCE_SCORE if kind == REFERENCE else RECORD_SCORE
            self._records[str(citekey)][int(docnum)] = score

    def scores(self, citekey: str) -> dict[int, float]:
        self._fetch_records([citekey])
        return dict(self._records[citekey])

    def by_author_and_year(self, year: str, words: frozenset[str]) -> list[str]:
        return sorted(citekey for citekey, names in self._years.get(year, ()) if names & words)

    def names(self, citekeys: Sequence[str], word: str) -> bool:
        wanted = set(citekeys)
        return any(
            word in names
            for held in self._years.values()
            for citekey, names in held
            if citekey in wanted
        )
