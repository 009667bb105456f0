"""The Whoosh schema of the index, and the version stamp that forces a rebuild when it changes.

Bare words are searched in two fields only, each kept once, loosely (spelling keys and
stems, so every variant meets): `body`, a document's own words (the quote, the note, a
reference's description of itself), and `extra`, what a passage borrows (its notes and its
reference's authors, title and container). Every field a bare word is looked for in costs a
pass over its postings, and every copy of a text costs its postings again at build time, so
the exact spelling and the authors are not searched fields: they rank the best hits again
(`index/ranking.py`). Only what a hit shows is stored; facets read sortable columns.
"""

from __future__ import annotations

from whoosh.columns import PickleColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import loose_analyzer
from index.documents import NOTE, PASSAGE, REFERENCE

# Bump on any change to the schema or to analysis: indexes of another version are rebuilt.
SCHEMA_VERSION = 8

# The fields bare words are searched in.
SEARCHED_FIELDS = ("body", "extra")
# Each field's weight in the score; `body` is weighted again by the document's kind: the
# quote first, then the user's notes, then what a reference says about itself.
FIELD_WEIGHTS: dict[str, float] = {"body": 1.0, "extra": 1.5, "author": 1.0, "title": 1.0}
KIND_WEIGHTS: dict[str, float] = {PASSAGE: 3.0, NOTE: 1.5, REFERENCE: 1.0}
KIND_WEIGHTED_FIELDS = ("body",)
# The fields that keep word positions, so phrases can be matched in them.
PHRASE_FIELDS = frozenset(("body", "extra", "title"))


def build_schema() -> Schema:
    """A fresh schema object (Whoosh keeps analyzers per schema, so never share one)."""
    loose = loose_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),
        group=ID(),
        citekey=ID(stored=True, sortable=True),
        passage_id=ID(stored=True),
        year=ID(stored=True, sortable=True),
        tag=KEYWORD(lowercase=True, commas=True, scorable=True),
        tags=COLUMN(PickleColumn(VarBytesColumn())),
        body=TEXT(analyzer=loose, multitoken_query="phrase"),
        extra=TEXT(analyzer=loose, multitoken_query="phrase"),
        author=TEXT(analyzer=loose, phrase=False),
        title=TEXT(analyzer=loose, multitoken_query="phrase"),
        text=STORED(),
        authors=STORED(),
        locator=STORED(),
        digest=STORED(),
    )
