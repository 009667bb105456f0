"""The bibtexparser 2.1.0 bugs that `refs` works around, pinned by their minimal cases.

Each test asserts the bug as it is today, so that an upgrade that fixes or changes it
fails here and the work-around in `refs/parserinput.py`, `refs/bibfile.py` or
`refs/values.py` can be reviewed (and perhaps dropped). The tests of our own behaviour on
the same inputs are in `test_bibfile.py`.
"""

from __future__ import annotations

from bibtexparser import model
from bibtexparser.entrypoint import parse_string


def test_quote_inside_braces_inside_quotes_truncates_the_entry() -> None:
    library = parse_string('@book{k1, title = "{zeitgem{"a}{\\ss} x}", year = "1991",}', [])
    [entry] = library.entries
    assert [field.key for field in entry.fields] == ["title"]
    assert library.failed_blocks == []


def test_start_line_ignores_a_newline_after_a_backslash() -> None:
    library = parse_string("@book{a, note={x\\\\\n}}\n\n@book{b, title={y}}\n", [])
    assert [entry.start_line for entry in library.entries] == [0, 2]  # b is on line 3 (0-based)


def test_nested_string_macros_resolve_one_level_only() -> None:
    text = '@STRING{self = "Randall M. Wigle"}\n@STRING{me = self}\n@misc{k, author = me}\n'
    library = parse_string(text)  # the default stack, which resolves macros
    assert library.entries[0]["author"] == "self"


def test_percent_comment_line_with_a_comma_fails_the_entry() -> None:
    library = parse_string("@book{k3,\n% see, also\n title={x},\n year = 2000}\n", [])
    assert library.entries == []
    assert len(library.failed_blocks) == 1


def test_percent_comment_line_with_equals_becomes_a_field() -> None:
    library = parse_string("@book{k3, title={x},\n% was = 1999\n year = 2000}\n", [])
    assert [field.key for field in library.entries[0].fields] == ["title", "% was"]


def test_duplicates_become_failed_blocks() -> None:
    library = parse_string("@book{a, t={1}}\n@book{a, t={2}}\n@book{b, t={1}, t={2}}\n", [])
    kinds = [type(block) for block in library.failed_blocks]
    assert kinds == [model.DuplicateBlockKeyBlock, model.DuplicateFieldKeyBlock]


def test_percent_right_after_a_value_becomes_part_of_the_value() -> None:
    library = parse_string("@book{k4,\n author = {Smith, J.}%,\n title = {T},\n}\n", [])
    fields = [(field.key, field.value) for field in library.entries[0].fields]
    assert fields == [("author", "{Smith, J.}%"), ("title", "{T}")]
    assert library.failed_blocks == []
