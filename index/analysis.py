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
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from unidecode import unidecode
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token, Tokenizer
from whoosh.lang.porter import stem

from index.morphology import english_lemmas, russian_lemmas
from index.normalforms import date_spans, ordinal_term

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
_CYRILLIC = re.compile("[\u0400-\u04ff]")
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
    # Composed first: a háček may come as a combining mark (`z` + U+030C), as iuliia writes.
    latin = unidecode(unicodedata.normalize("NFC", word).translate(_SCRIPT_OVERRIDES)).lower()
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
def word_terms(word: str) -> tuple[str, ...]:
    """The loose field's terms for one word: its own first, then its dictionary forms'.

    Each form is folded, keyed by spelling and stemmed (English, Porter). A Latin word's
    forms are its English lemmas (`flew` -> `fly`, so it meets `flying` and `flown`); a
    Cyrillic word's are its Russian dictionary forms (`Шепилова` -> `шепилов`); an
    ordinal, written in figures or in words, is one term (`twentieth` -> `20th`). One
    cached function for every step: nearly every token of a text is a cache hit.
    """
    folded = fold(word)
    if not folded:
        return ()
    ordinal = ordinal_term(folded)
    if ordinal is not None:
        return (ordinal,)
    if _CYRILLIC.search(word):
        forms = (folded, *(fold(lemma) for lemma in russian_lemmas(word.lower())))
    else:
        forms = (folded, *english_lemmas(folded))
    terms = dict.fromkeys(stem(spelling_key(form)) for form in forms if form)
    return tuple(terms)


def loose_term(word: str) -> str:
    """The loose field's main term for `word` (its own form's), "" if it folds to nothing."""
    terms = word_terms(word)
    return terms[0] if terms else ""


class LooseFilter(Filter):  # type: ignore[misc]  # whoosh is untyped
    """Replaces each token by its loose terms, all at its position when indexing (only its
    own form in a query, so that phrases keep one term a word); drops tokens that fold to
    nothing."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            terms = word_terms(token.text)
            if token.mode == "query":
                terms = terms[:1]
            for term in terms:
                token.text = term
                yield token


# Words with inner dots stay whole (U.S.S.R., 1.2); apostrophes split (Stalin's -> stalin, s).
_WORD_PATTERN = r"\w+(\.?\w+)*"
_WORD = re.compile(_WORD_PATTERN)


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


class WordTokenizer(Tokenizer):  # type: ignore[misc]  # whoosh is untyped
    """Words (`_WORD_PATTERN`), function words left out and positions closed up; when
    indexing, also a hyphenated compound's halves joined (`anti-party` -> `antiparty`, at
    the second half's position) and each full date's term (`d19570629`, at its first
    word's), so that `antiparty`, `anti-party` and `anti party`, and every way of writing
    a date, meet."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,  # Any: Whoosh's tokenizer options
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        extras = mode != "query"
        dates = date_spans(value) if extras else []
        position = start_pos - 1
        previous: re.Match[str] | None = None
        for match in _WORD.finditer(value):
            text = match.group(0)
            if text.lower() in STOP_WORDS:
                previous = None
                continue
            position += 1
            while dates and dates[0][0] <= match.start():
                _start, _end, term = dates.pop(0)
                yield _token(token, term, position, match.start() + start_char, _end + start_char)
            yield _token(
                token, text, position, match.start() + start_char, match.end() + start_char
            )
            if (
                extras
                and previous is not None
                and previous.end() == match.start() - 1
                and _joins(value[previous.end()], text)
                and text.isalpha()
                and previous.group(0).isalpha()
            ):
                joined = previous.group(0) + text
                yield _token(
                    token, joined, position, previous.start() + start_char, match.end() + start_char
                )
            previous = match


def _token(token: Token, text: str, position: int, start: int, end: int) -> Token:
    token.text, token.boost, token.stopped = text, 1.0, False
    if token.positions:
        token.pos = position
    if token.chars:
        token.startchar, token.endchar = start, end
    return token


_HYPHENS = frozenset(("-", "\u2010", "\u2011"))
# A soft sign romanised as an apostrophe (`El'tsin`, `Ust'Kamenogorsk` in ALA-LC, BGN/PCGN)
# joins its word's halves too; English clitics after one (`Stalin's`, `don't`) do not.
_APOSTROPHES = frozenset(("'", "\u2019", "\u02b9", "\u02bc", "`"))
_CLITICS = frozenset(("s", "t", "d", "m", "ll", "re", "ve"))


def _joins(separator: str, second: str) -> bool:
    """True when two words with `separator` between them are also one word."""
    if separator in _HYPHENS:
        return True
    return separator in _APOSTROPHES and second.lower() not in _CLITICS


def loose_analyzer() -> Analyzer:
    """Words folded, keyed by spelling, reduced to their dictionary forms and stemmed:
    matches every variant. Function words are dropped and the positions of the rest
    closed up, so `"not even a tank"` matches "not even a tank" as a phrase."""
    return WordTokenizer() | LooseFilter()


def loose_terms(text: str) -> list[str]:
    """The terms `loose_analyzer` makes of `text`, for tests and for explaining a match."""
    return [token.text for token in loose_analyzer()(text)]


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query as typed, and the loose terms any of which counts as it."""

    text: str
    terms: frozenset[str]


_COMPOUND = re.compile(r"\w+(?:[-\u2010\u2011'\u2019\u02b9\u02bc`]\w+)+|\w+(?:\.?\w+)*")
_SEPARATOR = re.compile(r"[-\u2010\u2011'\u2019\u02b9\u02bc`]")


def query_words(text: str) -> list[QueryWord]:
    """The words of `text` a search looks for, each once; function words are left out.

    A full date is one word (`29 June 1957`: any date term `d19570629` counts), and so is
    a hyphenated compound (`anti-party`: its halves joined, as the index joins them).
    """
    words: list[QueryWord] = []
    seen: set[frozenset[str]] = set()
    # Composed, and marks that compose with nothing dropped: a háček typed as a combining
    # mark (`z` + U+030C) or ALA-LC's tie (`t͡s`) would otherwise split a word.
    text = "".join(
        character
        for character in unicodedata.normalize("NFC", text)
        if unicodedata.category(character) != "Mn"
    )
    dates = date_spans(text)
    for start, end, term in dates:
        words.append(QueryWord(text[start:end], frozenset((term,))))
    for match in _COMPOUND.finditer(text):
        if any(start <= match.start() < end for start, end, _term in dates):
            continue
        token = match.group(0)
        if token.lower() in STOP_WORDS:
            continue
        parts = _SEPARATOR.split(token)
        separators = _SEPARATOR.findall(token)
        if separators and not _joins(separators[-1], parts[-1]):
            parts = parts[:-1]  # `Stalin's`: the word is Stalin
            token = token[: token.rindex(separators[-1])]
        if len(parts) > 1 and not all(part.isalpha() for part in parts):
            # Figures with hyphens (an ISBN, `1949-50`) are indexed as separate words.
            for part in parts:
                terms = frozenset(word_terms(part))
                if terms and terms not in seen:
                    seen.add(terms)
                    words.append(QueryWord(part, terms))
            continue
        terms = frozenset(word_terms("".join(parts)))
        if terms and terms not in seen:
            seen.add(terms)
            words.append(QueryWord(token, terms))
    return words
