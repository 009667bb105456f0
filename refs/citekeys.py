"""Make citekeys in the `authoryearword` form (`linden1966khrushchev`), never colliding.

A key is built from the first author's family name, the year and the first title word
that is not a stopword, all in lower-case ASCII (via unidecode, so `Mićunović` gives
`micunovic`). The same inputs always give the same key; a key already taken (ignoring
case, as BibTeX does) gets a letter suffix: `…a`, `…b`, … `…z`, `…aa`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator

from unidecode import unidecode

# Words skipped when choosing the title word: articles, short prepositions and
# conjunctions in the languages the demo library and typical libraries hold.
_STOPWORD_TEXT = """a an and as at by for from in into of on or the to with about over under
    der die das den dem des ein eine einer und von zu zur zum im am mit auf
    le la les l un une des du de et en au aux d
    el los las lo y del al con por para
    il lo gli i e di da della delle dei
    o os as do da dos das em
    na po v i s k"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")
MAX_CITEKEY_LENGTH = 200
# What a citekey may contain: letters, digits and `_-:.+`. That is none of BibTeX's special
# characters, and nothing a file name cannot hold (passages live in `passages/<citekey>.json`):
# no `/`, `\`, NUL, space, `|`, `?`, `*`...; a leading dot (`..`, hidden files) is refused too.
_VALID = re.compile(rf"(?!\.)[\w:.+-]{{1,{MAX_CITEKEY_LENGTH}}}")
CITEKEY_RULE = (
    f"a citekey has 1 to {MAX_CITEKEY_LENGTH} letters, digits and _-:.+ and does not start "
    "with a dot (it names the file passages/<citekey>.json)"
)
# Room left in a made citekey for the letters that tell it apart from taken ones.
_MAX_BASE_LENGTH = MAX_CITEKEY_LENGTH // 2
FALLBACK_NAME = "anon"
FALLBACK_PREFIX = "ref"


def is_valid_citekey(citekey: str) -> bool:
    """True when `citekey` can stand in `@type{citekey,` and in `\\cite{citekey}`, and
    name a file (`passages/<citekey>.json`): the one rule for every citekey added."""
    return _VALID.fullmatch(citekey) is not None


def base_citekey(family: str, year: str, title: str) -> str:
    """`linden1966khrushchev` from "Linden", "1966", "Khrushchev and the Soviet Leadership"."""
    name = _NOT_ALNUM.sub("", _ascii(family)) or FALLBACK_NAME
    digits = "".join(re.findall("[0-9]", _ascii(year)))[:4]
    words = [word for word in _WORD.findall(_ascii(title)) if word not in STOPWORDS]
    key = f"{name}{digits}{words[0] if words else ''}"
    key = key if key[0].isalpha() else FALLBACK_PREFIX + key
    return key[:_MAX_BASE_LENGTH]


class FoldedCitekeys:
    """Citekeys in use, kept lower-cased, so that `unique_citekey` checks one in constant
    time: folding the whole set for each new key made an import quadratic."""

    def __init__(self, citekeys: Iterable[str] = ()) -> None:
        self._folded = {citekey.lower() for citekey in citekeys}

    def add(self, citekey: str) -> None:
        """Count `citekey` as taken."""
        self._folded.add(citekey.lower())

    def __contains__(self, citekey: object) -> bool:
        return isinstance(citekey, str) and citekey.lower() in self._folded

    def __len__(self) -> int:
        return len(self._folded)

    def __iter__(self) -> Iterator[str]:
        return iter(self._folded)


def unique_citekey(base: str, taken: Collection[str]) -> str:
    """`base`, or `base` with the first letter suffix not in `taken` (ignoring case)."""
    folded = taken if isinstance(taken, FoldedCitekeys) else {c.lower() for c in taken}
    if base.lower() not in folded:
        return base
    number = 0
    while True:
        candidate = base + _letters(number)
        if candidate.lower() not in folded:
            return candidate
        number += 1


def make_citekey(family: str, year: str, title: str, taken: Collection[str]) -> str:
    """A new citekey for a work, distinct from every key in `taken`."""
    return unique_citekey(base_citekey(family, year, title), taken)


def _ascii(text: str) -> str:
    return unidecode(text).lower()


def _letters(number: int) -> str:
    """0 → a, 25 → z, 26 → aa, 27 → ab: spreadsheet-style column letters."""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
