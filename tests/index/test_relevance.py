"""Relevance: queries a user would type, each with the record that must come first or in
the top three, against real quotes (tests/data/search_corpus.json).

Add a row whenever a query finds the wrong thing.
"""

from __future__ import annotations

import pytest

from index.indexer import SearchIndex
from tests.index.conftest import MakeIndex
from tests.index.corpus import build_corpus_library

FIRST, TOP3 = 1, 3
# The tank quote itself names only "Zhukov" (its note says "Georgy Zhukov"); three passages
# that print "Georgii/Georgi Zhukov" in the quote rank above it, as they should.
TOP4 = 4

CASES = [
    # phrases and partial phrases
    pytest.param('"not even a tank will leave its position"', "tank", FIRST, id="phrase"),
    pytest.param("not even a tank", "tank", FIRST, id="partial-phrase-words"),
    pytest.param('"collective leadership"', "expulsion", FIRST, id="short-phrase"),
    pytest.param("leadership experiment collective", "expulsion", FIRST, id="words-any-order"),
    pytest.param("decision-making enterprise", "sovnarkhozy", FIRST, id="hyphenated-word"),
    pytest.param("potash works", "potash", FIRST, id="two-words"),
    pytest.param("ousted", "oust", FIRST, id="stemmed-inflection"),
    pytest.param("liquidated thousands", "cult", FIRST, id="words-mid-quote"),
    # Zhukov in every spelling
    pytest.param("zhukov tank", "tank", FIRST, id="zhukov-tank"),
    pytest.param("Жуков танк", "tank", FIRST, id="zhukov-tank-cyrillic"),
    pytest.param("Георгий Жуков", "tank", TOP4, id="georgy-zhukov-cyrillic"),
    pytest.param("Георгий Жуков", "independents", FIRST, id="georgii-zhukov-cyrillic-exact"),
    pytest.param("Georgii Zhukov", "independents", FIRST, id="georgii-zhukov"),
    pytest.param("Georgi Zhukov", "tass", FIRST, id="georgi-zhukov"),
    pytest.param("Georgiy Zhukov replaced", "tass", FIRST, id="georgiy-zhukov"),
    pytest.param("Georgy Zhukov escorted", "escorted", FIRST, id="georgy-zhukov"),
    pytest.param("Жуков", "cult-zhukov", TOP3, id="zhukov-cyrillic-alone"),
    pytest.param("zhukof~", "cult-zhukov", TOP3, id="zhukov-fuzzy"),
    # Khrushchev in every spelling
    pytest.param("Khruschev", "khruschev", FIRST, id="khruschev-exact-first"),
    pytest.param("Krushchev", "krushchev", FIRST, id="krushchev-exact-first"),
    pytest.param("Khrushchov reaffirmed", "khruschev", FIRST, id="khrushchov"),
    pytest.param("Khrushchyov secretary reaffirmed", "khruschev", FIRST, id="khrushchyov"),
    pytest.param("Хрущёв Mikoyan", "vote-7-4", FIRST, id="khrushchev-cyrillic-yo"),
    pytest.param("Хрущев Берия", "beria", FIRST, id="khrushchev-beria-cyrillic"),
    pytest.param("khrush* patron", "betrayed", FIRST, id="khrushchev-prefix"),
    # Molotov and the others
    pytest.param("Вячеслав Молотов", "faction", FIRST, id="viacheslav-cyrillic"),
    pytest.param("Viacheslav Molotov", "faction", FIRST, id="viacheslav"),
    pytest.param("Vyacheslav Molotov", "resign", FIRST, id="vyacheslav"),
    pytest.param("Molotov Mongolia", "exiled", FIRST, id="molotov-mongolia"),
    pytest.param("Маленков Казахстан", "ust-kamenogorsk", TOP3, id="malenkov-kazakhstan-cyrillic"),
    pytest.param("Шепилов", "betrayed", TOP3, id="shepilov-cyrillic"),
    pytest.param("Dmitry Shepilov", "shepilov-joined", FIRST, id="dmitry-shepilov"),
    # Both words are in the note (Mićunović only there): the passage it is about comes
    # first, the note right after it.
    pytest.param("Micunovic Brioni", "brioni", FIRST, id="micunovic-without-diacritics"),
    pytest.param("Micunovic Brioni", "brioni-n1", TOP3, id="micunovic-brioni-note"),
    pytest.param("Mikoian", "vote-7-4", FIRST, id="mikoyan-lc-spelling"),
    # words only in a note, authors, fields, misspellings
    pytest.param("Ehrenburg", "thaw", TOP3, id="word-only-in-a-note"),
    pytest.param("structural argument", "kremlin-logic-n1", TOP3, id="note-itself"),
    pytest.param("author:freeze officialdom", "elites", FIRST, id="author-field"),
    pytest.param("Taubman patron", "betrayed", FIRST, id="author-name-as-word"),
    pytest.param("citekey:freeze2009 cult", "cult-zhukov", FIRST, id="citekey-field"),
    pytest.param("tag:kgb Moscow", "ferried", FIRST, id="tag-field"),
    pytest.param("year:2004 potash", "exiled", FIRST, id="year-field"),
    pytest.param("Kaganovitch potash", "potash", FIRST, id="misspelling-corrected"),
    pytest.param("Malinovsy", "tass", FIRST, id="misspelt-name"),
    pytest.param("Shepilov -Kaganovich", "betrayed", FIRST, id="minus-word"),
    pytest.param("secret police", "beria", FIRST, id="secret-police"),
]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, make_index: MakeIndex) -> SearchIndex:
    index = build_corpus_library(tmp_path_factory.mktemp("corpus") / "library", make_index)
    index.rebuild()
    return index


@pytest.mark.parametrize(("query", "expected", "within"), CASES)
def test_expected_record_is_ranked_high(
    corpus_index: SearchIndex, query: str, expected: str, within: int
) -> None:
    hits = corpus_index.search(query, limit=10).hits
    ids = [hit.id for hit in hits]
    assert expected in ids[:within], f"{query!r}: {expected!r} not in top {within} of {ids}"


def test_the_table_has_at_least_thirty_queries() -> None:
    assert len({case.values[0] for case in CASES}) >= 30
