"""Reading .bib files: references located in the file, problems reported, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from refs.bibfile import parse_bib_text
from refs.entrytext import edit_entry_text

PATH = Path("test.bib")


def test_entries_are_located_by_their_own_text() -> None:
    text = "% a comment\n\n@book{a, title={A}}\n\n@article{b,\n  title = {B},\n}\n"
    bib = parse_bib_text(text, PATH)
    assert [reference.citekey for reference in bib.references] == ["a", "b"]
    assert [reference.line for reference in bib.references] == [3, 5]
    span = bib.spans["b"]
    assert text[span.start : span.end] == "@article{b,\n  title = {B},\n}"


def test_nested_string_macros_are_followed_to_the_end() -> None:
    text = '@STRING{self = "Randall M. Wigle"}\n@STRING{me = self}\n@misc{k, author = me}\n'
    bib = parse_bib_text(text, PATH)
    assert bib.references[0].fields["author"] == "Randall M. Wigle"


def test_quote_inside_braces_inside_quotes_keeps_every_field() -> None:
    text = '@book{good, title={G}}\n@book{k1, title = "{zeitgem{"a}{\\ss} x}", year = "1991",}\n'
    bib = parse_bib_text(text, PATH)
    assert [reference.citekey for reference in bib.references] == ["good", "k1"]
    assert dict(bib.references[1].fields) == {"title": '{zeitgem{"a}{\\ss} x}', "year": "1991"}
    assert bib.references[1].raw == text[text.index("@book{k1") : -1]
    assert bib.problems == []


def test_lines_are_counted_past_a_line_ending_in_a_backslash() -> None:
    text = "@book{a, note={line\\\\\nnext}}\n\n@book{b, title={y}}\n"
    bib = parse_bib_text(text, PATH)
    assert [reference.line for reference in bib.references] == [1, 4]
    assert bib.references[1].raw == "@book{b, title={y}}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "@book{a, title={A}}\n@book{a, title={B}}\n",
            "test.bib:2: duplicate citekey 'a'",
            id="duplicate-citekey",
        ),
        pytest.param(
            "@book{a, title={A}}\n@book{b, title={B}, title={C}}\n",
            "test.bib:2: field 'title': entry 'b' has this field more than once",
            id="duplicate-field",
        ),
        pytest.param(
            "@book{a, title={A}}\n@book{b, author = nobody}\n",
            "test.bib:2: field 'author': unknown @string macro 'nobody'",
            id="unknown-macro",
        ),
    ],
)
def test_bad_block_is_reported_and_good_ones_still_load(text: str, message: str) -> None:
    bib = parse_bib_text(text, PATH)
    assert bib.references[0].citekey == "a"
    assert str(bib.problems[0]).startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@book{k3, title={x},\n% was 1999\n year = 2000}\n", id="plain-line"),
        pytest.param("@book{k3, title={x},\n% was = 1999\n year = 2000}\n", id="with-equals"),
        pytest.param("@book{k3,\n% see, also\n title={x},\n year = 2000}\n", id="with-comma"),
        pytest.param("@book{k3,\n title={x},\n% {braces}\n year = 2000}\n", id="with-brace"),
        pytest.param("@book{k3,\n title={x},\n  %year = {1999},\n year = 2000}\n", id="field"),
        pytest.param("@book{k3,\n title={x}, % why\n year = 2000}\n", id="after-field"),
        pytest.param("@book{k3,\r\n title={x},\r\n% crlf\r\n year = 2000}\r\n", id="crlf"),
    ],
)
def test_percent_comments_between_fields_are_skipped(text: str) -> None:
    bib = parse_bib_text(text, PATH)
    assert bib.problems == []
    assert dict(bib.references[0].fields) == {"title": "x", "year": "2000"}
    assert bib.references[0].raw == text.rstrip()


def test_percent_inside_a_value_is_part_of_the_value() -> None:
    text = '@misc{k, url = {https://x.org/a%20b}, note = "50% off",\n title = {a\n% b}}\n'
    fields = parse_bib_text(text, PATH).references[0].fields
    assert dict(fields) == {"url": "https://x.org/a%20b", "note": "50% off", "title": "a\n% b"}


def test_a_malformed_entry_does_not_hide_the_entries_around_it() -> None:
    text = "@book{a, title={A}}\n@book{b, title={B}\n@book{c, title={C}}\n"
    bib = parse_bib_text(text, PATH)
    assert [reference.citekey for reference in bib.references] == ["a", "c"]
    assert [problem.line for problem in bib.problems] == [2]


def test_comment_blocks_are_left_alone() -> None:
    text = '@comment{ "quoted % text @book{x, title={no}} }\n@book{a, title = "A"}\n'
    bib = parse_bib_text(text, PATH)
    assert [(ref.citekey, ref.fields["title"]) for ref in bib.references] == [("a", "A")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@book{b,\n title={C},\n year=1,\n title={D}}\n", id="same-case"),
        pytest.param("@book{b,\n title={C},\n year=1,\n TITLE={D}}\n", id="other-case"),
    ],
)
def test_a_field_given_twice_keeps_the_first_value_as_bibtex_does(text: str) -> None:
    bib = parse_bib_text(text, PATH)
    assert dict(bib.references[0].fields) == {"title": "C", "year": "1"}
    assert [(problem.line, problem.field) for problem in bib.problems] == [(4, "title")]
    edited = edit_entry_text(bib.references[0].raw, {"title": "E"}, [])
    assert parse_bib_text(edited, PATH).references[0].fields["title"] == "E"


def test_a_value_kept_raw_is_the_file_text_even_when_the_parser_needed_help() -> None:
    text = '@book{a, title={A},\n% see, also\n}\n@book{b, note = "x" # nobody}\n'
    bib = parse_bib_text(text, PATH)
    assert bib.references[1].fields["note"] == '"x" # nobody'
    assert [problem.field for problem in bib.problems] == ["note"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@book{k, author = {Smith, J.}%\n , title = {T}}\n", id="braced"),
        pytest.param('@book{k, author = "Smith, J."% why\n , title = {T}}\n', id="quoted"),
        pytest.param("@book{k, author = {Smith, J.} % why\n , title = {T}}\n", id="spaced"),
    ],
)
def test_percent_comment_right_after_a_value_is_skipped(text: str) -> None:
    bib = parse_bib_text(text, Path("refs.bib"))
    assert bib.problems == []
    assert dict(bib.references[0].fields) == {"author": "Smith, J.", "title": "T"}


@pytest.mark.parametrize(
    ("text", "field", "comment"),
    [
        pytest.param("  author = {Smith, J.}%,\n  title = {T},\n", "author", True, id="braced"),
        pytest.param('  author = "Smith, J."%,\n  title = {T},\n', "author", True, id="quoted"),
        pytest.param("  year = 2000 %, was 1999\n  title = {T},\n", "year", True, id="number"),
        pytest.param("  author = {Smith, J.}\n  title = {T},\n", "author", False, id="no-comma"),
    ],
)
def test_a_comma_missing_or_commented_out_is_an_error_at_its_line(
    text: str, field: str, comment: bool
) -> None:
    source = "@book{a, title={A}}\n\n@article{smith2000,\n" + text + "}\n@book{b, title={B}}\n"
    bib = parse_bib_text(source, Path("refs.bib"))
    assert [reference.citekey for reference in bib.references] == ["a", "b"]
    [problem] = bib.problems
    assert (problem.line, problem.field, problem.citekey) == (4, field, "smith2000")
    assert str(problem).startswith(
        f"refs.bib:4: field '{field}': entry 'smith2000' has no comma between "
        f"field '{field}' and field 'title'"
    )
    assert ("`%` comment" in str(problem)) is comment


@pytest.mark.parametrize(
    "entry_type",
    [
        pytest.param("commentary", id="biblatex-commentary"),
        pytest.param("COMMENTED", id="commented"),
        pytest.param("Comments", id="comments"),
    ],
)
def test_an_entry_type_starting_with_comment_is_an_entry(entry_type: str) -> None:
    text = (
        f"@book{{a, title={{A}}}}\n@{entry_type}{{k, title = {{T}}, year = 1957}}\n@comment{{x}}\n"
    )
    bib = parse_bib_text(text, PATH)
    assert [(ref.citekey, ref.entry_type) for ref in bib.references] == [
        ("a", "book"),
        ("k", entry_type.lower()),
    ]
    assert dict(bib.references[1].fields) == {"title": "T", "year": "1957"}
    assert bib.references[1].raw == f"@{entry_type}{{k, title = {{T}}, year = 1957}}"
    assert bib.problems == []


def test_a_string_macro_defined_again_takes_its_new_value_as_in_bibtex() -> None:
    text = (
        "@string{pub = {Old}}\n@book{a, publisher = pub}\n"
        "@string{pub = {New}}\n@book{b, publisher = pub}\n"
    )
    bib = parse_bib_text(text, PATH)
    assert [ref.fields["publisher"] for ref in bib.references] == ["Old", "New"]
    assert bib.problems == []


def test_a_file_in_another_encoding_is_one_problem_not_one_per_line() -> None:
    lines = [f"@book{{k{n}, title = {{Книга {n}}}}}" for n in range(8)]
    text = "\n".join(lines).encode("cp1251").decode("utf-8", errors="surrogateescape")
    bib = parse_bib_text(text, PATH)
    assert len(bib.references) == 8
    assert [problem.line for problem in bib.problems] == [1]
    assert "invalid UTF-8 bytes on 8 lines (1, 2, 3, 4, 5…)" in bib.problems[0].message
