"""What `check` finds in references that parsed: required fields, dates, crossrefs."""

from __future__ import annotations

from pathlib import Path

import pytest

from refs.bibfile import parse_bib_text
from refs.crossref import resolved_fields
from refs.store import ReferenceStore
from refs.validation import is_valid_date, latex_warnings, validate_references


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "references.bib").write_text(text, encoding="utf-8")
    store = ReferenceStore(tmp_path, use_cache=False)
    return [str(problem).removeprefix(f"{tmp_path}/") for problem in validate_references(store)]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            "@article{a, author={X}, title={T}, year=1957}",
            [
                "references.bib:1: field 'journaltitle': @article 'a' is missing journaltitle or "
                "journal"
            ],
            id="article-without-journal",
        ),
        pytest.param(
            "@article{a, title={T}, journal={J}, date={1957-07-07}}",
            ["references.bib:1: field 'author': @article 'a' is missing author"],
            id="article-without-author",
        ),
        pytest.param(
            "@article{a, title={T}, journaltitle={Pravda}, entrysubtype={newspaper}, date={1957}}",
            [],
            id="unsigned-newspaper-report",
        ),
        pytest.param(
            "@book{a, editor={E}, title={T}, year=1993}", [], id="bibtex-book-with-editor"
        ),
        pytest.param("@manual{a, title={T}, year=2001}", [], id="manual-author-omissible"),
        pytest.param(
            "@incollection{a, author={X}, title={T}, editor={E}, year=1957}",
            ["references.bib:1: field 'booktitle': @incollection 'a' is missing booktitle"],
            id="incollection-without-booktitle",
        ),
        pytest.param(
            "@online{a, title={T}, date={2019}}",
            ["references.bib:1: field 'doi': @online 'a' is missing doi or eprint or url"],
            id="online-without-url",
        ),
        pytest.param(
            "@thesis{a, author={X}, title={T}, school={S}, year=1990}",
            ["references.bib:1: field 'type': @thesis 'a' is missing type"],
            id="thesis-without-type",
        ),
        pytest.param(
            "@phdthesis{a, author={X}, title={T}, school={S}, year=1990}", [], id="phdthesis"
        ),
        pytest.param("@customa{a, note={anything}}", [], id="unknown-type-unchecked"),
        pytest.param("@online{a, title={T}, url={https://x.org}}", [], id="online-omissibles"),
        pytest.param("@misc{a, title={T}}", [], id="misc-year-omissible"),
        pytest.param(
            "@report{a, author={X}, title={T}, type={R}, institution={I}}",
            ["references.bib:1: field 'date': @report 'a' is missing date or year"],
            id="report-without-date",
        ),
    ],
)
def test_required_fields_follow_the_biblatex_manual(
    tmp_path: Path, entry: str, expected: list[str]
) -> None:
    assert _problems(tmp_path, entry) == expected


def test_fields_inherited_through_crossref_count_as_present(tmp_path: Path) -> None:
    text = (
        "@inbook{child, author={A}, title={Chapter}, crossref={parent}}\n"
        "@book{parent, author={A}, title={The Book}, year=2003}\n"
    )
    assert _problems(tmp_path, text) == []


def test_crossref_to_an_unknown_citekey_is_reported(tmp_path: Path) -> None:
    text = "@inbook{child, author={A}, title={C}, booktitle={B}, year=1, crossref={nobody}}\n"
    assert _problems(tmp_path, text) == [
        "references.bib:1: field 'crossref': crossref to unknown citekey 'nobody'"
    ]


