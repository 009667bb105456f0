"""Folding and spelling keys: every common spelling of a name meets its others."""

from __future__ import annotations

import iuliia  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.analysis import (
    exact_analyzer,
    fold,
    loose_analyzer,
    loose_term,
    loose_terms,
    query_words,
    word_terms,
)
from index.romanisation import read_back

# Real spellings found in print: BGN/PCGN, Library of Congress, scholarly (háček),
# popular English, and the names in Cyrillic with and without ё.
NAME_VARIANTS = [
    pytest.param(["Zhukov", "Жуков", "ZHUKOV", "Žukov"], id="zhukov"),
    pytest.param(["Georgy", "Georgii", "Georgi", "Georgiy", "Georgij", "Георгий"], id="georgy"),
    pytest.param(["Vyacheslav", "Viacheslav", "Vjačeslav", "Вячеслав"], id="vyacheslav"),
    pytest.param(["Molotov", "Молотов"], id="molotov"),
    pytest.param(
        [
            "Khrushchev",
            "Khruschev",
            "Khrushchov",
            "Khrushchyov",
            "Krushchev",
            "Khrushchëv",
            "Хрущёв",
            "Хрущев",
        ],
        id="khrushchev",
    ),
    pytest.param(["Malenkov", "Маленков"], id="malenkov"),
    pytest.param(["Kaganovich", "Kaganovič", "Каганович"], id="kaganovich"),
    pytest.param(["Mikoyan", "Mikoian", "Mikojan", "Микоян"], id="mikoyan"),
    pytest.param(["Shepilov", "Šepilov", "Шепилов"], id="shepilov"),
    pytest.param(["Mićunović", "Micunovic", "Мићуновић"], id="micunovic"),
    pytest.param(["Nikita", "Никита"], id="nikita"),
    pytest.param(["Sergeyevich", "Sergeevich", "Сергеевич"], id="sergeyevich"),
    pytest.param(["Yezhov", "Ezhov", "Ежов"], id="yezhov"),
    pytest.param(["Fyodor", "Fedor", "Fiodor", "Fëdor", "Фёдор"], id="fyodor"),
    pytest.param(["Yuri", "Yury", "Yuriy", "Iurii", "Jurij", "Юрий"], id="yuri"),
    pytest.param(["Dmitry", "Dmitri", "Dmitrii", "Dmitriy", "Дмитрий"], id="dmitry"),
    pytest.param(["Solovyov", "Soloviev", "Solovyev", "Соловьёв"], id="solovyov"),
    pytest.param(["Gorbachev", "Gorbachov", "Gorbachyov", "Горбачёв"], id="gorbachev"),
    pytest.param(["Aleksandr", "Alexandr", "Александр"], id="aleksandr"),
    pytest.param(["Yeltsin", "Eltsin", "Ельцин"], id="yeltsin"),
    pytest.param(["Kirill", "Kiril", "Кирилл"], id="kirill"),
    pytest.param(["Tsar", "Tzar", "Царь"], id="tsar"),
    pytest.param(["Pervukhin", "Первухин"], id="pervukhin"),
    pytest.param(["Voroshilov", "Ворошилов"], id="voroshilov"),
    pytest.param(["Bulganin", "Булганин"], id="bulganin"),
]


