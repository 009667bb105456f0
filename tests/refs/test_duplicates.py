"""Recognising a work the library already has, surely or only possibly."""

from __future__ import annotations

import pytest

from refs.duplicates import DuplicateFinder, Match, Work, named_citekeys, normalise_isbns

KNOWN = {
    "title": "Moscow Diary",
    "author": "Mi{\\'c}unovi{\\'c}, Veljko",
    "year": "1980",
    "doi": "10.1000/ABC",
    "isbn": "0-385-13529-9",
}
COLUMN = {
    "title": "Editorial Comments",
    "author": "Beeton, Barbara",
    "year": "1990",
    "journal": "TUGboat",
    "volume": "11",
    "number": "1",
    "pages": "3--4",
}
CHAPTER = {"title": "Cold War Memoirs", "isbn": "9780385135290", "pages": "10--20"}


def _finder(citekey: str, entry_type: str, fields: dict[str, str]) -> DuplicateFinder:
    finder = DuplicateFinder()
    finder.add(citekey, Work(entry_type=entry_type, fields=fields))
    return finder


@pytest.mark.parametrize(
    ("entry_type", "fields", "reason"),
    [
        pytest.param(
            "book", {"doi": "https://doi.org/10.1000/abc"}, "same DOI (10.1000/abc)", id="doi"
        ),
        pytest.param("book", {"doi": "doi:10.1000/Abc"}, "same DOI (10.1000/abc)", id="doi-prefix"),
        pytest.param(
            "article", {"doi": "10.1000/abc"}, "same DOI (10.1000/abc)", id="doi-any-type"
        ),
        pytest.param(
            "book", {"isbn": "9780385135290"}, "same ISBN (9780385135290)", id="isbn-10-vs-13"
        ),
        pytest.param(
            "book",
            {"title": "MOSCOW DIARY.", "author": "Veljko Mićunović", "date": "1980-05"},
            "same title (moscow diary, 1980, micunovic)",
            id="title-year-author",
        ),
    ],
)
def test_same_work_is_found(entry_type: str, fields: dict[str, str], reason: str) -> None:
    finder = _finder("micunovic1980", "book", KNOWN)
    assert finder.find(Work(entry_type=entry_type, fields=fields)) == Match("micunovic1980", reason)


@pytest.mark.parametrize(
    ("known_type", "entry_type", "fields"),
    [
        pytest.param("book", "book", {**CHAPTER, "pages": ""}, id="isbn-neither-has-pages"),
        pytest.param("incollection", "incollection", CHAPTER, id="isbn-same-pages"),
        pytest.param("inproceedings", "conference", CHAPTER, id="isbn-type-alias"),
        pytest.param("phdthesis", "thesis", CHAPTER, id="isbn-thesis-alias"),
    ],
)
def test_same_isbn_is_the_same_work_when_type_and_pages_agree(
    known_type: str, entry_type: str, fields: dict[str, str]
) -> None:
    finder = _finder("known", known_type, {**fields, "isbn": "0-385-13529-9"})
    match = finder.find(Work(entry_type=entry_type, fields=fields))
    assert match == Match("known", "same ISBN (9780385135290)")


