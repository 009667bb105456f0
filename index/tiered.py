"""Answering a query of plain words in tiers, so that a search finds something whenever the
library holds any of its words.

Hits holding every word come first; then hits holding only some, ranked by how much of
the query they hold, each word weighing by its rarity (inverse document frequency), so
that missing `the army` costs less than missing `Zhukov`; BM25 orders hits of equal
coverage. A word the library does not hold at all stands for its nearest spellings there
(`index/vocabulary.py`, `index/pg_words.py`): hits through them count as holding the
word, a little less. The engine answers only `WordStatistics`, so Whoosh and PostgreSQL
rank alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from heapq import nlargest
from operator import neg
from typing import Protocol

from index.analysis import QueryWord, word_terms
from index.citations import CitedWork
from index.results import MATCH_ALL, MATCH_FUZZY, MATCH_SOME
from index.romanisation import read_back
from index.search import Matches
from index.wordqueries import Scores

# A query of more words than this is a pasted text: it is answered as "more like this",
# by its `SIGNIFICANT_WORDS` rarest words the library holds, so its cost stays bounded.
LONG_QUERY_WORDS = 30
SIGNIFICANT_WORDS = 12
# A word found only through a near spelling counts for this much of its weight.
NEAR_SPELLING_WEIGHT = 0.9
# Queries of up to this many words are ranked group by group (`_best_by_group`).
GROUPED_WORDS = 6
# Tiers are folded into one sort key above the score: scores stay far below this.
_TIER_SCALE = 10_000.0


class WordStatistics(Protocol):
    """What answering in tiers asks of a search engine: one view of its index.

    Whoosh answers from its postings (`index.whoosh_words`), PostgreSQL from its tables
    (`index.pg_words`); the tiers, weights and descriptions below are the same for both.
    """

    def document_count(self) -> int:
        """Every document of the index."""
        ...

    def frequency(self, term: str) -> int:
        """The documents holding `term` in a searched field (summed over the fields)."""
        ...

    def word_scores(self, terms: Sequence[str]) -> Scores:
        """Each document holding any of `terms`: its best term's score over the searched
        fields (one word typed is one word, however many spellings stand for it)."""
        ...

    def near(self, terms: Sequence[str]) -> tuple[str, ...]:
        """The held terms nearest to any of `terms` (none held), commonest first."""
        ...


def tiered_matches(
    statistics: WordStatistics,
    words: Sequence[QueryWord],
    count: int,
    *,
    cited: Sequence[CitedWork] = (),
) -> Matches:
    """Every document holding any of `words` or a record of a `cited` work; the best
    `count` ranked by tier then score (a cited work counts as one word of the query)."""
    per_word: list[Scores] = [work.scores for work in cited]
    near_bits = 0
    replacements: dict[str, frozenset[str]] = {}
    highlight: set[str] = set()
    words = [*(QueryWord(work.text, frozenset()) for work in cited), *words]
    for number, word in enumerate(words[len(cited) :], start=len(cited)):
        terms: Sequence[str] = sorted(word.terms)
        scores = statistics.word_scores(terms)
        if not scores:
            # Another romanisation of a Russian name: the same word, spelt as the library does.
            readings = {term for reading in read_back(word.text) for term in word_terms(reading)}
            terms = sorted(term for term in readings if statistics.frequency(term))
            scores = statistics.word_scores(terms) if terms else {}
        if not scores:
            terms = sorted(word.terms)
            near = statistics.near(terms)
            if near:
                scores = statistics.word_scores(near)
                near_bits |= 1 << number
                replacements[word.text] = frozenset(near)
                terms = near
        highlight.update(terms)
        per_word.append(scores)
    _add_joined_pairs(statistics, words, per_word, highlight)
    documents = max(statistics.document_count(), 1)
    weights = [
        _idf(len(scores), documents) * (NEAR_SPELLING_WEIGHT if near_bits >> n & 1 else 1.0)
        for n, scores in enumerate(per_word)
    ]
    whole = sum(_idf(len(scores), documents) for scores in per_word) or 1.0
    every = (1 << len(per_word)) - 1
    if len(per_word) <= GROUPED_WORDS:
        ranked, complete = _best_by_group(per_word, weights, whole, count)
    else:
        ranked, complete = _best_by_document(per_word, weights, whole, count)
    best = [(tier, score, docnum) for tier, score, docnum, _bits in ranked]
    described = {
        docnum: _description(words, bits, near_bits, every) for _t, _s, docnum, bits in ranked
    }
    matched: set[int] = set().union(*per_word)
    return Matches(
        best=best,
        matched=list(matched),
        highlight=frozenset(highlight),
        described=described,
        matched_all=complete,
        replacements=replacements,
    )


Ranked = list[tuple[float, float, int, int]]  # (tier, score, docnum, bits of the words held)


def _best_by_group(
    per_word: Sequence[Scores], weights: Sequence[float], whole: float, count: int
) -> tuple[Ranked, int]:
    """The best `count` documents and how many hold every word, taken group by group: a
    group holds exactly one set of the words, and groups come best-covering first. Set
    operations run in C over the postings, and only the groups whose documents can make
    the best `count` are scored: for two common words, the documents holding both."""
    size = len(per_word)
    every = (1 << size) - 1

    def tier(bits: int) -> float:
        covered = sum(weights[n] for n in range(size) if bits >> n & 1)
        return round(covered / whole + (bits == every), 4)

    groups = sorted(((tier(bits), bits) for bits in range(1, every + 1)), reverse=True)
    ranked: Ranked = []
    complete = 0
    for group_tier, bits in groups:
        if len(ranked) >= count and group_tier < ranked[-1][0]:
            break
        inside = [per_word[n] for n in range(size) if bits >> n & 1]
        if not all(inside):
            continue
        smallest: Scores = min(inside, key=len)
        members = set(smallest).intersection(*inside)
        members.difference_update(*(per_word[n] for n in range(size) if not bits >> n & 1))
        if bits == every:
            complete = len(members)
        scores = {docnum: sum(part[docnum] for part in inside) for docnum in members}
        top = nlargest(count, zip(scores.values(), map(neg, scores), strict=True))
        ranked.extend((group_tier, score, -negated, bits) for score, negated in top)
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return ranked[:count], complete


def _best_by_document(
    per_word: Sequence[Scores], weights: Sequence[float], whole: float, count: int
) -> tuple[Ranked, int]:
    """`_best_by_group` for many words (a pasted text's), document by document."""
    score: dict[int, float] = {}
    mask: dict[int, int] = {}
    cover: dict[int, float] = {}
    for number, scores in enumerate(per_word):
        bit, weight = 1 << number, weights[number]
        for docnum, value in scores.items():
            if docnum in score:
                score[docnum] += value
                mask[docnum] |= bit
                cover[docnum] += weight
            else:
                score[docnum] = value
                mask[docnum] = bit
                cover[docnum] = weight
    every = (1 << len(per_word)) - 1
    tier = {
        docnum: round(covered / whole + (mask[docnum] == every), 4)
        for docnum, covered in cover.items()
    }
    keys = {docnum: tier[docnum] * _TIER_SCALE + value for docnum, value in score.items()}
    top = nlargest(count, zip(keys.values(), map(neg, keys), strict=True))
    ranked = [(tier[-negated], score[-negated], -negated, mask[-negated]) for _k, negated in top]
    return ranked, sum(1 for bits in mask.values() if bits == every)


def significant_words(statistics: WordStatistics, words: Sequence[QueryWord]) -> list[QueryWord]:
    """`words` as they are if few; of a long text, the rarest words the library holds
    (the words that say what the text is about), at most `SIGNIFICANT_WORDS`."""
    if len(words) <= LONG_QUERY_WORDS:
        return list(words)
    rarity = {}
    for word in words:
        counts = [statistics.frequency(term) for term in word.terms]
        if any(counts):
            rarity[word.text] = min(count for count in counts if count)
    kept = sorted(rarity, key=rarity.__getitem__)[:SIGNIFICANT_WORDS]
    return [word for word in words if word.text in kept]


def _add_joined_pairs(
    statistics: WordStatistics,
    words: Sequence[QueryWord],
    per_word: list[Scores],
    highlight: set[str],
) -> None:
    """Two words the library holds as one (`anti party`, `rubber stamp`, `twenty first`):
    a text holding the compound holds both."""
    for number in range(len(words) - 1):
        first, second = words[number], words[number + 1]
        if not (first.text.isalpha() and second.text.isalpha()):
            continue
        joined = [
            term for term in word_terms(first.text + second.text) if statistics.frequency(term)
        ]
        if not joined:
            continue
        scores = statistics.word_scores(joined)
        highlight.update(joined)
        for target in (per_word[number], per_word[number + 1]):
            for docnum, value in scores.items():
                if value > target.get(docnum, 0.0):
                    target[docnum] = value


def _idf(frequency: int, documents: int) -> float:
    """The weight of a word held by `frequency` of `documents` (rarer weighs more)."""
    return math.log(1 + documents / (1 + frequency))


def _description(
    words: Sequence[QueryWord], bits: int, near_bits: int, every: int
) -> tuple[str, tuple[str, ...]]:
    """How a document matched: all, fuzzy or some, and the words (as typed) it lacks."""
    if bits == every:
        return (MATCH_FUZZY if near_bits & bits else MATCH_ALL), ()
    missing = tuple(word.text for n, word in enumerate(words) if not bits >> n & 1)
    return MATCH_SOME, missing
