"""Writing entries: new fields follow the entry's style, values read back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refs.bibfile import parse_bib_text
from refs.entrytext import edit_entry_text
from refs.errors import InvalidField

PATH = Path("test.bib")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            "@book{a,\n  author       = {X},\n  title        = {T},\n}",
            "@book{a,\n  author       = {X},\n  title        = {T},\n  year         = {1957},\n}",
            id="aligned-equals",
        ),
        pytest.param(
            "@BOOK{a,\n   author = {X},\n   title = {T}\n}",
            "@BOOK{a,\n   author = {X},\n   title = {T},\n   year = {1957}\n}",
            id="no-trailing-comma",
        ),
        pytest.param(
            "@book{a,\n\tauthor={X},\n\ttitle={T},\n}",
            "@book{a,\n\tauthor={X},\n\ttitle={T},\n\tyear={1957},\n}",
            id="tabs-no-spaces",
        ),
        pytest.param(
            "@book{a, title={T}}",
            "@book{a, title={T}, year={1957}}",
            id="one-line",
        ),
        pytest.param(
            "@book{a,\r\n  title = {T},\r\n}",
            "@book{a,\r\n  title = {T},\r\n  year = {1957},\r\n}",
            id="crlf",
        ),
        pytest.param(
            "@book{a,\n  title = {T},\n  % year = {1999},\n}",
            "@book{a,\n  title = {T},\n  % year = {1999},\n  year = {1957},\n}",
            id="commented-out-field-is-not-a-field",
        ),
        pytest.param(
            "@book(a,\n  title = {T}\n)",
            "@book(a,\n  title = {T},\n  year = {1957}\n)",
            id="parentheses",
        ),
    ],
)
def test_added_field_follows_the_entry_layout(entry: str, expected: str) -> None:
    assert edit_entry_text(entry, {"year": "1957"}, []) == expected


def test_changing_a_quoted_value_keeps_the_rest_of_the_line() -> None:
    entry = '@book{a,\n  title = "{zeitgem{"a}{\\ss} x}", year = "1991",\n}'
    assert edit_entry_text(entry, {"year": "1992"}, []) == entry.replace('"1991"', "{1992}")


def test_removing_a_field_removes_its_line() -> None:
    entry = "@book{a,\n  title = {T},\n  year = 1957,\n  note = {N},\n}"
    assert edit_entry_text(entry, {}, ["year"]) == "@book{a,\n  title = {T},\n  note = {N},\n}"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a}b{", id="closing-first"),
        pytest.param("a{b", id="unclosed"),
        pytest.param("a\\{b}", id="escaped-brace-bibtexparser-skips"),
        pytest.param("ends in \\", id="trailing-backslash"),
        pytest.param("x\n@book{y,", id="line-starting-an-entry"),
    ],
)
def test_values_that_would_not_read_back_are_refused(value: str) -> None:
    with pytest.raises(InvalidField):
        edit_entry_text("@book{a, title={T}}", {"title": value}, [])


FILE = (
    "% head\n@string{pub = {Norton}}\n\n"
    "@book{first,\n  author    = {Taubman, William},\n  publisher = pub,\n"
    "  year      = 2003,\n}\n\n"
    '@article{target, title = "Old", journal = {J},\n% a comment\n  year = 1957}\n\n'
    "@misc{last,\n  title = {L},\n}\n"
)
_plain = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="{}"))
_braced_groups = st.recursive(
    _plain, lambda inner: st.lists(inner, max_size=3).map(lambda parts: "{" + "".join(parts) + "}")
)
balanced_values = st.lists(st.one_of(_plain, _braced_groups), max_size=4).map("".join)


def _would_read_back(name: str, value: str) -> bool:
    """Whether `value`, written naively in braces, would load back unchanged."""
    text = FILE.replace('title = "Old"', f'{name} = {{{value}}}, title = "Old"')
    if name == "title":
        text = FILE.replace('title = "Old"', f"title = {{{value}}}")
    bib = parse_bib_text(text, PATH)
    citekeys = [reference.citekey for reference in bib.references]
    return (
        not bib.problems
        and citekeys == ["first", "target", "last"]
        and bib.references[1].fields.get(name) == value
    )


@settings(max_examples=300, deadline=None)
@given(value=balanced_values, name=st.sampled_from(["title", "year", "note", "journal"]))
def test_any_balanced_value_reads_back_exactly_and_nothing_else_moves(
    value: str, name: str
) -> None:
    bib = parse_bib_text(FILE, PATH)
    entry = bib.entry_text("target")
    try:
        new_entry = edit_entry_text(entry, {name: value}, [])
    except InvalidField:
        # Refused only when writing it would indeed have broken the file or the value.
        assert not _would_read_back(name, value)
        return
    edited = bib.with_entry_replaced("target", new_entry)
    span = bib.spans["target"]
    assert edited.text.startswith(FILE[: span.start])
    assert edited.text.endswith(FILE[span.end :])
    fresh = parse_bib_text(edited.text, PATH)
    assert fresh.problems == []
    assert fresh.references[1].fields[name] == value
    others = {key: val for key, val in bib.references[1].fields.items() if key != name}
    assert {key: fresh.references[1].fields[key] for key in others} == others
    # The incremental parse of the spliced file equals a parse of the whole new file.
    assert edited.references == fresh.references
    assert edited.spans == fresh.spans
