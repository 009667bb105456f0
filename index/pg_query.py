"""The query language answered by PostgreSQL: a parsed query's tree evaluated leaf by leaf.

Queries are parsed exactly as for Whoosh (`index.query.parse_query`: the same parser, the
same analysis of each word), so both editions read a query alike. Each leaf is matched in
PostgreSQL: a word by its field's GIN index (`pg_words`), a phrase by a `<->` tsquery
over the positions our analyser gave, a prefix or fuzzy word by the vocabulary, a column
(`kind:`, `citekey:`, `year:`, `tag:`) by its own index; AND, OR and NOT combine the
scored matches as `index.wordqueries` does for Whoosh (the same sums, a negated clause
worth 1, expansions of a prefix scoring 1 each). A node of any other kind raises
`Unsupported`, and the caller searches the query's plain words instead.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    Every,
    FuzzyTerm,
    MultiTerm,
    Not,
    Or,
    Phrase,
    Prefix,
    Query,
    Require,
    Term,
    TermRange,
    Wildcard,
)
from whoosh.query.qcore import _NullQuery
from whoosh.query.wrappers import WrappingQuery

from index.pg_rows import lexeme_literal
from index.pg_words import PgWords
from index.wordqueries import Scores, Unsupported

# Fields kept as plain columns, matched by equality (Whoosh's ID fields).
_COLUMNS = {
    "id": "id",
    "kind": "kind",
    "group": "group_name",
    "citekey": "citekey",
    "passage_id": "passage_id",
    "year": "year",
}
_TEXT_FIELDS = frozenset(("body", "extra", "author", "title"))
# The field whose matched terms a hit's snippet marks (as `index.search` marks them).
_HIGHLIGHT_FIELD = "body"


@dataclass(slots=True)
class StrictAnswer:
    """A parsed query's matches with their scores, and the body terms to mark."""

    scores: Scores
    highlight: set[str] = field(default_factory=set)


def evaluate(words: PgWords, query: Query) -> StrictAnswer:
    """Every document matching `query` with its score; `Unsupported` for a node this
    module does not answer."""
    evaluator = _Evaluator(words)
    return StrictAnswer(evaluator.evaluate(query), evaluator.highlight)


