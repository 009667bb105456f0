"""Writing the PostgreSQL search index: a rebuild or a group update, each one transaction.

Every write first takes one transaction-level advisory lock, so writers in any process
(several server workers, a `reindex`) queue one behind another while readers go on
reading the last committed index: a reader's snapshot never sees half a write. The
vocabulary's document frequencies and the field-length totals are changed in the same
transaction; `search_state.generation` grows, and every term whose documents changed is
marked with the new generation, which tells every process which postings it cached are
stale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import psycopg

from index.documents import IndexDocument, content_digest
from index.pg_rows import COLUMNS, TEXT_FIELDS, DocumentRow, document_row, term_counts

# The advisory lock every search index write takes (any constant of this project's own).
WRITE_LOCK = 7_461_020
# The pending-list size of the GIN indexes during a rebuild, in kB: entries collect there
# and are merged into the index in large batches, far quicker than one by one.
REBUILD_PENDING_KB = 256 * 1024
# Documents analysed and copied at a time by a rebuild.
REBUILD_CHUNK = 5_000

_COPY = f"COPY search_documents ({', '.join(COLUMNS)}) FROM STDIN"
_LENGTHS = ", ".join(f"{name}_length" for name in TEXT_FIELDS)


def lock_for_writing(connection: psycopg.Connection[Any]) -> None:
    """Wait for the index's write lock; held until the transaction ends."""
    connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))


def try_lock_for_writing(connection: psycopg.Connection[Any]) -> bool:
    """Take the index's write lock if no one holds it (True), until the transaction ends."""
    row = connection.execute("SELECT pg_try_advisory_xact_lock(%s)", (WRITE_LOCK,)).fetchone()
    return bool(row and row[0])


def rebuild(connection: psycopg.Connection[Any], documents: Iterable[IndexDocument]) -> int:
    """Replace every document by `documents` (in the caller's transaction); returns how
    many were written. Readers see the old index until the transaction commits.

    Documents are analysed and copied a chunk at a time, so a library of millions holds
    only its vocabulary's counts in memory, not every row.
    """
    lock_for_writing(connection)
    generation = _next_generation(connection)
    connection.execute(f"SET LOCAL gin_pending_list_limit = {REBUILD_PENDING_KB}")
    connection.execute("DELETE FROM search_documents")
    connection.execute("DELETE FROM search_facets")
    connection.execute("DELETE FROM search_terms")
    counts: Counter[tuple[str, str]] = Counter()
    totals = dict.fromkeys(TEXT_FIELDS, 0)
    written = 0
    for chunk in _chunks(documents, REBUILD_CHUNK):
        rows = _copied(connection, chunk)
        counts.update(term_counts(rows))
        for name, length in _totals(rows).items():
            totals[name] += length
        written += len(rows)
    _add_terms(connection, counts, generation)
    connection.execute(
        "UPDATE search_state SET built = true, documents = %s, "
        "body_length = %s, extra_length = %s, author_length = %s, title_length = %s",
        (written, *(totals[name] for name in TEXT_FIELDS)),
    )
    return written


def update(
    connection: psycopg.Connection[Any],
    groups: Mapping[str, Sequence[IndexDocument]],
) -> bool:
    """Replace the documents of each group by the given ones (in the caller's transaction),
    rewriting only those whose content changed; True if any row changed.

    The caller holds the write lock (`lock_for_writing`) from before it read the documents,
    so that two writers of one group cannot store an older reading over a newer one.
    """
    gone: list[int] = []
    added: list[IndexDocument] = []
    for group, documents in groups.items():
        held = {
            str(document_id): (int(docnum), str(digest))
            for docnum, document_id, digest in connection.execute(
                "SELECT docnum, id, digest FROM search_documents WHERE group_name = %s",
                (group,),
            )
        }
        wanted = {document.id: document for document in documents}
        for document_id, (docnum, digest) in held.items():
            document = wanted.get(document_id)
            if document is None or content_digest(document) != digest:
                gone.append(docnum)
        added.extend(
            document
            for document_id, document in wanted.items()
            if document_id not in held or content_digest(document) != held[document_id][1]
        )
    if not gone and not added:
        return False
    generation = _next_generation(connection)
    if gone:
        _delete(connection, gone, generation)
    rows = _copied(connection, added)
    _add_terms(connection, term_counts(rows), generation)
    totals = _totals(rows)
    connection.execute(
        "UPDATE search_state SET documents = documents + %s, "
        "body_length = body_length + %s, extra_length = extra_length + %s, "
        "author_length = author_length + %s, title_length = title_length + %s",
        (len(rows), *(totals[name] for name in TEXT_FIELDS)),
    )
    return True


