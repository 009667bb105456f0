"""Citekeys in the `authoryearword` form: readable, valid for any name, never colliding."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.store import passage_path
from refs.citekeys import base_citekey, is_valid_citekey, make_citekey, unique_citekey


@pytest.mark.parametrize(
    ("family", "year", "title", "expected"),
    [
        pytest.param(
            "Linden",
            "1966",
            "Khrushchev and the Soviet Leadership, 1957\u20131964",
            "linden1966khrushchev",
            id="first-word",
        ),
        pytest.param("Taubman", "2003", "The Man and His Era", "taubman2003man", id="stopword"),
        pytest.param("Mićunović", "1980", "Moscow Diary", "micunovic1980moscow", id="accents"),
        pytest.param("Хрущёв", "1970", "Воспоминания", "khrushchiov1970vospominaniia", id="cyrl"),
        pytest.param("", "1957", "Pravda", "anon1957pravda", id="no-author"),
        pytest.param("Resis", "", "Molotov Remembers", "resismolotov", id="no-year"),
        pytest.param("de la Cruz", "1957", "", "delacruz1957", id="no-title"),
        pytest.param("毛泽东", "1957", "論人民", "maozedong1957lun", id="han"),
    ],
)
def test_citekey_is_author_year_word(family: str, year: str, title: str, expected: str) -> None:
    assert base_citekey(family, year, title) == expected


def test_taken_citekeys_get_letter_suffixes_ignoring_case() -> None:
    taken = ["linden1966khrushchev", "LINDEN1966KHRUSHCHEVA"]
    assert unique_citekey("linden1966khrushchev", taken) == "linden1966khrushchevb"


def test_suffixes_go_past_z() -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    taken = ["k", *(f"k{letter}" for letter in letters)]
    assert unique_citekey("k", taken) == "kaa"


@settings(max_examples=200)
@given(
    works=st.lists(st.tuples(st.text(), st.text(max_size=8), st.text()), min_size=1, max_size=30)
)
def test_any_names_give_valid_distinct_citekeys(works: list[tuple[str, str, str]]) -> None:
    taken: list[str] = []
    for family, year, title in works:
        citekey = make_citekey(family, year, title, taken)
        assert is_valid_citekey(citekey)
        assert citekey.isascii() and citekey[0].isalpha()
        assert citekey.lower() not in {key.lower() for key in taken}
        taken.append(citekey)


@pytest.mark.parametrize(
    ("citekey", "valid"),
    [
        pytest.param("linden1966", True, id="plain"),
        pytest.param("Smith:2000", True, id="colon"),
        pytest.param("doe-2000_a.b+c", True, id="punctuation"),
        pytest.param("жуков1957", True, id="cyrillic"),
        pytest.param("x" * 200, True, id="200-characters"),
        pytest.param("x" * 201, False, id="201-characters"),
        pytest.param("a/b", False, id="slash"),
        pytest.param("DBLP:journals/cacm/Knuth74", False, id="dblp"),
        pytest.param("../outside", False, id="dot-dot"),
        pytest.param(".hidden", False, id="leading-dot"),
        pytest.param("a\\b", False, id="backslash"),
        pytest.param("a\0b", False, id="nul"),
        pytest.param("a|b", False, id="pipe"),
        pytest.param("a?b", False, id="question-mark"),
        pytest.param("a b", False, id="space"),
        pytest.param("a@b", False, id="at"),
        pytest.param("", False, id="empty"),
    ],
)
def test_a_valid_citekey_is_safe_in_bibtex_and_as_a_file_name(citekey: str, valid: bool) -> None:
    assert is_valid_citekey(citekey) is valid


@given(citekey=st.text(min_size=1, max_size=210))
def test_every_valid_citekey_names_a_passage_file_inside_the_folder(citekey: str) -> None:
    if not is_valid_citekey(citekey):
        return
    path = passage_path(Path("/library/passages"), citekey)
    assert path.parent == Path("/library/passages")
    assert path.name == f"{citekey}.json" and not path.name.startswith(".")


@given(family=st.text(max_size=500), title=st.text(max_size=500))
def test_made_citekeys_stay_valid_however_long_the_name(family: str, title: str) -> None:
    assert is_valid_citekey(make_citekey(family, "1957", title, []))