@pytest.mark.parametrize(
    ("known_type", "known", "entry_type", "fields", "reason"),
    [
        pytest.param(
            "book",
            {"title": "Cold War", "isbn": "9780385135290"},
            "incollection",
            CHAPTER,
            "same ISBN (9780385135290) but type incollection vs book, pages 10–20 vs none",
            id="chapter-and-its-book",
        ),
        pytest.param(
            "incollection",
            {**CHAPTER, "title": "Another Chapter", "pages": "21--30"},
            "incollection",
            CHAPTER,
            "same ISBN (9780385135290) but pages 10–20 vs 21–30",
            id="two-chapters",
        ),
        pytest.param(
            "incollection",
            {**CHAPTER, "pages": "", "chapter": "3"},
            "incollection",
            {**CHAPTER, "pages": "", "chapter": "4"},
            "same ISBN (9780385135290) but chapter 4 vs 3",
            id="two-chapter-numbers",
        ),
        pytest.param(
            "article",
            COLUMN,
            "article",
            {**COLUMN, "number": "2", "pages": "101--102"},
            "same title (editorial comments, 1990, beeton) but number 2 vs 1, pages 101–102 vs 3–4",
            id="recurring-column",
        ),
        pytest.param(
            "article",
            COLUMN,
            "article",
            {**COLUMN, "journal": "", "journaltitle": "TUGboat", "pages": ""},
            "same title (editorial comments, 1990, beeton) but pages none vs 3–4",
            id="pages-on-one-side-only",
        ),
        pytest.param(
            "article",
            COLUMN,
            "article",
            {**COLUMN, "number": "", "issue": "2"},
            "same title (editorial comments, 1990, beeton) but number 2 vs 1",
            id="issue-is-number",
        ),
        pytest.param(
            "article",
            {**COLUMN, "volume": ""},
            "article",
            COLUMN,
            "same title (editorial comments, 1990, beeton) but volume 11 vs none",
            id="volume-on-one-side-only",
        ),
        pytest.param(
            "article",
            {**COLUMN, "journal": "", "booktitle": "TUG 1990"},
            "article",
            COLUMN,
            "same title (editorial comments, 1990, beeton) but container TUGboat vs TUG 1990",
            id="other-container",
        ),
        pytest.param(
            "review",
            COLUMN,
            "article",
            COLUMN,
            "same title (editorial comments, 1990, beeton) but type article vs review",
            id="other-type",
        ),
        pytest.param(
            "article",
            {**COLUMN, "author": "Beeton, Barbara and Knuth, Donald"},
            "article",
            {**COLUMN, "author": "Beeton, B. and Lamport, Leslie"},
            "same title (editorial comments, 1990, beeton) but authors beeton, lamport vs "
            "beeton, knuth",
            id="other-coauthor",
        ),
        pytest.param(
            "article",
            {**COLUMN, "month": "feb"},
            "article",
            {**COLUMN, "year": "", "date": "1990-01-24"},
            "same title (editorial comments, 1990, beeton) but date 1990-01-24 vs 1990-02",
            id="other-month",
        ),
        pytest.param(
            "article",
            {**COLUMN, "year": "", "date": "1990", "month": "08"},
            "article",
            {**COLUMN, "year": "", "date": "1990", "month": "12"},
            "same title (editorial comments, 1990, beeton) but date 1990-12 vs 1990-08",
            id="month-beside-date",
        ),
        pytest.param(
            "book",
            {"title": "Memoirs", "doi": "10.1/x"},
            "inbook",
            {"title": "Chapter One of Something", "doi": "10.1/X"},
            "same DOI (10.1/x) but title 'Chapter One of Something' vs 'Memoirs'",
            id="doi-titles-differ",
        ),
        pytest.param(
            "book",
            {"title": "Works", "isbn": "9780385135290", "volume": "3"},
            "book",
            {"title": "Works", "isbn": "9780385135290", "volume": "4"},
            "same ISBN (9780385135290) but volume 4 vs 3",
            id="isbn-other-volume",
        ),
    ],
)
def test_a_work_that_only_resembles_is_a_possible_duplicate(
    known_type: str, known: dict[str, str], entry_type: str, fields: dict[str, str], reason: str
) -> None:
    finder = _finder("known", known_type, known)
    match = finder.find(Work(entry_type=entry_type, fields=fields))
    assert match == Match("known", reason, is_exact=False)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(COLUMN, id="all-agree"),
        pytest.param({**COLUMN, "pages": "3-4", "journal": "{TUG}boat"}, id="folded-agree"),
        pytest.param({**COLUMN, "number": "", "issue": "1"}, id="issue-for-number"),
        pytest.param({**COLUMN, "author": "Beeton, B. and others"}, id="et-al"),
        pytest.param({**COLUMN, "year": "", "date": "1990-03-05"}, id="more-precise-date"),
        pytest.param({**COLUMN, "month": "3"}, id="month-number-vs-name"),
        pytest.param(
            {**COLUMN, "title": "Editorial", "subtitle": "{C}omments"}, id="subtitle-split"
        ),
    ],
)
def test_same_title_is_the_same_work_when_container_volume_number_pages_agree(
    fields: dict[str, str],
) -> None:
    finder = _finder("beeton1990", "article", {**COLUMN, "month": "mar"})
    match = finder.find(Work(entry_type="article", fields=fields))
    assert match == Match("beeton1990", "same title (editorial comments, 1990, beeton)")


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": "Moscow Diary", "author": "Mićunović, V.", "year": "1981"}, id="yr"),
        pytest.param({"title": "Moscow Diary", "author": "Floyd, David", "year": "1980"}, id="au"),
        pytest.param({"title": "Moscow Diary", "year": "1980"}, id="anonymous-vs-authored"),
        pytest.param({"isbn": "9780385135291"}, id="other-isbn"),
        pytest.param({"title": "Moscow Diary", "author": "Mićunović, V."}, id="no-year"),
        pytest.param({**KNOWN, "doi": "", "isbn": "", "subtitle": "Part Two"}, id="other-subtitle"),
    ],
)
def test_different_works_are_not_duplicates(fields: dict[str, str]) -> None:
    finder = _finder("micunovic1980", "book", KNOWN)
    assert finder.find(Work(entry_type="book", fields=fields)) is None


def test_an_entry_never_matches_its_crossref_parent() -> None:
    parent = {"title": "Proceedings", "year": "1990", "doi": "10.1/proc"}
    child = {"title": "A Paper", "crossref": "Proc1990", "doi": "10.1/proc"}
    finder = _finder("proc1990", "proceedings", parent)
    assert finder.find(Work(entry_type="inproceedings", fields=child)) is None


