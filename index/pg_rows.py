"""`IndexDocument`s as rows of `search_documents`, their fields analysed by our own analyser.

PostgreSQL's text search configurations stem and fold their own way; the project's
analysis (romanisation keys, English and Russian lemmas, joined compounds, dates) is what
makes `Chruschtschow` find `Хрущёв`. So each searched field's `tsvector` is written from
the terms `index.analysis.loose_analyzer` makes, at the positions it gives them (plus one:
a tsvector counts from 1), and PostgreSQL only matches and indexes them. Both editions
then hold the same terms, and a query analysed once matches either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from index.analysis import loose_analyzer
from index.documents import IndexDocument, content_digest, searched_texts

# The searched fields, each a tsvector column with its length column.
TEXT_FIELDS = ("body", "extra", "author", "title")
# The columns a row is copied into, in order.
COLUMNS = (
    "group_name",
    "id",
    "kind",
    "citekey",
    "passage_id",
    "year",
    "tags",
    "tag_terms",
    "text",
    "authors",
    "locator_label",
    "locator_value",
    "digest",
    *TEXT_FIELDS,
    *(f"{name}_length" for name in TEXT_FIELDS),
)
# PostgreSQL's limits: positions past this one are stored as it, and a lexeme keeps at
# most this many positions.
_LAST_POSITION = 16383
_POSITIONS_PER_TERM = 256
_ANALYZER = loose_analyzer()


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One document's column values (`COLUMNS`), and the distinct terms of each field (for
    the vocabulary's document frequencies)."""

    values: tuple[object, ...]
    terms: dict[str, frozenset[str]] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AnalysedField:
    """A field's text as a tsvector literal, its length in terms (as Whoosh counts a field's
    length: every term at every position) and its distinct terms."""

    vector: str
    length: int
    terms: frozenset[str]


def analysed(text: str) -> AnalysedField:
    """`text` through the loose analyser, as PostgreSQL's tsvector input reads it."""
    positions: dict[str, list[int]] = {}
    length = 0
    for token in _ANALYZER(text, positions=True, mode="index"):
        length += 1
        held = positions.setdefault(token.text, [])
        if len(held) < _POSITIONS_PER_TERM:
            held.append(min(token.pos + 1, _LAST_POSITION))
    vector = " ".join(
        f"{lexeme_literal(term)}:{','.join(map(str, sorted(set(places))))}"
        for term, places in positions.items()
    )
    return AnalysedField(vector, length, frozenset(positions))


def lexeme_literal(term: str) -> str:
    """`term` quoted for a tsvector or tsquery literal (quotes and backslashes escaped)."""
    escaped = term.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def document_row(document: IndexDocument) -> DocumentRow:
    """The row of `document`, every searched field analysed once."""
    searched = searched_texts(document)
    fields = {
        "body": analysed(searched.body),
        "extra": analysed(searched.extra),
        "author": analysed(searched.author),
        "title": analysed(searched.title),
    }
    locator = document.locator
    values = (
        document.group,
        document.id,
        document.kind,
        document.citekey,
        document.passage_id,
        document.year,
        list(document.tags),
        tag_terms(document.tags),
        document.text,
        document.authors,
        locator.label if locator else None,
        locator.value if locator else None,
        content_digest(document),
        *(fields[name].vector for name in TEXT_FIELDS),
        *(fields[name].length for name in TEXT_FIELDS),
    )
    return DocumentRow(
        values,
        {name: fields[name].terms for name in TEXT_FIELDS},
        {name: fields[name].length for name in TEXT_FIELDS},
    )


def tag_terms(tags: tuple[str, ...]) -> list[str]:
    """The terms `tag:` matches: as Whoosh's tag field makes them, lowercase, split at
    commas, trimmed."""
    return sorted({part.strip().lower() for tag in tags for part in tag.split(",") if part.strip()})


def term_counts(rows: list[DocumentRow]) -> Counter[tuple[str, str]]:
    """How many of `rows` hold each (field, term)."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        for name, terms in row.terms.items():
            counts.update((name, term) for term in terms)
    return counts