def _next_generation(connection: psycopg.Connection[Any]) -> int:
    """The generation this write makes (the state's, raised by one)."""
    row = connection.execute(
        "UPDATE search_state SET generation = generation + 1 RETURNING generation"
    ).fetchone()
    return int(row[0]) if row else 0


def _delete(connection: psycopg.Connection[Any], docnums: list[int], generation: int) -> None:
    """Delete rows, taking their terms out of the vocabulary's counts and their lengths out
    of the totals (terms counted down to zero stay, ignored, until the next rebuild)."""
    counted = " UNION ALL ".join(
        f"SELECT '{name}' AS field, term FROM gone, unnest(tsvector_to_array(gone.{name})) term"
        for name in TEXT_FIELDS
    )
    lengths = ", ".join(
        f"{name}_length = {name}_length - (SELECT coalesce(sum({name}_length), 0) FROM gone)"
        for name in TEXT_FIELDS
    )
    connection.execute(
        f"""
        WITH gone AS (
            DELETE FROM search_documents WHERE docnum = ANY(%s)
            RETURNING {", ".join(TEXT_FIELDS)}, {_LENGTHS}
        ),
        gone_facets AS (DELETE FROM search_facets WHERE docnum = ANY(%s)),
        counts AS (
            SELECT field, term, count(*) AS documents FROM ({counted}) terms
            GROUP BY field, term
        ),
        lowered AS (
            UPDATE search_terms
            SET documents = search_terms.documents - counts.documents, generation = %s
            FROM counts
            WHERE search_terms.field = counts.field AND search_terms.term = counts.term
        )
        UPDATE search_state SET documents = documents - (SELECT count(*) FROM gone), {lengths}
        """,
        (docnums, docnums, generation),
    )


def _copied(
    connection: psycopg.Connection[Any], documents: Sequence[IndexDocument]
) -> list[DocumentRow]:
    """Analyse `documents` and copy their rows in (COPY: one round trip for any number),
    and their facet columns into `search_facets`.

    The rows copied are those past the highest document number before the copy: writers
    hold the write lock, so no other rows arrive meanwhile.
    """
    rows = [document_row(document) for document in documents]
    if rows:
        (last,) = connection.execute(
            "SELECT coalesce(max(docnum), 0) FROM search_documents"
        ).fetchone() or (0,)
        with connection.cursor().copy(_COPY) as copy:
            for row in rows:
                copy.write_row(row.values)
        connection.execute(
            "INSERT INTO search_facets (docnum, citekey, year, kind, tags) "
            "SELECT docnum, citekey, year, kind, tags FROM search_documents WHERE docnum > %s",
            (last,),
        )
    return rows


def _add_terms(
    connection: psycopg.Connection[Any], counts: Counter[tuple[str, str]], generation: int
) -> None:
    """Count the new rows' terms into the vocabulary, marked as changed by `generation`."""
    if not counts:
        return
    fields, terms, documents = zip(
        *((name, term, count) for (name, term), count in sorted(counts.items())), strict=True
    )
    connection.execute(
        """
        INSERT INTO search_terms (field, term, documents, generation)
        SELECT *, %s FROM unnest(%s::text[], %s::text[], %s::int[])
        ON CONFLICT (field, term)
        DO UPDATE SET documents = search_terms.documents + EXCLUDED.documents,
            generation = EXCLUDED.generation
        """,
        (generation, list(fields), list(terms), list(documents)),
    )


def _chunks(documents: Iterable[IndexDocument], size: int) -> Iterator[list[IndexDocument]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _totals(rows: Sequence[DocumentRow]) -> dict[str, int]:
    return {name: sum(row.lengths[name] for row in rows) for name in TEXT_FIELDS}