class _Evaluator:
    def __init__(self, words: PgWords) -> None:
        self._words = words
        self.highlight: set[str] = set()

    def evaluate(self, query: Query) -> Scores:
        if isinstance(query, _NullQuery):
            return {}
        if isinstance(query, Term):
            return _boosted(self._term(query.fieldname, _text(query.text)), query.boost)
        if isinstance(query, Phrase):
            return _boosted(self._phrase(query), query.boost)
        if isinstance(query, WrappingQuery) and isinstance(query.child, MultiTerm):
            return self._expanded(query.child)
        if isinstance(query, MultiTerm):
            return self._expanded(query)
        if isinstance(query, Every):
            return dict.fromkeys(self._words.matching("true", ()), 1.0)
        if isinstance(query, Not):
            everything = dict.fromkeys(self._words.matching("true", ()), 1.0)
            return self._without(everything, [query.query])
        if isinstance(query, AndNot):
            return self._without(self.evaluate(query.a), [query.b])
        if isinstance(query, AndMaybe):
            required, optional = self.evaluate(query.a), self.evaluate(query.b)
            return {d: s + optional.get(d, 0.0) for d, s in required.items()}
        if isinstance(query, Require):
            required, scored = self.evaluate(query.b), self.evaluate(query.a)
            return {d: s for d, s in scored.items() if d in required}
        if isinstance(query, And):
            return _boosted(self._all(query.subqueries), query.boost)
        if isinstance(query, Or) and not query.minmatch:
            return _boosted(self._any(query.subqueries), query.boost)
        raise Unsupported(type(query).__name__)

    def _term(self, fieldname: str, text: str) -> Scores:
        if fieldname in _TEXT_FIELDS:
            scores = self._words.term_scores(fieldname, text)
            if fieldname == _HIGHLIGHT_FIELD and scores:
                self.highlight.add(text)
            return scores
        if fieldname in _COLUMNS:
            where = f"{_COLUMNS[fieldname]} = %s"
        elif fieldname == "tag":
            where = "tag_terms @> ARRAY[%s]::text[]"
        else:
            return {}
        return dict.fromkeys(self._words.matching(where, (text,)), 1.0)

    def _phrase(self, query: Phrase) -> Scores:
        """The words in this order, next to each other (positions close up over function
        words on both sides); scored as the sum of its words' scores."""
        words = [_text(word) for word in query.words]
        if query.fieldname not in _TEXT_FIELDS or not words:
            raise Unsupported(f"phrase in {query.fieldname}")
        separator = " <-> " if query.slop <= 1 else f" <{query.slop}> "
        tsquery = separator.join(lexeme_literal(word) for word in words)
        matched = self._words.matching(f"{query.fieldname} @@ %s::tsquery", (tsquery,))
        if not matched:
            return {}
        per_word = [self._term(query.fieldname, word) for word in dict.fromkeys(words)]
        return {d: sum(scores.get(d, 0.0) for scores in per_word) for d in matched}

    def _expanded(self, query: MultiTerm) -> Scores:
        """A prefix, wildcard, fuzzy word or range: every document holding any term it
        expands to, scoring 1 each; one term only scores as that term (as Whoosh does)."""
        fieldname = query.fieldname
        if isinstance(query, TermRange) and fieldname in _COLUMNS:
            return self._range(query)
        if fieldname not in _TEXT_FIELDS:
            raise Unsupported(f"{type(query).__name__} in {fieldname}")
        text = _text(query.text)
        if isinstance(query, FuzzyTerm):
            terms = self._words.within_edits(fieldname, text, query.maxdist, query.prefixlength)
        elif isinstance(query, Prefix):
            terms = self._words.prefixed(fieldname, text)
        elif isinstance(query, Wildcard):
            terms = self._wildcard(fieldname, text)
        else:
            raise Unsupported(type(query).__name__)
        if fieldname == _HIGHLIGHT_FIELD:
            self.highlight.update(terms)
        if len(terms) == 1:
            return self._words.term_scores(fieldname, terms[0])
        matched: set[int] = set()
        for term in terms:
            matched.update(self._words.term_scores(fieldname, term))
        return dict.fromkeys(matched, 1.0)

    def _wildcard(self, fieldname: str, text: str) -> list[str]:
        head = text.split("*", 1)[0].split("?", 1)[0]
        return [
            term
            for term in self._words.prefixed(fieldname, head)
            if fnmatch.fnmatchcase(term, text)
        ]

    def _range(self, query: TermRange) -> Scores:
        column = _COLUMNS[query.fieldname]
        conditions, parameters = [], []
        if query.start is not None:
            conditions.append(f"{column} {'>' if query.startexcl else '>='} %s")
            parameters.append(_text(query.start))
        if query.end is not None:
            conditions.append(f"{column} {'<' if query.endexcl else '<='} %s")
            parameters.append(_text(query.end))
        where = " AND ".join(conditions) or "true"
        return dict.fromkeys(self._words.matching(where, parameters), 1.0)

    def _all(self, subqueries: list[Query]) -> Scores:
        positive = [q for q in subqueries if not isinstance(q, Not)]
        negative = [q.query for q in subqueries if isinstance(q, Not)]
        if not positive:
            return self._without(dict.fromkeys(self._words.matching("true", ()), 1.0), negative)
        parts = sorted((self.evaluate(q) for q in positive), key=len)
        common = set(parts[0]).intersection(*parts[1:])
        # As Whoosh scores it: a negated clause matches every other document, scoring 1.
        negated = float(len(negative))
        summed = {d: sum(part[d] for part in parts) + negated for d in common}
        return self._without(summed, negative)

    def _any(self, subqueries: list[Query]) -> Scores:
        total: Scores = {}
        for part in map(self.evaluate, subqueries):
            for docnum, score in part.items():
                total[docnum] = total.get(docnum, 0.0) + score
        return total

    def _without(self, scores: Scores, negative: list[Query]) -> Scores:
        excluded: set[int] = set()
        highlight = set(self.highlight)
        for query in negative:
            excluded.update(self.evaluate(query))
        self.highlight = highlight  # a word the hits must lack is not marked in them
        return {d: s for d, s in scores.items() if d not in excluded} if excluded else scores


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1 else {d: s * boost for d, s in scores.items()}
