"""Text analysis for the index: fold case, diacritics and scripts, and key names by sound.

Two chains share one tokenizer, so highlighting finds the same words in both:
- `exact_analyzer`: words folded to lowercase ASCII (`Mićunović` -> `micunovic`, `Жуков` ->
  `zhukov`), nothing else; a match here means the user typed the word as written.
- `loose_analyzer`: the folded word reduced to a spelling key (`Khrushchyov`, `Khruschev`,
  `Хрущёв` -> one key) and then stemmed, so every common romanisation and every English
  inflection meets.

Folding uses `unidecode` (pinned already; it covers every script, not only Cyrillic, and its
Cyrillic output is the Library of Congress style without diacritics, which is what English
texts mostly print) with a few overrides where English usage differs. `cyrtranslit` was not
added: its Russian output carries diacritics (`Hruščёv`) that we would fold away again, and
the spelling key below must absorb the differences between romanisations in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode
from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.lang.porter import stem

# Where unidecode's choice is not what English texts print: ё is written e (Khrushchev,
# not Khrushchiov), the soft and hard signs are dropped (Eltsin), the Serbian letters take
# their Latin-alphabet partners (Мићуновић is Mićunović, hence micunovic), and the scholarly
# háček letters their English digraphs (Žukov is Zhukov, Kaganovič is Kaganovich).
# Words whose analysis each cache keeps. A library's vocabulary is small next to its word
# count, so the commonest words are nearly every token. A word costs about 480 bytes in the
# three caches (measured), so they stay near 30 MiB in a server whose vocabulary keeps growing.
CACHED_WORDS = 65_536
_SCRIPT_OVERRIDES = str.maketrans(
    {
        "ž": "zh",
        "Ž": "Zh",
        "č": "ch",
        "Č": "Ch",
        "š": "sh",
        "Š": "Sh",
        "ŝ": "shch",
        "Ŝ": "Shch",
        "ё": "e",
        "Ё": "E",
        "ь": "",
        "Ь": "",
        "ъ": "",
        "Ъ": "",
        "ћ": "c",
        "Ћ": "C",
        "ђ": "dj",
        "Ђ": "Dj",
    }
)

_VOWELS = "aeiou"
_CONSONANT = "[b-df-hj-np-tv-z]"

# The spelling key: each rule merges spellings that romanisation systems, or popular usage,
# give for one Russian sound. Order matters; every rule works on the output of the last.
_KEY_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # щ: shch (BGN/LC), sch (popular, German-influenced), shch after a dropped h
        (r"shch|sch", "sh"),
        # х: kh (BGN/LC) and k (the popular Krushchev)
        (r"kh", "k"),
        # ц: ts and tz; x as ks (Aleksandr/Alexander)
        (r"tz", "ts"),
        (r"x", "ks"),
        # е after a vowel or at the start: ye/ie/je and e (Sergeyev/Sergeev, Yezhov/Ezhov);
        # not before a, so that year and yeah stay apart from ear
        (r"(^|[aeiou])[yij]e(?!a)", r"\1e"),
        # ё after a hushing consonant: o, yo, io and e (Khrushchov/Khrushchyov/Khrushchev)
        (r"(sh|ch|zh|ts)[yij]?o(?=v)", r"\1e"),
        # ё after other consonants: yo, jo, io and e (Fyodor/Fiodor/Fedor, Pyotr/Petr)
        (rf"({_CONSONANT})(?:[yj]o|io(?=[vdt]))", r"\1e"),
        # ьев/иев: Soloviev/Solovyev/Solovev
        (r"[yi]e(?=v)", "e"),
        # й, ю, я before a vowel: y, j and i (Vyacheslav/Viacheslav, Mikoyan/Mikojan/Mikoian)
        (r"[yj](?=[aeiou])", "i"),
        # -ий/-ый/-ой endings: iy, ii, ij, yi, y, i (Georgiy/Georgii/Georgy/Georgi)
        (r"(?:iy|ii|ij|yi|yy|y|j)$", "i"),
        # doubled consonants (Kirill/Kiril); doubled vowels stay (good is not god)
        (rf"({_CONSONANT})\1+", r"\1"),
    )
)


@lru_cache(maxsize=CACHED_WORDS)
def fold(word: str) -> str:
    """`word` in lowercase ASCII letters and digits: case, diacritics and script folded."""
    if word.isascii():
        return word.lower()
    latin = unidecode(word.translate(_SCRIPT_OVERRIDES)).lower()
    return "".join(character for character in latin if character.isalnum())


@lru_cache(maxsize=CACHED_WORDS)
def spelling_key(folded: str) -> str:
    """The key shared by the common spellings of a (Russian) name; `folded` comes from `fold`.

    `spelling_key(fold(w))` is the same for Khrushchev, Khruschev, Khrushchov, Khrushchyov,
    Krushchev, Хрущёв and Хрущев. English words go through the same rules; the merges that
    causes (shop/shep) are harmless because queries are keyed the same way, and exact
    spellings are still ranked first through the exact field.
    """
    key = folded
    for pattern, replacement in _KEY_RULES:
        key = pattern.sub(replacement, key)
    return key


class FoldFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """Replaces each token's text with `fold(text)`; drops tokens that fold to nothing."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            if token.text:
                yield token


@lru_cache(maxsize=CACHED_WORDS)
def loose_term(word: str) -> str:
    """`word` folded, keyed by spelling and stemmed (English, Porter): the loose field's term.

    One cached function for the three steps: a library's vocabulary is small next to its
    word count, so nearly every token is a cache hit.
    """
    folded = fold(word)
    return stem(spelling_key(folded)) if folded else ""


class LooseFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """Replaces each token's text with `loose_term(text)`; drops tokens that fold to nothing."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = loose_term(token.text)
            if token.text:
                yield token


# Words with inner dots stay whole (U.S.S.R., 1.2); apostrophes split (Stalin's -> stalin, s).
_WORD_PATTERN = r"\w+(\.?\w+)*"


def exact_analyzer() -> Analyzer:
    """Words folded, not stemmed: matches here mean the spelling the user typed."""
    return RegexTokenizer(_WORD_PATTERN) | FoldFilter()


# English function words the loose fields leave out. They are most of a text's postings, and
# a phrase with one of them had to read its positions in nearly every document; a phrase
# still matches its other words in order. Words that mean something in a historian's query
# (may, will, not, us, who) are kept.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
    ]
)


def loose_analyzer() -> Analyzer:
    """Words folded, keyed by spelling and stemmed (English, Porter): matches every variant.

    Function words are dropped and the positions of the rest renumbered, as Whoosh's own
    analysers do, so `"not even a tank"` matches "not even a tank" as a phrase.
    """
    return (
        RegexTokenizer(_WORD_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=True)
        | LooseFilter()
    )


def loose_terms(text: str) -> list[str]:
    """The terms `loose_analyzer` makes of `text`, for tests and for explaining a match."""
    return [token.text for token in loose_analyzer()(text)]


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query as typed, and the loose terms any of which counts as it."""

    text: str
    terms: frozenset[str]


_WORD = re.compile(_WORD_PATTERN)


def query_words(text: str) -> list[QueryWord]:
    """The words of `text` a search looks for, each once; function words are left out."""
    words: list[QueryWord] = []
    seen: set[frozenset[str]] = set()
    for match in _WORD.finditer(text):
        token = match.group(0)
        if token.lower() in STOP_WORDS:
            continue
        term = loose_term(token)
        terms = frozenset((term,)) if term else frozenset()
        if terms and terms not in seen:
            seen.add(terms)
            words.append(QueryWord(token, terms))
    return words