@pytest.mark.parametrize("spellings", NAME_VARIANTS)
def test_every_spelling_of_a_name_has_one_loose_term(spellings: list[str]) -> None:
    # Each spelling's own term (a Cyrillic word's dictionary forms may follow it).
    terms = {loose_term(spelling) for spelling in spellings}
    assert len(terms) == 1, {spelling: loose_terms(spelling) for spelling in spellings}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Molotov", "Malenkov", id="molotov-malenkov"),
        pytest.param("Zhukov", "Shepilov", id="zhukov-shepilov"),
        pytest.param("good", "god", id="vowel-doubling-kept"),
        pytest.param("year", "ear", id="year-ear"),
        pytest.param("tank", "bank", id="tank-bank"),
    ],
)
def test_different_words_keep_different_terms(first: str, second: str) -> None:
    assert loose_terms(first) != loose_terms(second)


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        pytest.param("Mićunović", "micunovic", id="serbian-latin"),
        pytest.param("Мићуновић", "micunovic", id="serbian-cyrillic"),
        pytest.param("Хрущёв", "khrushchev", id="yo-as-e"),
        pytest.param("Ельцин", "eltsin", id="soft-sign-dropped"),
        pytest.param("Žukov", "zhukov", id="hacek-digraph"),
        pytest.param("ÉCOLE", "ecole", id="french"),
    ],
)
def test_fold_gives_lowercase_ascii(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_english_inflections_share_a_stem() -> None:
    assert loose_terms("tanks armies positions") == loose_terms("tank army position")


def test_exact_analysis_keeps_spelling_apart_from_its_variants() -> None:
    exact = [token.text for token in exact_analyzer()("Khruschev Khrushchev tanks")]
    assert exact == ["khruschev", "khrushchev", "tanks"]


def test_tokens_keep_their_place_in_the_original_text() -> None:
    text = "Маршал Жуков, Mićunović"
    # Whoosh reuses one Token object, so read each as it comes.
    spans = [(token.startchar, token.endchar) for token in exact_analyzer()(text, chars=True)]
    assert [text[start:end] for start, end in spans] == [
        "Маршал",
        "Жуков",
        "Mićunović",
    ]


@given(st.text())
def test_any_text_analyses_to_ascii_terms(text: str) -> None:
    for term in loose_terms(text):
        assert term.isascii()
        assert term == term.lower()


def test_function_words_are_left_out_and_positions_close_up() -> None:
    tokens = [(t.text, t.pos) for t in loose_analyzer()("The army of the people", positions=True)]
    assert [text for text, _ in tokens] == loose_terms("army people")
    assert tokens[1][1] == tokens[0][1] + 1  # next to each other, so phrases still match
    # Words that carry meaning in a historian's query stay.
    assert {loose_term(w) for w in ("may", "1957", "not", "us")} <= set(
        loose_terms("May 1957 not us")
    )


def _meets(variant: str, spelling: str) -> bool:
    """True when `variant`, as typed or read back from any romanisation, reaches the loose
    term of `spelling`."""
    terms = set(word_terms(variant)) | {t for r in read_back(variant) for t in word_terms(r)}
    return loose_term(spelling) in terms


# Брежнев is in no test library: nothing about him is listed anywhere.
RUSSIAN_NAMES = [
    "Брежнев",
    "Хрущёв",
    "Жуков",
    "Булганин",
    "Ворошилов",
    "Первухин",
    "Черненко",
    "Ельцин",
    "Зиновьев",
]


@pytest.mark.parametrize("name", RUSSIAN_NAMES)
def test_every_standard_romanisation_of_a_name_reaches_its_english_spelling(name: str) -> None:
    english = iuliia.schemas.get("wikipedia").translate(name)
    misses = [
        (schema, iuliia.schemas.get(schema).translate(name))
        for schema in sorted(iuliia.schemas.names())
        if schema != "uz"  # Uzbek Latin, not a romanisation of Russian
        and not _meets_as_typed(iuliia.schemas.get(schema).translate(name), english)
    ]
    assert not misses


def _meets_as_typed(variant: str, spelling: str) -> bool:
    """`_meets` for a variant typed as a query (`El'tsin` is one word, as the index joins it)."""
    return any(
        loose_term(spelling) in word.terms
        or _meets(word.text.replace("'", "").replace("`", ""), spelling)
        for word in query_words(variant)
    )


@pytest.mark.parametrize(
    ("variant", "english"),
    [
        pytest.param("Breschnew", "Brezhnev", id="german"),
        pytest.param("Brejnev", "Brezhnev", id="french"),
        pytest.param("Breżniew", "Brezhnev", id="polish"),
        pytest.param("Chruschtschow", "Khrushchev", id="german-khrushchev"),
        pytest.param("Khrouchtchev", "Khrushchev", id="french-khrushchev"),
        pytest.param("Chruszczow", "Khrushchev", id="polish-khrushchev"),
        pytest.param("Chruščov", "Khrushchev", id="czech-khrushchev"),
        pytest.param("Hruščëv", "Khrushchev", id="iso9"),
        pytest.param("Joukov", "Zhukov", id="french-zhukov"),
        pytest.param("Schukow", "Zhukov", id="german-zhukov"),
        pytest.param("Perwuchin", "Pervukhin", id="german-pervukhin"),
        pytest.param("Malenkof", "Malenkov", id="popular-f"),
        pytest.param("Брежнева", "Brezhnev", id="cyrillic-genitive"),
        pytest.param("Брежневым", "Brezhnev", id="cyrillic-instrumental"),
    ],
)
def test_romanisations_in_other_languages_reach_the_english_spelling(
    variant: str, english: str
) -> None:
    assert _meets(variant, english)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        pytest.param("flew", "flying", id="irregular-past"),
        pytest.param("flown", "flew", id="irregular-participle"),
        pytest.param("went", "go", id="suppletive"),
        pytest.param("Шепилова", "Shepilov", id="russian-case"),
        pytest.param("twentieth", "20th", id="ordinal"),
        pytest.param("Twenty-First", "21st", id="hyphenated-ordinal"),
    ],
)
def test_word_forms_share_a_term(typed: str, written: str) -> None:
    assert set(loose_terms(typed)) & set(loose_terms(written))


@pytest.mark.parametrize(
    "written",
    ["29 June 1957", "June 29, 1957", "1957-06-29", "29.6.1957", "the 29th of June 1957"],
)
def test_every_way_of_writing_a_date_is_one_term(written: str) -> None:
    assert "d19570629" in loose_terms(written)


def test_a_hyphenated_compound_is_also_indexed_joined() -> None:
    assert {"anti", "parti", "antiparti"} <= set(loose_terms("the anti-party group"))


def test_a_soft_sign_written_as_an_apostrophe_joins_its_word() -> None:
    assert "ustkamenogorsk" in loose_terms("Ust'Kamenogorsk")
    assert [word.text for word in query_words("Stalin's El'tsin")] == ["Stalin", "El'tsin"]
