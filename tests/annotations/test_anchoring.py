"""Re-anchoring quotes in real seed texts after the text around or inside them changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.anchoring import _budget, _regions, describe_span, find_quote, reanchor
from annotations.model import Anchor
from tests.annotations.strategies import PROPERTY_SETTINGS

SOURCES = Path(__file__).parent.parent / "data" / "sources"
BLOG = (SOURCES / "crashing_the_antiparty.txt").read_text("utf-8")
ESSAY = (SOURCES / "malenkov_antiparty_group.txt").read_text("utf-8")
FREEZE = (
    "The underlying idea was to bring decision-making closer to the enterprise to ensure "
    "better management and greater productivity"
)
CULT = "cult of Comrade G. K. Zhukov"


def _anchor(text: str, exact: str, source: str = "blog.txt") -> Anchor:
    start = text.index(exact)
    return describe_span(text, source, start, start + len(exact))


def _span(anchor: Anchor | None) -> tuple[int, int]:
    assert anchor is not None and anchor.position is not None
    return anchor.position.start, anchor.position.end


def test_unchanged_text_keeps_the_anchor() -> None:
    anchor = _anchor(BLOG, FREEZE)
    assert reanchor(anchor, BLOG) == anchor


def test_words_inserted_before_the_quote_shift_it() -> None:
    anchor = _anchor(BLOG, FREEZE)
    changed = BLOG.replace("Nikita Khrushchev\n", "Nikita Sergeyevich Khrushchev (1894-1971)\n", 1)
    start, end = _span(reanchor(anchor, changed))
    assert changed[start:end] == FREEZE
    assert start == _span(anchor)[0] + len(" Sergeyevich (1894-1971)")


def test_words_deleted_from_the_prefix_are_tolerated() -> None:
    anchor = _anchor(BLOG, FREEZE)
    changed = BLOG.replace("(The Anti Party Group). Freeze points out, ", "Freeze notes ", 1)
    start, end = _span(reanchor(anchor, changed))
    assert changed[start:end] == FREEZE


def test_changed_word_inside_the_quote_reanchors_fuzzily() -> None:
    anchor = _anchor(BLOG, FREEZE)
    edited = FREEZE.replace("bring decision-making", "move decision making")
    changed = BLOG.replace(FREEZE, edited, 1)
    new = reanchor(anchor, changed)
    start, end = _span(new)
    assert changed[start:end] == edited
    assert new is not None and new.quote.exact == edited


def test_words_inserted_inside_a_long_quote_reanchor_fuzzily() -> None:
    anchor = _anchor(BLOG, FREEZE)
    edited = FREEZE.replace("to ensure", "in order to ensure")
    changed = BLOG.replace(FREEZE, edited, 1)
    assert changed[slice(*_span(reanchor(anchor, changed)))] == edited


def test_short_quote_with_a_typo_fixed_reanchors() -> None:
    anchor = _anchor(BLOG, CULT)
    changed = BLOG.replace(CULT, "cult of comrade G.K. Zhukov", 1)
    assert changed[slice(*_span(reanchor(anchor, changed)))] == "cult of comrade G.K. Zhukov"


def test_removed_quote_becomes_an_orphan() -> None:
    anchor = _anchor(BLOG, FREEZE)
    sentence_start = BLOG.index("Freeze points out")
    sentence_end = BLOG.index("(p. 422).") + len("(p. 422).")
    changed = BLOG[:sentence_start] + BLOG[sentence_end:]
    assert reanchor(anchor, changed) is None


def test_quote_rewritten_beyond_the_error_budget_is_an_orphan() -> None:
    anchor = _anchor(BLOG, CULT)
    changed = BLOG.replace(CULT, "personality cult around the marshal", 1)
    assert reanchor(anchor, changed) is None


def test_repeated_phrase_picks_the_occurrence_near_the_old_position() -> None:
    paragraph = ESSAY[ESSAY.index("The expulsion of Malenkov") :].split("\n\n")[0]
    doubled = f"{paragraph}\n\n{paragraph}\n\n{paragraph}\n\n"
    phrase = "collective leadership"
    second = doubled.index(phrase, doubled.index(phrase) + 1)
    anchor = describe_span(doubled, "essay.txt", second, second + len(phrase))
    changed = "A new preface of some length.\n\n" + doubled
    start, _ = _span(reanchor(anchor, changed))
    assert start == second + len("A new preface of some length.\n\n")


def test_repeated_phrase_with_a_changed_word_still_picks_the_near_one() -> None:
    paragraph = ESSAY[ESSAY.index("The expulsion of Malenkov") :].split("\n\n")[0]
    doubled = f"{paragraph}\n\n{paragraph}\n\n"
    phrase = "marked the end of the post-Stalin experiment"
    second = doubled.index(phrase, doubled.index(phrase) + 1)
    anchor = describe_span(doubled, "essay.txt", second, second + len(phrase))
    edited = "marked the end of the post Stalin experiment"
    changed = doubled.replace(phrase, edited)
    start, end = _span(reanchor(anchor, changed))
    assert (start, changed[start:end]) == (second, edited)  # same length: no shift


def test_quote_typed_by_hand_is_found_in_the_source() -> None:
    anchor = find_quote(BLOG, "blog.txt", "the fate of loyal Zhukov")
    assert anchor is not None and anchor.quote.prefix.endswith("about this event was ")
    assert find_quote(BLOG, "blog.txt", "words that are nowhere in this blog post") is None


@pytest.mark.parametrize("source", [BLOG, ESSAY], ids=["blog", "essay"])
def test_selectors_describe_the_span(source: str) -> None:
    anchor = describe_span(source, "x.txt", 100, 160)
    assert anchor.quote.exact == source[100:160]
    assert anchor.quote.prefix == source[68:100]
    assert anchor.quote.suffix == source[160:192]


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    insertion=st.text(alphabet="zqxj ", min_size=1, max_size=60),
)
def test_any_quote_survives_an_insertion_outside_it(data: st.DataObject, insertion: str) -> None:
    text = ESSAY
    start = data.draw(st.integers(0, len(text) - 40), label="start")
    end = data.draw(st.integers(start + 20, min(len(text), start + 300)), label="end")
    if text.count(text[start:end]) > 1:
        return  # a repeated span is the case above
    where = data.draw(st.sampled_from([0, start, end, len(text)]) | st.integers(0, len(text)))
    if start < where < end:
        return
    anchor = describe_span(text, "essay.txt", start, end)
    changed = text[:where] + insertion + text[where:]
    shift = len(insertion) if where <= start else 0
    assert _span(reanchor(anchor, changed)) == (start + shift, end + shift)


def test_quote_from_another_work_is_an_orphan_in_a_long_text() -> None:
    # Words the text never uses: no span is within the error budget, and the q-gram check
    # says so before any Bitap pass over the whole essay.
    elsewhere = "Quod scripsi, scripsi; quod dixi, dixi: verba volant, scripta manent."
    assert find_quote(ESSAY, "essay.txt", elsewhere) is None


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_quote_within_the_error_budget_is_looked_for_where_it_is(data: st.DataObject) -> None:
    text = ESSAY
    start = data.draw(st.integers(0, len(text) - 20), label="start")
    end = data.draw(st.integers(start + 10, min(len(text), start + 200)), label="end")
    quote = list(text[start:end])
    edits = data.draw(st.integers(0, _budget(text[start:end])), label="edits")
    for _ in range(edits):
        where = data.draw(st.integers(0, max(0, len(quote) - 1)), label="where")
        edit = data.draw(st.sampled_from(["insert", "delete", "replace"]), label="edit")
        if edit == "insert":
            quote.insert(where, "§")
        elif quote and edit == "delete":
            del quote[where]
        elif quote:
            quote[where] = "§"
    typed = "".join(quote)
    # The typed quote is within `edits` edits of text[start:end]: Bitap must be sent to a
    # stretch holding that span (the q-gram count may only rule out spans that cannot match).
    assert any(low <= start and end <= high for low, high in _regions(text, typed, edits))
