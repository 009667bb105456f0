"""Evaluating field values as written: braces, quotes, numbers, macros and `#`."""

from __future__ import annotations

import pytest

from refs.values import InvalidValue, evaluate

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
