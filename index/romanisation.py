"""Reading a Latin spelling of a Russian name back into Cyrillic, by every common romanisation.

A library written in English spells Хрущёв `Khrushchev`; a German book has `Chruschtschow`,
a French one `Khrouchtchev`, a Polish one `Chruszczow`, a Czech one `Chruščov`, ISO 9
`Hruščëv`. Each romanisation is a table from Cyrillic letters to Latin; read backwards, it
turns a spelling back into Cyrillic, whose loose term (`index.analysis`) is the English
spelling's. The tables are iuliia's (ALA-LC, BGN/PCGN, BS 2979, GOST, ICAO, ISO 9, the
French MVD 310, scholarly, Wikipedia, Telegram and others), which are maintained with
their standards, and below, for the languages iuliia leaves out, the German (Duden),
Polish and Czech conventions. No name is listed: any Russian name reads back.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator, Mapping
from functools import lru_cache

RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
# Readings of one word kept per table: the longest spellings are tried first, and a name
# has few letters whose spelling is ambiguous (German `sch` is ш or ж).
READINGS_PER_TABLE = 8

_TableSpec = Mapping[str, str | tuple[str, ...]]

_GERMAN: _TableSpec = {
    "а": "a", "б": "b", "в": ("w", "v", "ff", "f"), "г": "g", "д": "d", "е": ("e", "je"),
    "ё": ("jo", "o"), "ж": ("sch", "sh"), "з": "s", "и": "i", "й": ("j", "i"), "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": ("s", "ss"), "т": "t",
    "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip
_POLISH: _TableSpec = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": ("e", "je"), "ё": ("io", "jo"),
    "ж": "ż", "з": "z", "и": ("i", "y"), "й": "j", "к": "k", "л": ("l", "ł"), "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": ("iu", "ju"), "я": ("ia", "ja"),
}  # fmt: skip
_CZECH: _TableSpec = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": ("e", "je"), "ё": ("jo", "o"),
    "ж": "ž", "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip
# English usage beyond the standards: the popular -off and -ski endings, `ks` for кс.
_POPULAR: _TableSpec = {"в": ("ff", "f"), "кс": "x", "ий": ("y", "i"), "ый": ("y", "i")}

_tables: list[dict[str, frozenset[str]]] = []
_tables_lock = threading.Lock()


@lru_cache(maxsize=4096)
def read_back(word: str) -> tuple[str, ...]:
    """The Cyrillic words that some romanisation spells as `word` (any case)."""
    lowered = unicodedata.normalize("NFC", word.lower())
    if not lowered.isalpha():
        return ()
    found: dict[str, None] = {}
    for table in _reading_tables():
        for reading in _readings(lowered, 0, table, READINGS_PER_TABLE):
            found.setdefault(reading)
    return tuple(found)


def _readings(
    word: str, start: int, table: Mapping[str, frozenset[str]], limit: int
) -> Iterator[str]:
    """Up to `limit` Cyrillic readings of `word[start:]`, longest spellings tried first."""
    if start == len(word):
        yield ""
        return
    produced = 0
    for length in range(min(_LONGEST, len(word) - start), 0, -1):
        letters = table.get(word[start : start + length])
        if not letters:
            continue
        for rest in _readings(word, start + length, table, limit - produced):
            for letter in sorted(letters):
                yield letter + rest
                produced += 1
                if produced >= limit:
                    return


_LONGEST = 7


def _reading_tables() -> list[dict[str, frozenset[str]]]:
    """Every romanisation's table, inverted: a Latin spelling -> the Cyrillic it writes."""
    with _tables_lock:
        if not _tables:
            _tables.extend(_inverted(table) for table in _all_tables())
        return _tables


def _all_tables() -> Iterator[_TableSpec]:
    import iuliia  # type: ignore[import-untyped]  # untyped; imported when first needed

    for name in sorted(iuliia.schemas.names()):
        schema = iuliia.schemas.get(name)
        yield {
            letter: unicodedata.normalize("NFC", schema.translate(letter).lower())
            for letter in RUSSIAN_LETTERS
        }
    yield from (_GERMAN, _POLISH, _CZECH)


def _inverted(table: _TableSpec) -> dict[str, frozenset[str]]:
    spellings: dict[str, set[str]] = {}
    for source in (table, _POPULAR):
        for letters, written in source.items():
            for spelling in (written,) if isinstance(written, str) else written:
                if spelling and not any("\u0400" <= c <= "\u04ff" for c in spelling):
                    spellings.setdefault(spelling, set()).add(letters)
    # Some tables leave a letter in Cyrillic (ё in GOST 7.79): it reads as itself.
    for letter in RUSSIAN_LETTERS:
        spellings.setdefault(letter, set()).add(letter)
    # Soft and hard signs are written as nothing: reading them back would be endless.
    return {spelling: frozenset(letters) for spelling, letters in spellings.items() if spelling}
