"""Ranking the best hits again by what the loose fields cannot tell apart.

The index keeps each text once, loosely: `Khrushchov` and `Khrushchev`, `tank` and `tanks`
are one term there, and a passage's authors are words among its reference's title. So the
first `RERANKED_HITS` hits are ranked again from their stored text: a hit that has the
words as the user typed them comes first, and so does a passage by the person the query
names (Zhukov's own words for `Георгий Жуков`), and a passage comes before its own notes
(a note is about its passage: when the note matches better, the passage moves up to it).
Hits past the window keep their order, so pages stay consistent with each other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.analysis import exact_analyzer, fold, loose_term
from index.documents import NOTE, PASSAGE, REFERENCE

# How many of the best hits are ranked again: more than a user pages through, few enough to
# read their stored text in a few milliseconds.
RERANKED_HITS = 100
# A hit with every typed word in the spelling typed scores twice what a hit with only
# variants of them does (the index once gave the exact spelling a field of its own, at 4
# against 3 for the loose one: close to this).
EXACT_BONUS = 1.0
# A passage by the person named outranks passages that merely mention them (when the
# query is only the name; less as the query says more).
AUTHOR_BONUS = 10.0

# Hits' texts whose words are kept: the same passages come back query after query, and
# reading their words again was a fifth of a search's time. Passages are a few hundred
# characters, so this holds a few megabytes.
WORD_CACHE_TEXTS = 4096

# One query token: negated (`-word`, `NOT word`), fielded (`author:x`), a phrase or a word.
_TOKEN = re.compile(r'(?P<negated>-|\bNOT\s+)?(?P<field>\w+:)?(?P<body>"[^"]*"?|[^\s"]+)')
_OPERATORS = frozenset(("AND", "OR", "NOT"))
_WORD = re.compile(r"\w+", re.UNICODE)
_EXACT = exact_analyzer()
# On equal scores: a passage, then a note, then a reference.
_KIND_ORDER = {PASSAGE: 0, NOTE: 1, REFERENCE: 2}


@dataclass(frozen=True, slots=True)
class RankingWords:
    """The words a hit is hoped to contain: folded as typed, and as loose terms."""

    folded: tuple[str, ...]
    loose: frozenset[str]


def ranking_words(query: str) -> RankingWords:
    """The plain words of `query` (not negated, not for one field, not prefixes or fuzzy)."""
    folded: list[str] = []
    for match in _TOKEN.finditer(query):
        body = match["body"]
        if match["negated"] or match["field"] or body in _OPERATORS:
            continue
        if body.endswith("*") or "~" in body:
            continue
        folded.extend(word for word in map(fold, _WORD.findall(body)) if word)
    return RankingWords(tuple(folded), frozenset(loose_term(word) for word in folded))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A hit as ranked by the index, with what ranking it again reads."""

    docnum: int
    score: float
    kind: str
    text: str
    authors: str
    passage_id: str = ""
    tier: float = 0.0


def reranked(candidates: Sequence[Candidate], words: RankingWords) -> list[tuple[float, int]]:
    """(score, docnum) of `candidates`, best first: the first `RERANKED_HITS` ranked again.

    A candidate's `tier` (how much of the query it holds) comes before its score: ranking
    again reorders hits within a tier, never across tiers.
    """
    window = candidates[:RERANKED_HITS]
    scores = [candidate.score * _bonus(candidate, words) for candidate in window]
    best_note: dict[str, tuple[float, float]] = {}
    for candidate, score in zip(window, scores, strict=True):
        if candidate.kind == NOTE and candidate.passage_id:
            held = best_note.get(candidate.passage_id, (0.0, 0.0))
            best_note[candidate.passage_id] = max((candidate.tier, score), held)
    ranked = sorted(
        (
            (
                max((candidate.tier, score), best_note.get(candidate.passage_id, (0.0, 0.0)))
                if candidate.kind == PASSAGE
                else (candidate.tier, score),
                _KIND_ORDER.get(candidate.kind, len(_KIND_ORDER)),
                candidate.docnum,
            )
            for candidate, score in zip(window, scores, strict=True)
        ),
        key=lambda item: (-item[0][0], -item[0][1], item[1], item[2]),
    )
    rest = [(candidate.score, candidate.docnum) for candidate in candidates[RERANKED_HITS:]]
    return [(score, docnum) for (_tier, score), _kind, docnum in ranked] + rest


def _bonus(candidate: Candidate, words: RankingWords) -> float:
    if not words.folded:
        return 1.0
    present = _exact_words(candidate.text)
    exact = sum(word in present for word in words.folded) / len(words.folded)
    bonus = 1.0 + EXACT_BONUS * exact
    if candidate.kind == PASSAGE:
        named = words.loose & _loose_words(candidate.authors)
        if named:
            # In proportion to how much of the query names the author: `Георгий Жуков` asks
            # for Zhukov's words; `Zhukov full member Presidium` for a fact about him.
            bonus *= 1.0 + (AUTHOR_BONUS - 1.0) * len(named) / len(words.loose)
    return bonus


@functools.lru_cache(maxsize=WORD_CACHE_TEXTS)
def _exact_words(text: str) -> frozenset[str]:
    """The words of `text` folded, as typed (`Khrushchov` stays itself)."""
    return frozenset(token.text for token in _EXACT(text))


@functools.lru_cache(maxsize=WORD_CACHE_TEXTS)
def _loose_words(text: str) -> frozenset[str]:
    """The words of `text` as loose terms (`Khrushchov` and `Khrushchev` are one)."""
    return frozenset(loose_term(token.text) for token in _EXACT(text))