def test_an_entry_never_matches_its_crossref_child() -> None:
    child = {"title": "A Paper", "crossref": "proc1990", "xdata": "acm", "doi": "10.1/proc"}
    finder = _finder("paper1990", "inproceedings", child)
    parent = Work(entry_type="proceedings", fields={"doi": "10.1/proc"})
    assert finder.find(parent, citekey="Proc1990") is None
    assert finder.find(parent, citekey="acm") is None
    assert finder.find(parent, citekey="other") == Match("paper1990", "same DOI (10.1/proc)")


def test_a_crossref_child_is_compared_with_what_it_inherits() -> None:
    standalone = {
        "title": "A Paper",
        "author": "Doe, Jane",
        "booktitle": "TUG 1990",
        "year": "1990",
    }
    finder = _finder("doe1990", "inproceedings", standalone)
    own = {"title": "A Paper", "author": "Doe, Jane", "crossref": "tug1990"}
    child = Work(
        entry_type="inproceedings",
        fields=own,
        resolved={**own, "booktitle": "TUG 1990", "year": "1990"},
    )
    assert finder.find(child) == Match("doe1990", "same title (a paper, 1990, doe)")


def test_children_do_not_match_each_other_by_their_parents_identifiers() -> None:
    inherited = {"booktitle": "TUG 1990", "year": "1990", "isbn": "0385135299", "doi": "10.1/t"}
    finder = DuplicateFinder()
    for title in ("A Paper", "Another Paper"):
        own = {"title": title, "crossref": "tug1990"}
        child = Work(entry_type="inproceedings", fields=own, resolved={**own, **inherited})
        assert finder.find(child) is None
        finder.add(title, child)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"publisher": "ACM", "location": "NY"}, True, id="identical"),
        pytest.param({"publisher": "ACM", "location": "Boston"}, False, id="one-field-differs"),
        pytest.param({"publisher": "ACM"}, False, id="fewer-fields"),
    ],
)
def test_entries_without_title_or_year_match_only_when_every_field_does(
    fields: dict[str, str], expected: bool
) -> None:
    finder = _finder("acm", "xdata", {"publisher": "ACM", "location": "NY"})
    match = finder.find(Work(entry_type="xdata", fields=fields), citekey="ACM")
    assert match == (Match("acm", "same citekey, entry type and fields") if expected else None)


def test_entries_alike_in_every_field_but_their_citekey_are_distinct_works() -> None:
    # APA's "n.d.-a" and "n.d.-b": two works by one author that no field tells apart.
    finder = _finder("brown-a", "book", {"author": "Brown, B."})
    assert finder.find(Work(entry_type="book", fields={"author": "Brown, B."})) is None
    assert finder.find(Work(entry_type="book", fields={"author": "Brown, B."}), citekey="b") is None


def test_an_exact_match_wins_over_a_closer_possible_one() -> None:
    finder = _finder("minimal", "article", {**COLUMN, "volume": ""})
    finder.add("full", Work(entry_type="article", fields=COLUMN))
    assert finder.find(Work(entry_type="article", fields=COLUMN)) == Match(
        "full", "same title (editorial comments, 1990, beeton)"
    )


def test_the_closest_possible_match_is_named() -> None:
    finder = _finder("far", "article", {**COLUMN, "number": "3", "pages": "9"})
    finder.add("near", Work(entry_type="article", fields={**COLUMN, "number": "2"}))
    match = finder.find(Work(entry_type="article", fields={**COLUMN, "number": "4"}))
    assert match is not None
    assert match.citekey == "near"


def test_isbn_lists_are_split() -> None:
    assert normalise_isbns("0-385-13529-9; 978-0-19-956041-4") == [
        "9780385135290",
        "9780199560414",
    ]


def test_named_citekeys_reads_every_linking_field() -> None:
    fields = {"crossref": "proc", "xdata": "acm, ieee", "related": "a,b", "title": "x"}
    assert named_citekeys(fields) == ["proc", "acm", "ieee", "a", "b"]


def test_anonymous_works_match_on_title_and_year() -> None:
    finder = _finder(
        "pravda1957jul07", "article", {"title": "Rech' N. S. Khrushcheva", "date": "1957-07-07"}
    )
    match = finder.find(
        Work(entry_type="article", fields={"title": "Rech N S Khrushcheva", "year": "1957"})
    )
    assert match == Match("pravda1957jul07", "same title (rech n s khrushcheva, 1957)")


def test_bytes_that_were_not_utf8_are_compared_without_a_warning() -> None:
    # Undecodable bytes are kept as lone surrogates; an @string macro can carry them.
    finder = _finder("a", "article", {**COLUMN, "journal": "TUG\udca2boat"})
    match = finder.find(Work(entry_type="article", fields={**COLUMN, "journal": "TUG\udcb3boat"}))
    assert match == Match("a", "same title (editorial comments, 1990, beeton)")
