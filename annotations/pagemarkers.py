"""The page a character of a source text is on, read from the page markers in the text.

Full texts come from two places, and each marks its pages its own way:
- `pdftotext` writes a form feed (U+000C) after every page, so page N starts after the
  (N-1)th form feed;
- texts typed or cleaned by hand mark where a page begins with a bracketed marker:
  `[p. 41]`, `[p.41]`, `[pp. 41]`, `[page 41]`, `[S. 41]` (case-insensitive) anywhere in
  a line, or a bare `[41]` standing alone on its line. A bare number inside a line is far
  more often a footnote or a numbered reference (`as shown in [12]`) than a page, so it
  is never read as one. A labelled marker's value is an arabic or a roman number
  (`[p. xiv]`); a bare one's only arabic (`[IV]` alone on a line heads a part).

The rule, one for both: a bracketed marker says the page that starts where the marker
starts; a form feed turns to the next page (the number after the current one, arabic or
roman) just after it. The page of a character is the page in force there: the one the
last marker at or before it started. Before the first marker, the text is on page 1 if
that marker is a form feed, and on the page before the marker's if it is bracketed (the
end of page 40 precedes `[p. 41]`). A source whose pages do not begin at 1 (an article's
pages 41-67 run through pdftotext) declares its first page with a marker before its first
form feed: `[p. 41]` on its first line.

A text without any marker has no pages: `locator_for_span` returns None rather than a
guessed "page 1".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from annotations.model import Locator

FORM_FEED = "\f"

_ROMAN = "[ivxlcdm]{1,15}"  # bounded, as the arabic numbers are: a page, not a payload
_VALUE = rf"(\d{{1,5}}|{_ROMAN})"
_LABELLED = rf"\[\s*(?:p|pp|pg|page|s)\.?\s*{_VALUE}\s*\]"
_BARE_ON_ITS_LINE = r"^[ \t]*\[\s*(\d{1,5})\s*\][ \t]*$"
_MARKER = re.compile(
    rf"(?P<feed>{FORM_FEED})|{_LABELLED}|{_BARE_ON_ITS_LINE}", re.IGNORECASE | re.MULTILINE
)
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}
_ROMAN_DIGITS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


@dataclass(frozen=True, slots=True)
class PageStart:
    """Where a page begins in a text (a character offset, as Python indexes a str) and
    its number as printed (`"41"`, `"xiv"`)."""

    offset: int
    page: str


def page_starts(text: str) -> list[PageStart]:
    """Every page of `text` with the offset it starts at, in order, the first at 0; empty
    when the text holds no page marker at all.

    page_starts("a\\fb") → [PageStart(0, "1"), PageStart(2, "2")]
    page_starts("[p. 41] a\\fb") → [PageStart(0, "41"), PageStart(10, "42")]
    """
    starts: list[PageStart] = []
    page = "1"
    for marker in _MARKER.finditer(text):
        if marker.group("feed"):
            page, offset = _next_page(page), marker.end()
        else:
            page, offset = (marker.group(2) or marker.group(3)).lower(), marker.start()
        if not starts:
            starts.append(PageStart(0, "1" if marker.group("feed") else _previous_page(page)))
        if starts[-1].offset == offset:
            starts[-1] = PageStart(offset, page)
        else:
            starts.append(PageStart(offset, page))
    return starts


def page_at(starts: list[PageStart], offset: int) -> str | None:
    """The page that character `offset` is on, given the text's `page_starts`, or None
    for a text without pages."""
    index = bisect.bisect_right([start.offset for start in starts], offset) - 1
    return starts[index].page if index >= 0 else None


def locator_for_span(text: str, start: int, end: int) -> Locator | None:
    """The page (or pages, `41-42`) of the characters `text[start:end]`, or None when the
    text marks no pages. White space at either end (a form feed included) does not count,
    and the span's last character decides where it ends, so a quote that stops just
    before a page's marker stays on one page."""
    span = text[start:end]
    if span.strip():
        start, end = start + len(span) - len(span.lstrip()), end - len(span) + len(span.rstrip())
    starts = page_starts(text)
    first = page_at(starts, start)
    if first is None:
        return None
    last = page_at(starts, max(start, end - 1))
    return Locator("page", first if last in (None, first) else f"{first}-{last}")


def _next_page(page: str) -> str:
    """The page after `page`: `41` → `42`, `xiv` → `xv`."""
    if page.isdigit():
        return str(int(page) + 1)
    return _to_roman(_from_roman(page) + 1)


def _previous_page(page: str) -> str:
    """The page before `page` (`41` → `40`, `xiv` → `xiii`); the first page has none, so
    text before `[p. 1]` counts as on page 1 itself."""
    number = int(page) if page.isdigit() else _from_roman(page)
    if number <= 1:
        return page
    return str(number - 1) if page.isdigit() else _to_roman(number - 1)


def _from_roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[digit] for digit in numeral.lower()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _to_roman(number: int) -> str:
    digits = []
    for value, digit in _ROMAN_DIGITS:
        count, number = divmod(number, value)
        digits.append(digit * count)
    return "".join(digits)
