"""The Whoosh schema of the index, and the version stamp that forces a rebuild when it changes.

Every prose field is indexed twice: loosely (spelling keys and stems, to find every variant)
and exactly (folded words, to rank the spelling the user typed first). Only what a hit shows
is stored; facets read sortable columns, which are cheap to scan for every match. A word
the analyser splits in two (decision-making, Ust'Kamenogorsk) is searched as a phrase.
"""

from __future__ import annotations

from whoosh.columns import PickleColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import exact_analyzer, loose_analyzer

# Bump on any change to the schema or to analysis: indexes of another version are rebuilt.
SCHEMA_VERSION = 3

# The fields bare words are searched in, with their weights: the quote first, its exact
# spelling above its stems, then notes, then what the reference says about itself.
# What the reference says about itself (authors, title, container, abstract, keywords) and
# the tags are searched as one field, `meta`: every field a bare word is looked for in costs
# a pass over its postings, and five small fields cost five times one.
FIELD_BOOSTS: dict[str, float] = {
    "quote": 3.0,
    "quote_exact": 4.0,
    "note": 1.5,
    "note_exact": 2.0,
    "meta": 1.0,
    # A passage by the person named (Zhukov's own words for "Георгий Жуков") outranks
    # passages that merely mention them; `meta` alone drowns a short author in a long title.
    "author": 12.0,
}

# The exact fields keep no positions (phrases are matched in the loose fields, which do):
# positions are much of what a build writes.
EXACT_FIELDS = frozenset(("quote_exact", "note_exact"))
# The fields analysed with spelling keys and stems (the others keep folded words).
LOOSE_FIELDS = frozenset(("quote", "note", "meta", "author", "title"))


def build_schema() -> Schema:
    """A fresh schema object (Whoosh keeps analyzers per schema, so never share one)."""
    loose = loose_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),
        group=ID(),
        citekey=ID(stored=True, sortable=True),
        passage_id=ID(stored=True),
        year=ID(stored=True, sortable=True),
        tag=KEYWORD(lowercase=True, commas=True, scorable=True),
        tags=COLUMN(PickleColumn(VarBytesColumn())),
        quote=TEXT(analyzer=loose, multitoken_query="phrase"),
        quote_exact=TEXT(analyzer=exact, phrase=False),
        note=TEXT(analyzer=loose, multitoken_query="phrase"),
        note_exact=TEXT(analyzer=exact, phrase=False),
        meta=TEXT(analyzer=loose, multitoken_query="phrase"),
        author=TEXT(analyzer=loose, phrase=False),
        title=TEXT(analyzer=loose, multitoken_query="phrase"),
        text=STORED(),
        locator=STORED(),
        digest=STORED(),
    )
