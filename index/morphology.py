"""The dictionary forms of a word: English lemmas (irregular forms included) and Russian ones.

Porter's stemmer meets regular inflections (`ousted`, `oust`) but not irregular ones
(`flew`, `flown`, `fly`; `went`, `go`); an English lemmatiser knows those: simplemma's
dictionary (lemminflect did no better on the relevance table and needs numpy). Cyrillic words
are reduced with pymorphy3, whose dictionary (in the `pymorphy3-dicts-ru` wheel) knows
surnames in every case (`Шепилова`, `Кагановичем` -> `шепилов`, `каганович`), where
Snowball's Russian stemmer cuts names short (`Жуков` -> `жук`, `Казахстан` -> `казахста`).
Both were chosen by measurement (the README's Search section); both load lazily, on the
first word that needs them, so commands that never analyse text never pay for them.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

# Words whose forms are kept: as in `index.analysis`, a library's vocabulary is small.
CACHED_WORDS = 65_536

_loaded: dict[str, Any] = {}  # Any: the lemmatiser and the morphological analyser
_loading = threading.Lock()


@lru_cache(maxsize=CACHED_WORDS)
def english_lemmas(word: str) -> tuple[str, ...]:
    """The lemmas of a lowercase English word other than itself (`flew` -> `fly`)."""
    if not word.isalpha() or not word.isascii():
        return ()
    lemma = _english()(word, lang="en").lower()
    return (lemma,) if lemma != word and lemma.isalpha() else ()


@lru_cache(maxsize=CACHED_WORDS)
def russian_lemmas(word: str) -> tuple[str, ...]:
    """The dictionary forms of a lowercase Russian word other than itself, every reading's
    (`жукова` -> `жуков`; `жуков` -> `жук`, as the beetles, too)."""
    analyser = _russian()
    forms = {parse.normal_form.replace("ё", "е") for parse in analyser.parse(word)}
    return tuple(sorted(form for form in forms if form != word.replace("ё", "е")))


def _english() -> Any:  # Any: simplemma.lemmatize
    with _loading:
        if "english" not in _loaded:
            from simplemma import lemmatize

            _loaded["english"] = lemmatize
        return _loaded["english"]


def _russian() -> Any:  # Any: a pymorphy3 MorphAnalyzer
    with _loading:
        if "russian" not in _loaded:
            from pymorphy3 import MorphAnalyzer  # type: ignore[import-untyped]

            _loaded["russian"] = MorphAnalyzer(lang="ru")
        return _loaded["russian"]
