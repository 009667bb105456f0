"""Recognising a work the library already has."""

from __future__ import annotations

import pytest

from refs.duplicates import DuplicateFinder, Match, normalise_isbns

KNOWN = {
    "title": "Moscow Diary",
    "author": "Mi{\\'c}unovi{\\'c}, Veljko",
    "year": "1980",
    "doi": "10.1000/ABC",
    "isbn": "0-385-13529-9",
}


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({"doi": "https://doi.org/10.1000/abc"}, "same DOI (10.1000/abc)", id="doi"),
        pytest.param({"doi": "doi:10.1000/Abc"}, "same DOI (10.1000/abc)", id="doi-prefix"),
        pytest.param({"isbn": "9780385135290"}, "same ISBN (9780385135290)", id="isbn-10-vs-13"),
        pytest.param(
            {"title": "MOSCOW DIARY.", "author": "Veljko Mićunović", "date": "1980-05"},
            "same title (moscow diary, 1980, micunovic)",
            id="title-year-author",
        ),
    ],
)
def test_same_work_is_found(fields: dict[str, str], reason: str) -> None:
    finder = DuplicateFinder()
    finder.add("micunovic1980", KNOWN)
    assert finder.find(fields) == Match("micunovic1980", reason)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": "Moscow Diary", "author": "Mićunović, V.", "year": "1981"}, id="yr"),
        pytest.param({"title": "Moscow Diary", "author": "Floyd, David", "year": "1980"}, id="au"),
        pytest.param({"title": "Moscow Diary", "year": "1980"}, id="anonymous-vs-authored"),
        pytest.param({"isbn": "9780385135291"}, id="other-isbn"),
    ],
)
def test_different_works_are_not_duplicates(fields: dict[str, str]) -> None:
    finder = DuplicateFinder()
    finder.add("micunovic1980", KNOWN)
    assert finder.find(fields) is None


def test_isbn_lists_are_split() -> None:
    assert normalise_isbns("0-385-13529-9; 978-0-19-956041-4") == [
        "9780385135290",
        "9780199560414",
    ]


def test_anonymous_works_match_on_title_and_year() -> None:
    finder = DuplicateFinder()
    finder.add("pravda1957jul07", {"title": "Rech' N. S. Khrushcheva", "date": "1957-07-07"})
    assert finder.find({"title": "Rech N S Khrushcheva", "year": "1957"}) == Match(
        "pravda1957jul07", "same title (rech n s khrushcheva, 1957)"
    )
