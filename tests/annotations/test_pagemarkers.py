"""The page of a quote, read from a source's form feeds and bracketed page markers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.model import Locator
from annotations.pagemarkers import PageStart, locator_for_span, page_at, page_starts

SOURCES = Path(__file__).parent.parent / "data" / "sources"
# pdftotext's output for a four-page encyclopedia article: wrapped lines, a running head
# with the folio on pages 2-4, a form feed after every page.
PDFTOTEXT = (SOURCES / "pdftotext_antiparty_group.txt").read_text(encoding="utf-8")
# A transcription typed by hand: `[p. 41]` on its first line, `[p. 42]` inside a line,
# `[p.43]` and a bare `[44]` on lines of their own, and a note reference `[12]` in the text.
HAND_MARKED = (SOURCES / "hand_marked_collective_leadership.txt").read_text(encoding="utf-8")


def _locator_of(text: str, quote: str) -> Locator | None:
    start = text.index(quote)
    return locator_for_span(text, start, start + len(quote))


@pytest.mark.parametrize(
    ("quote", "page"),
    [
        pytest.param("The Anti-Party Group, so called by Nikita", "1", id="first-page"),
        pytest.param("majority. When they moved against Khrushchev", "2", id="after-first-feed"),
        pytest.param("ENCYCLOPEDIA OF RUSSIAN HISTORY", "2", id="running-head"),
        pytest.param("Including seven full members of the Presidium", "1", id="just-before-feed"),
    ],
)
def test_pdftotext_pages_are_counted_by_form_feeds(quote: str, page: str) -> None:
    assert _locator_of(PDFTOTEXT, quote) == Locator("page", page)


def test_each_form_feed_starts_the_next_page() -> None:
    starts = page_starts(PDFTOTEXT)
    assert [start.page for start in starts] == ["1", "2", "3", "4", "5"]
    for start in starts[1:]:
        assert PDFTOTEXT[start.offset - 1] == "\f"
    # pdftotext ends the last page with a form feed too: nothing follows on "page 5".
    assert starts[-1].offset == len(PDFTOTEXT)


def test_a_quote_across_a_form_feed_spans_both_pages() -> None:
    feed = PDFTOTEXT.index("\f")
    assert locator_for_span(PDFTOTEXT, feed - 20, feed + 20) == Locator("page", "1-2")


def test_a_quote_ending_at_a_form_feed_stays_on_its_page() -> None:
    feed = PDFTOTEXT.index("\f")
    assert locator_for_span(PDFTOTEXT, feed - 20, feed + 1) == Locator("page", "1")


def test_white_space_around_a_quote_does_not_move_its_page() -> None:
    text = "Page one.\n\f\nPage two.\n\f"
    start = text.index("\f")
    assert locator_for_span(text, start, text.index("two") + 3) == Locator("page", "2")
    assert locator_for_span(text, text.index("Page two"), len(text)) == Locator("page", "2")


def test_a_marker_on_the_first_line_declares_the_first_page_of_a_pdftotext_source() -> None:
    article = "[p. 41]\n" + PDFTOTEXT
    assert _locator_of(article, "The Anti-Party Group, so called") == Locator("page", "41")
    assert _locator_of(article, "majority. When they moved") == Locator("page", "42")


@pytest.mark.parametrize(
    ("quote", "page"),
    [
        pytest.param("Stalin died without naming an heir", "41", id="declared-first-page"),
        pytest.param("(see Internal Security Before 1991", "41", id="note-reference-ignored"),
        pytest.param("After the elimination of Beria", "42", id="marker-inside-a-line"),
        pytest.param("At the Twentieth Party Congress", "43", id="marker-without-space"),
        pytest.param("Khrushchev intensified his campaign", "44", id="bare-marker-on-its-line"),
    ],
)
def test_bracketed_markers_give_the_page_of_a_hand_made_text(quote: str, page: str) -> None:
    assert _locator_of(HAND_MARKED, quote) == Locator("page", page)


def test_a_bare_number_inside_a_line_is_a_note_reference_not_a_page() -> None:
    assert "[12]" in HAND_MARKED
    assert [start.page for start in page_starts(HAND_MARKED)] == ["41", "42", "43", "44"]


def test_a_quote_starting_on_its_marker_is_on_that_page() -> None:
    start = HAND_MARKED.index("[p. 42]")
    assert locator_for_span(HAND_MARKED, start, start + 30) == Locator("page", "42")


def test_text_before_the_first_bracketed_marker_is_on_the_page_before() -> None:
    text = "the end of a sentence. [p. 41] The next page."
    assert _locator_of(text, "the end") == Locator("page", "40")
    assert _locator_of(text, "The next") == Locator("page", "41")


def test_roman_pages_turn_in_roman() -> None:
    text = "[p. xiv] Preface.\fMore of it.\f[p. 1] Chapter one."
    assert [start.page for start in page_starts(text)] == ["xiv", "xv", "1"]
    assert _locator_of(text, "More of it") == Locator("page", "xv")


def test_a_text_without_markers_has_no_page() -> None:
    text = (SOURCES / "malenkov_antiparty_group.txt").read_text(encoding="utf-8")
    assert page_starts(text) == []
    assert locator_for_span(text, 10, 40) is None
    assert page_at([], 10) is None


@given(pages=st.lists(st.text(alphabet=st.characters(exclude_characters="\f[")), min_size=1))
def test_every_character_is_on_the_page_of_its_form_feeds(pages: list[str]) -> None:
    text = "\f".join(pages)
    starts = page_starts(text)
    offset = 0
    for number, page in enumerate(pages, start=1):
        for index in range(offset, offset + len(page)):
            expected = str(number) if len(pages) > 1 else None
            assert page_at(starts, index) == expected
        offset += len(page) + 1


def test_page_starts_name_their_offsets() -> None:
    assert page_starts("a\fb") == [PageStart(0, "1"), PageStart(2, "2")]


def test_a_marker_too_long_to_be_a_page_number_is_no_marker() -> None:
    text = "[p. " + "m" * 10_000 + "] words\f[p. 123456] more"
    assert [start.page for start in page_starts(text)] == ["1", "2"]
