"""The text handed to bibtexparser: same length, same lines, only comments and quotes changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refs.parserinput import prepare_for_parser

# Text made mostly of the characters that matter, so that the state machine is exercised.
_pieces = st.sampled_from(
    [*'@{}()"%\\,= \n\r', "@book{", "@string{", "@comment{", "@misc(", "a", "\u00e9"]
)
bib_like = st.lists(_pieces, max_size=80).map("".join)


@settings(max_examples=500)
@given(text=bib_like)
def test_prepared_text_keeps_every_position_and_line(text: str) -> None:
    prepared = prepare_for_parser(text)
    assert len(prepared) == len(text)
    for original, new in zip(text, prepared, strict=True):
        if original != new:
            assert (original, new) in {('"', "{"), ('"', "}")} or (
                new == " " and original not in "\r\n"
            )


def test_comment_and_quotes_in_an_entry_are_rewritten() -> None:
    text = '@book{k,\n  % old\n  title = "a {"b"} c",\n}\n% outside stays\n'
    assert prepare_for_parser(text) == (
        '@book{k,\n       \n  title = {a {"b"} c},\n}\n% outside stays\n'
    )


def test_escaped_percent_and_quote_are_left_alone() -> None:
    text = '@book{k, title = {50\\% off}, note = "a \\" b"}'
    assert prepare_for_parser(text) == '@book{k, title = {50\\% off}, note = {a \\" b}}'
