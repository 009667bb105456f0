"""Reading .bib files: references located in the file, problems reported, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from refs.bibfile import parse_bib_text

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


def test_quote_inside_braces_inside_quotes_is_reported_not_truncated() -> None:
    text = '@book{good, title={G}}\n@book{k1, title = "{zeitgem{"a}{\\ss} x}", year = "1991",}\n'
    bib = parse_bib_text(text, PATH)
    assert [reference.citekey for reference in bib.references] == ["good"]
    assert len(bib.problems) == 1
    assert str(bib.problems[0]).startswith("test.bib:2: entry 'k1' ends before")


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
            "test.bib:2: entry 'b' has the field(s) title more than once",
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


def test_percent_comment_lines_inside_an_entry_are_skipped() -> None:
    bib = parse_bib_text("@book{k3, title={x},\n% was 1999\n year = 2000}\n", PATH)
    assert dict(bib.references[0].fields) == {"title": "x", "year": "2000"}