def test_crossref_matches_the_citekey_ignoring_case_as_bibtex_does(tmp_path: Path) -> None:
    text = (
        "@inbook{child, title={C}, crossref={PARENT}}\n"
        "@book{parent, author={A}, title={B}, year=1}\n"
    )
    assert _problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("date", "1957-02-30", id="no-such-day"),
        pytest.param("date", "1957-13", id="no-such-month"),
        pytest.param("date", "7 July 1957", id="prose"),
        pytest.param("urldate", "2019-1-5", id="unpadded"),
        pytest.param("year", "l957", id="letter-l-for-one"),
    ],
)
def test_bad_dates_are_reported_naming_the_field(tmp_path: Path, field: str, value: str) -> None:
    text = f"@misc{{a, title={{T}}, date={{1957}}, {field}={{{value}}}}}\n"
    if field == "date":
        text = f"@misc{{a, title={{T}}, date={{{value}}}}}\n"
    [problem] = _problems(tmp_path, text)
    assert problem.startswith(f"references.bib:1: field '{field}': expected a")
    assert value in problem


@pytest.mark.parametrize(
    "value",
    [
        "1957",
        "1957-07",
        "1957-07-07",
        "1957-07-07/1957-08-01",
        "1957/",
        "../1957",
        "-0044-03-15",
        "1957-21",
        "195X",
        "1957?",
        "1957-07-07T12:30:00Z",
    ],
)
def test_good_dates_pass(value: str) -> None:
    assert is_valid_date(value)


@pytest.mark.parametrize("year", ["1957", "{1957}", "{\\noopsort{1973b}}1973", "-44"])
def test_years_with_sorting_tricks_pass(tmp_path: Path, year: str) -> None:
    assert _problems(tmp_path, f"@misc{{a, title={{T}}, year = {{{year}}}}}\n") == []


def _reference(text: str) -> dict[str, str]:
    bib = parse_bib_text(text, Path("x.bib"))
    child, parent = bib.references
    return resolved_fields(child, {parent.citekey: parent}.get)


@pytest.mark.parametrize(
    ("child_type", "parent_type", "expected"),
    [
        pytest.param(
            "inbook",
            "book",
            {
                "author": "A",
                "bookauthor": "A",
                "booktitle": "P",
                "booksubtitle": "S",
                "publisher": "N",
                "title": "C",
            },
            id="book-to-inbook",
        ),
        pytest.param(
            "incollection",
            "collection",
            {"booktitle": "P", "booksubtitle": "S", "author": "A", "publisher": "N", "title": "C"},
            id="collection-to-incollection",
        ),
        pytest.param(
            "book",
            "mvbook",
            {"maintitle": "P", "mainsubtitle": "S", "author": "A", "publisher": "N", "title": "C"},
            id="mvbook-to-book",
        ),
        pytest.param(
            "article",
            "periodical",
            {
                "journaltitle": "P",
                "journalsubtitle": "S",
                "author": "A",
                "publisher": "N",
                "title": "C",
            },
            id="periodical-to-article",
        ),
        pytest.param(
            "misc",
            "misc",
            {"subtitle": "S", "author": "A", "publisher": "N", "title": "C", "shorttitle": "p"},
            id="no-rule-copies-all-but-the-child-wins",
        ),
    ],
)
def test_crossref_inheritance_follows_biblatex_defaults(
    child_type: str, parent_type: str, expected: dict[str, str]
) -> None:
    text = (
        f"@{child_type}{{c, title={{C}}, crossref={{p}}}}\n"
        f"@{parent_type}{{p, title={{P}}, subtitle={{S}}, shorttitle={{p}}, author={{A}}, "
        "publisher={N}, label={L}, ids={x}}\n"
    )
    assert _reference(text) == {**expected, "crossref": "p"}


def test_unknown_latex_commands_are_named_with_entry_and_field(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text(
        "@book{k, title = {The \\acro{TUG} story and \\TeX}, url = {http://x.org/\\weird}}\n"
    )
    warnings = latex_warnings(ReferenceStore(tmp_path, use_cache=False))
    assert [(warning.field, warning.line) for warning in warnings] == [("title", 1)]
    assert "unknown LaTeX command \\acro in 'k', shown as 'The TUG story and TeX'" in str(
        warnings[0]
    )
