"""BibTeX/BibLaTeX → CSL-JSON: one row per field and entry type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refs.bibfile import parse_bib_text
from refs.csl import csl_items, latex_to_markup, parse_date


def convert(bibtex: str) -> dict[str, Any]:  # Any: a CSL item is open-ended JSON
    """The CSL item of the last entry in `bibtex` (earlier ones may be crossref parents)."""
    bib = parse_bib_text(bibtex, Path("t.bib"))
    assert not bib.problems
    return csl_items(bib.references)[-1]


@pytest.mark.parametrize(
    ("bibtex", "expected"),
    [
        pytest.param(
            "@book{k, author={Linden, Carl A.}}",
            {"author": [{"family": "Linden", "given": "Carl A."}]},
            id="author-last-first",
        ),
        pytest.param(
            "@book{k, author={Carl A. Linden}}",
            {"author": [{"family": "Linden", "given": "Carl A."}]},
            id="author-first-last",
        ),
        pytest.param(
            "@book{k, author={von Laue, Theodore H.}}",
            {
                "author": [
                    {"family": "Laue", "given": "Theodore H.", "non-dropping-particle": "von"}
                ]
            },
            id="author-particle",
        ),
        pytest.param(
            "@book{k, author={Matlock, Jr., Jack F.}}",
            {"author": [{"family": "Matlock", "given": "Jack F.", "suffix": "Jr."}]},
            id="author-suffix",
        ),
        pytest.param(
            "@book{k, author={{Library of Congress}}}",
            {"author": [{"literal": "Library of Congress"}]},
            id="author-corporate",
        ),
        pytest.param(
            "@book{k, author={Mi{\\'c}unovi{\\'c}, Veljko}}",
            {"author": [{"family": "Mićunović", "given": "Veljko"}]},
            id="author-latex-accent",
        ),
        pytest.param(
            "@book{k, author={Smith, John and others}}",
            {"author": [{"family": "Smith", "given": "John"}, {"literal": "others"}]},
            id="author-and-others-marked",
        ),
        pytest.param(
            "@book{k, editor={Freeze, Gregory L.}}",
            {"editor": [{"family": "Freeze", "given": "Gregory L."}]},
            id="editor",
        ),
        pytest.param(
            "@book{k, translator={Floyd, David}}",
            {"translator": [{"family": "Floyd", "given": "David"}]},
            id="translator",
        ),
        pytest.param(
            "@book{k, editora={Chuev, Felix}}",
            {"editor": [{"family": "Chuev", "given": "Felix"}]},
            id="editora-without-type",
        ),
        pytest.param(
            "@book{k, editora={Floyd, David}, editoratype={translator}}",
            {"translator": [{"family": "Floyd", "given": "David"}]},
            id="editora-translator",
        ),
        pytest.param(
            "@book{k, editora={Chuev, Felix}, editoratype={compiler}}",
            {"compiler": [{"family": "Chuev", "given": "Felix"}]},
            id="editora-compiler",
        ),
        pytest.param(
            "@book{k, date={1957-07-07}}", {"issued": {"date-parts": [[1957, 7, 7]]}}, id="date-day"
        ),
        pytest.param(
            "@book{k, date={1957-07}}", {"issued": {"date-parts": [[1957, 7]]}}, id="date-month"
        ),
        pytest.param(
            "@book{k, date={1950/1978}}",
            {"issued": {"date-parts": [[1950], [1978]]}},
            id="date-range",
        ),
        pytest.param(
            "@book{k, date={1957~}}",
            {"issued": {"date-parts": [[1957]], "circa": True}},
            id="date-approximate",
        ),
        pytest.param(
            "@book{k, year={1957}, month=jul, day={7}}",
            {"issued": {"date-parts": [[1957, 7, 7]]}},
            id="year-month-day",
        ),
        pytest.param(
            "@book{k, year={1957}, month={10}}",
            {"issued": {"date-parts": [[1957, 10]]}},
            id="year-numeric-month",
        ),
        pytest.param(
            "@book{k, year={forthcoming}}",
            {"issued": {"literal": "forthcoming"}},
            id="year-literal",
        ),
        pytest.param(
            "@book{k, origdate={1937}}", {"original-date": {"date-parts": [[1937]]}}, id="origdate"
        ),
        pytest.param(
            "@online{k, url={https://x.org/a}, urldate={2026-11-20}}",
            {"URL": "https://x.org/a", "accessed": {"date-parts": [[2026, 11, 20]]}},
            id="url-urldate",
        ),
        pytest.param(
            "@article{k, doi={https://doi.org/10.2307/2501117}}",
            {"DOI": "10.2307/2501117"},
            id="doi-url-prefix",
        ),
        pytest.param(
            "@article{k, doi={doi:10.2307/2501117}}",
            {"DOI": "10.2307/2501117"},
            id="doi-doi-prefix",
        ),
        pytest.param(
            "@book{k, isbn={978-0-393-05144-5}}", {"ISBN": "978-0-393-05144-5"}, id="isbn"
        ),
        pytest.param(
            "@article{k, journaltitle={Slavic Review}}",
            {"container-title": "Slavic Review"},
            id="journaltitle",
        ),
        pytest.param(
            "@article{k, journal={Slavic Review}}",
            {"container-title": "Slavic Review"},
            id="journal",
        ),
        pytest.param(
            "@article{k, volume={54}, number={1}, pages={1--22}}",
            {"volume": "54", "issue": "1", "page": "1-22"},
            id="article-volume-number-pages",
        ),
        pytest.param("@article{k, issue={Spring}}", {"issue": "Spring"}, id="article-issue"),
        pytest.param("@report{k, number={R-123}}", {"number": "R-123"}, id="report-number"),
        pytest.param(
            "@book{k, series={Studies}, number={7}}",
            {"collection-title": "Studies", "collection-number": "7"},
            id="book-series-number",
        ),
        pytest.param(
            "@incollection{k, booktitle={Russia}, booksubtitle={A History}}",
            {"type": "chapter", "container-title": "Russia: A History"},
            id="booktitle",
        ),
        pytest.param("@book{k, edition={3}}", {"edition": "3"}, id="edition-number"),
        pytest.param("@book{k, edition={3rd}}", {"edition": "3"}, id="edition-ordinal"),
        pytest.param("@book{k, edition={Third}}", {"edition": "3"}, id="edition-word"),
        pytest.param("@book{k, edition={Revised}}", {"edition": "Revised"}, id="edition-text"),
        pytest.param("@book{k, langid={russian}}", {"language": "ru-RU"}, id="langid-russian"),
        pytest.param("@book{k, langid={british}}", {"language": "en-GB"}, id="langid-british"),
        pytest.param(
            "@book{k, title={Khrushchev}, subtitle={The Man and His Era}}",
            {"title": "Khrushchev: The Man and His Era"},
            id="subtitle",
        ),
        pytest.param(
            "@book{k, title={Why Lenin?}, subtitle={A Reappraisal}}",
            {"title": "Why Lenin? A Reappraisal"},
            id="subtitle-after-question-mark",
        ),
        pytest.param(
            "@book{k, title={Moscow Diary}, titleaddon={Excerpts}}",
            {"title": "Moscow Diary. Excerpts"},
            id="titleaddon",
        ),
        pytest.param(
            "@book{k, title={The {USSR} in {de Gaulle}'s Eyes}}",
            {
                "title": 'The <span class="nocase">USSR</span> in <span class="nocase">de Gaulle</span>’s Eyes'
            },
            id="title-protected-capitals",
        ),
        pytest.param(
            "@book{k, title={{{Pravda}} Reports}}",
            {"title": '<span class="nocase">Pravda</span> Reports'},
            id="title-double-braces",
        ),
        pytest.param(
            "@book{k, title={Reading \\emph{Pravda}}}",
            {"title": "Reading <i>Pravda</i>"},
            id="title-emph",
        ),
        pytest.param(
            "@book{k, title={{\\'E}tudes}}",
            {"title": "Études"},
            id="title-accent-group-not-protected",
        ),
        pytest.param(
            "@book{k, title={Khrushchev, 1957--1964}}",
            {"title": "Khrushchev, 1957–1964"},
            id="title-en-dash",
        ),
        pytest.param(
            "@book{k, title={Cold Peace}, shorttitle={Cold Peace}}",
            {"title-short": "Cold Peace"},
            id="shorttitle",
        ),
        pytest.param(
            "@book{k, title={The Bolshevik Revolution}, maintitle={A History of Soviet Russia}, volume={1}}",
            {
                "title": "A History of Soviet Russia",
                "volume-title": "The Bolshevik Revolution",
                "volume": "1",
            },
            id="book-in-multivolume-work",
        ),
        pytest.param(
            "@mvbook{k, volumes={14}}",
            {"type": "book", "number-of-volumes": "14"},
            id="mvbook-volumes",
        ),
        pytest.param(
            "@book{k, publisher={Norton}, location={New York}}",
            {"publisher": "Norton", "publisher-place": "New York"},
            id="publisher-location",
        ),
        pytest.param(
            "@book{k, publisher={Norton}, address={New York}}",
            {"publisher-place": "New York"},
            id="address",
        ),
    ],
)
def test_field_converts(bibtex: str, expected: dict[str, Any]) -> None:
    item = convert(bibtex)
    assert {key: item.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("bibtex", "csl_type"),
    [
        pytest.param("@book{k,}", "book", id="book"),
        pytest.param("@collection{k,}", "book", id="collection"),
        pytest.param("@incollection{k,}", "chapter", id="incollection"),
        pytest.param("@inbook{k,}", "chapter", id="inbook"),
        pytest.param("@article{k,}", "article-journal", id="article"),
        pytest.param("@article{k, entrysubtype={newspaper}}", "article-newspaper", id="newspaper"),
        pytest.param("@article{k, entrysubtype={magazine}}", "article-magazine", id="magazine"),
        pytest.param("@inreference{k,}", "entry-encyclopedia", id="inreference"),
        pytest.param("@online{k,}", "webpage", id="online"),
        pytest.param("@report{k,}", "report", id="report"),
        pytest.param("@techreport{k,}", "report", id="techreport"),
        pytest.param("@thesis{k,}", "thesis", id="thesis"),
        pytest.param("@phdthesis{k,}", "thesis", id="phdthesis"),
        pytest.param("@inproceedings{k,}", "paper-conference", id="inproceedings"),
        pytest.param("@unpublished{k,}", "manuscript", id="unpublished"),
        pytest.param("@misc{k,}", "document", id="misc"),
        pytest.param("@whatever{k,}", "document", id="unknown-type"),
    ],
)
def test_entry_type_converts(bibtex: str, csl_type: str) -> None:
    assert convert(bibtex)["type"] == csl_type


@pytest.mark.parametrize(
    ("bibtex", "genre"),
    [
        pytest.param("@phdthesis{k,}", "PhD thesis", id="phdthesis"),
        pytest.param("@mastersthesis{k,}", "Master’s thesis", id="mastersthesis"),
        pytest.param("@thesis{k, type={phdthesis}}", "PhD thesis", id="thesis-type-phd"),
        pytest.param("@report{k, type={Working paper}}", "Working paper", id="report-type"),
    ],
)
def test_genre_converts(bibtex: str, genre: str) -> None:
    assert convert(bibtex)["genre"] == genre


def test_crossref_child_inherits_container_and_publication_fields() -> None:
    item = convert(
        "@collection{p, editor={Freeze, Gregory L.}, title={Russia}, subtitle={A History},"
        " publisher={OUP}, date={2009}, edition={3}}\n"
        "@incollection{c, author={Freeze, Gregory L.}, title={From Stalinism}, crossref={p},"
        " pages={413--447}}"
    )
    assert item["title"] == "From Stalinism"
    assert item["container-title"] == "Russia: A History"
    assert item["editor"] == [{"family": "Freeze", "given": "Gregory L."}]
    assert (item["publisher"], item["issued"], item["edition"]) == (
        "OUP",
        {"date-parts": [[2009]]},
        "3",
    )


def test_crossref_child_keeps_its_own_fields() -> None:
    item = convert(
        "@collection{p, title={Parent}, date={2009}}\n"
        "@incollection{c, title={Child}, crossref={p}, date={2010}}"
    )
    assert (item["title"], item["issued"]) == ("Child", {"date-parts": [[2010]]})


@settings(deadline=None)  # a loaded 2-core machine is slow, not wrong
@given(
    year=st.integers(min_value=1, max_value=2999),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=1, max_value=28),
)
def test_iso_dates_round_trip_to_date_parts(year: int, month: int, day: int) -> None:
    assert parse_date(f"{year:04d}-{month:02d}-{day:02d}") == {"date-parts": [[year, month, day]]}


@settings(deadline=None)  # a loaded 2-core machine is slow, not wrong
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="{}\\$~<>&%#_^-`',\u00a0\u202f"),
        max_size=40,
    )
)
def test_titles_without_latex_are_kept_as_written(text: str) -> None:
    assert latex_to_markup(text) == " ".join(text.split())


@pytest.mark.parametrize(
    ("bibtex", "expected"),
    [
        pytest.param(
            "@misc{k, howpublished={Telegraph Agency}}",
            {"publisher": "Telegraph Agency"},
            id="publisher",
        ),
        pytest.param(
            "@misc{k, howpublished={\\url{https://x.org/a_b}}}",
            {"URL": "https://x.org/a_b"},
            id="url",
        ),
    ],
)
def test_howpublished_is_a_publisher_or_a_url(bibtex: str, expected: dict[str, Any]) -> None:
    item = convert(bibtex)
    assert {key: item.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("bibtex", "expected"),
    [
        pytest.param(
            "@mvcollection{set, title={Istoriia filosofii}, date={1957}}\n"
            "@collection{k, crossref={set}, volume={4}}",
            {"title": "Istoriia filosofii", "volume": "4"},
            id="volume-without-a-title-of-its-own",
        ),
        pytest.param(
            "@book{k, note={Anniversary ed.}}", {"note": "Anniversary ed."}, id="note-keeps-stop"
        ),
        pytest.param(
            "@book{k, note={Reprint.}, addendum={With a new preface}}",
            {"note": "Reprint. With a new preface"},
            id="note-and-addendum",
        ),
        pytest.param(
            "@online{k, url={www.theatlantic.com/a_b}}",
            {"URL": "www.theatlantic.com/a_b"},
            id="url-without-scheme-kept",
        ),
        pytest.param(
            "@misc{k, type={filmed in\\nopunct}}", {"genre": "filmed in"}, id="biblatex-punctuation"
        ),
    ],
)
def test_defects_found_by_comparing_converters_stay_fixed(
    bibtex: str, expected: dict[str, Any]
) -> None:
    item = convert(bibtex)
    assert {key: item.get(key) for key in expected} == expected
