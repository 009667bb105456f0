"""Evaluating field values as written: braces, quotes, numbers, macros and `#`."""

from __future__ import annotations

from pathlib import Path

import pytest

from refs.bibfile import parse_bib_text
from refs.values import MAX_MACRO_USES, InvalidValue, evaluate

MACROS = {"pub": "{Norton}", "me": "self", "self": '"Randall"', "a": "b", "b": "a"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("{Khrushchev {and} the {Soviet}}", "Khrushchev {and} the {Soviet}", id="br"),
        pytest.param("\"Mi{\\'c}unovi{\\'c}\"", "Mi{\\'c}unovi{\\'c}", id="quoted"),
        pytest.param("1957", "1957", id="number"),
        pytest.param("pub", "Norton", id="macro"),
        pytest.param("PUB", "Norton", id="macro-any-case"),
        pytest.param("me", "Randall", id="macro-of-macro"),
        pytest.param("jul", "July", id="month"),
        pytest.param('pub # ", " # {New York}', "Norton, New York", id="concatenation"),
        pytest.param('"a # b" # {c # d}', "a # bc # d", id="hash-inside-parts"),
        pytest.param('{say "x # y"}', 'say "x # y"', id="quote-inside-braces"),
    ],
)
def test_values_evaluate_to_what_they_stand_for(raw: str, expected: str) -> None:
    assert evaluate(raw, MACROS) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("nobody", "unknown @string macro 'nobody'", id="unknown"),
        pytest.param("a", "in a loop: a -> b -> a", id="loop"),
        pytest.param("{a}}", "unbalanced '}'", id="closing"),
        pytest.param("{a", "unbalanced braces or quotes", id="open"),
        pytest.param("{a} # ", "empty part", id="empty-part"),
    ],
)
def test_bad_values_say_why(raw: str, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        evaluate(raw, MACROS)


def test_a_doubling_macro_chain_is_refused_quickly_and_the_rest_loads() -> None:
    definitions = ['@string{m0 = "xxxxxxxxxx"}'] + [
        f"@string{{m{n} = m{n - 1} # m{n - 1}}}" for n in range(1, 40)
    ]
    text = "\n".join(definitions) + "\n@book{bomb, title = m39}\n@book{ok, title = m3}\n"
    bib = parse_bib_text(text, Path("bomb.bib"))
    assert [problem.field for problem in bib.problems] == ["title"]
    assert "expand past" in bib.problems[0].message
    assert bib.problems[0].line == 41
    assert dict(bib.references[1].fields) == {"title": "x" * 80}


def test_macros_that_expand_to_nothing_cost_one_expansion_each() -> None:
    macros = {"e0": '""'} | {f"e{n}": f"e{n - 1} # e{n - 1} # e{n - 1}" for n in range(1, 60)}
    assert evaluate("e59", macros) == ""


def test_a_value_using_too_many_macros_is_refused() -> None:
    with pytest.raises(InvalidValue, match="more than"):
        evaluate(" # ".join(["jan"] * (MAX_MACRO_USES + 1)), {})
