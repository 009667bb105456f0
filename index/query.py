"""The query language, parsed into Whoosh queries; anything unparsable becomes plain words.

Bare words must all match (in any searched field); "exact phrases"; `-word`, `NOT word`;
`a OR b`; prefixes `khrush*`; fuzzy `zhukof~` (one edit, `~2` for two); fields
`author:taubman`, `citekey:freeze2009`, `tag:army`, `kind:note`, `year:1957` and year ranges
`year:1955..1960`.
"""

from __future__ import annotations

import logging
import re

from whoosh.fields import Schema
from whoosh.matching import Matcher
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, SingleQuotePlugin
from whoosh.query import And, FuzzyTerm, MultiTerm, NullQuery, Phrase, Query, Term
from whoosh.query.compound import PreloadedOr
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import SearchContext, Searcher

from index.schema import PHRASE_FIELDS, SEARCHED_FIELDS

logger = logging.getLogger(__name__)

# `-word` and `+word` at the start of a term only: decision-making is one hyphenated word.
_MINUS = re.compile(r"(^|[\s(])-(?=[^\s\-])")
_PLUS = re.compile(r"(^|[\s(])\+(?=\S)")
_YEAR_RANGE = re.compile(r"\byear:(\d{1,4})\s*\.\.\s*(\d{1,4})\b", re.IGNORECASE)
_FIELD_ALIASES = {"tags": "tag", "authors": "author", "key": "citekey"}
_FIELD_PREFIX = re.compile(r"\b(\w+):", re.UNICODE)
# What makes a query more than plain words.
_SYNTAX = re.compile(r'["*~()\[\]{}^]|\b\w+:\S')
_OPERATORS = frozenset(("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"))
# One query token: negated (`-word`, `NOT word`), fielded (`author:x`), a phrase or a word.
_TOKEN = re.compile(r'(?P<negated>(?<!\S)-|\bNOT\s+)?(?P<field>\w+:)?(?P<body>"[^"]*"?|[^\s"]+)')
_SYNTAX_CHARACTERS = str.maketrans(dict.fromkeys('"*~()[]{}^+', " "))
# Letters a fuzzy word must share with what it finds (`zhukof~` finds zhukov, not shukov).
FUZZY_PREFIX_LENGTH = 2


def query_parser(schema: Schema) -> MultifieldParser:
    """The parser for the query language over the searched fields, all words required.

    No field boosts: the weights are part of the scoring model (`index/weighting.py`).
    """
    parser = MultifieldParser(list(SEARCHED_FIELDS), schema)
    # Apostrophes are part of names and possessives (Stalin's), not a quoting syntax.
    parser.remove_plugin_class(SingleQuotePlugin)
    parser.add_plugin(FuzzyTermPlugin())
    return parser


def parse_query(text: str, parser: MultifieldParser) -> Query | None:
    """`text` as a Whoosh query; None if the parser cannot make sense of it (the caller
    then searches its plain words)."""
    rewritten = _rewrite(text)
    try:
        return _tuned(parser.parse(rewritten))
    except Exception as error:  # whoosh raises many unrelated types on odd input
        logger.debug("query %r not parsed (%s); searching its plain words", text, error)
        return None


def is_plain_words(text: str) -> bool:
    """True when `text` uses none of the query language: no quotes, fields, operators,
    negation, prefixes or fuzzy marks; such a query is answered in tiers."""
    if _SYNTAX.search(text) or _MINUS.search(text) or _PLUS.search(text):
        return False
    return not any(token in _OPERATORS for token in text.split())


def plain_words(text: str) -> str:
    """The words of `text` a user hopes to find, without the query language: negated and
    field-restricted words, operators and syntax characters left out."""
    words = [
        match["body"]
        for match in _TOKEN.finditer(text)
        if not match["negated"] and not match["field"] and match["body"] not in _OPERATORS
    ]
    return " ".join(words).translate(_SYNTAX_CHARACTERS)


def _tuned(query: Query) -> Query:
    """Phrases only where positions are kept; fuzzy terms anchored on their first letter.

    Fuzzy words keep their first two letters: Whoosh walks every word that starts like
    them, computing an edit distance in Python for each.
    Phrases, prefixes and fuzzy words are matched in `body` only: what `extra` holds (a
    passage's notes, its reference's description) is the body of the note or reference
    document as well, and each field they are looked for in costs a pass over positions or
    over every word they expand to. A phrase in a field
    without positions (`author:"…"`) is searched as its words there.
    Whoosh finds fuzzy matches by walking a field's vocabulary in Python; requiring the
    first letter to match makes `zhukof~` take milliseconds instead of seconds on a large
    library.
    """

    def tune(node: Query) -> Query:
        if isinstance(node, Phrase | MultiTerm) and node.fieldname == "extra":
            return NullQuery  # each text in `extra` is the body of a note or reference too
        if isinstance(node, Phrase) and node.fieldname not in PHRASE_FIELDS:
            return And([Term(node.fieldname, word) for word in node.words])
        if isinstance(node, FuzzyTerm):
            node.prefixlength = max(node.prefixlength, FUZZY_PREFIX_LENGTH)
        if isinstance(node, MultiTerm) and node.constantscore:
            return ExpandedWords(node)
        return node

    return query.accept(tune).normalize()


class ExpandedWords(WrappingQuery):  # type: ignore[misc]  # whoosh is untyped
    """A prefix, wildcard or fuzzy word whose expansions are matched in one array pass.

    Whoosh ORs the words a prefix expands to (`wind*`: wind, window, windows, …) as a
    binary tree of union matchers, a layer of Python calls per posting and per level; its
    array union reads each word's postings once. Matches score the same constant as Whoosh
    gives them, so ranking is unchanged.
    """

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Matcher:
        """The union of every expansion's postings in this segment."""
        terms = [Term(field, text) for field, text in self.child.expanded_terms(searcher.reader())]
        if len(terms) < 2:
            return self.child.matcher(searcher, context)
        unscored = (context or SearchContext()).set(weighting=None)
        return PreloadedOr(terms, boost=self.child.boost).matcher(searcher, unscored)


def _rewrite(text: str) -> str:
    """Our shorthands in Whoosh's syntax: `-word`, `year:1955..1960` and field aliases."""
    text = _MINUS.sub(r"\1NOT ", text)
    text = _PLUS.sub(r"\1", text)
    text = _YEAR_RANGE.sub(r"year:[\1 TO \2]", text)
    return _FIELD_PREFIX.sub(lambda match: f"{_alias(match.group(1))}:", text)


def _alias(name: str) -> str:
    lowered = name.lower()
    return _FIELD_ALIASES.get(lowered, lowered if lowered in _KNOWN_FIELDS else name)


_KNOWN_FIELDS = frozenset((*SEARCHED_FIELDS, "author", "title", "tag", "citekey", "kind", "year"))
