"""One term for each way of writing a date or an ordinal number.

`29 June 1957`, `June 29, 1957`, `1957-06-29`, `29.6.1957` and `29th June 1957` are one
date, the term `d19570629`; `20th`, `twentieth` and `Twentieth` are the ordinal `20th`,
and so are the halves of `Twenty-First` joined (`twentyfirst` -> `21st`).
"""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1\d{3}|20\d\d)"
_DATE_FORMS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b{_YEAR}-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b",
        rf"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.{_YEAR}\b",
        rf"\b{_DAY}\s+(?:of\s+)?(?P<name>{_MONTH})\.?,?\s+{_YEAR}\b",
        rf"\b(?P<name>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}\b",
    )
)

_UNITS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNIT_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_TEEN_ORDINALS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TENS_ORDINALS = {name[:-1] + "ieth": value for name, value in _TENS.items()}
_ORDINAL_WORDS: dict[str, int] = {**_UNIT_ORDINALS, **_TEEN_ORDINALS, **_TENS_ORDINALS}
for _tens_name, _tens_value in _TENS.items():
    for _unit_name, _unit_value in _UNIT_ORDINALS.items():
        _ORDINAL_WORDS[_tens_name + _unit_name] = _tens_value + _unit_value
_NUMERIC_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def date_spans(text: str) -> list[tuple[int, int, str]]:
    """Each full date in `text`: where it starts and ends, and its term (`d19570629`).

    Only the few characters around each year are matched against the date forms: most
    texts hold no year, and the forms' month names are slow to look for everywhere.
    """
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for year in _YEAR_ALONE.finditer(text):
        offset = max(0, year.start() - _DATE_REACH)
        window = text[offset : year.end() + _DATE_REACH]
        for form in _DATE_FORMS:
            for match in form.finditer(window):
                start, end = match.start() + offset, match.end() + offset
                if not start <= year.start() < end:
                    continue
                if any(start < held_end and held_start < end for held_start, held_end in taken):
                    continue
                term = _date_term(match)
                if term:
                    spans.append((start, end, term))
                    taken.append((start, end))
    return sorted(spans)


_YEAR_ALONE = re.compile(r"(?<!\d)(?:1\d{3}|20\d\d)(?!\d)")
# How far from its year a date may start or end (`the 29th of September, 1957`).
_DATE_REACH = 24


def ordinal_term(folded: str) -> str | None:
    """The ordinal `folded` writes (`twentieth`, `20th`, `twentyfirst`) as `20th`, `21st`."""
    value = _ORDINAL_WORDS.get(folded)
    if value is None:
        numeric = _NUMERIC_ORDINAL.match(folded)
        if numeric is None:
            return None
        value = int(numeric.group(1))
    return ordinal(value)


def ordinal(number: int) -> str:
    """`3` -> `3rd`, `11` -> `11th`, `21` -> `21st`."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _date_term(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month = _MONTHS[groups["name"].lower()] if groups.get("name") else int(groups["month"])
    day = int(groups["day"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"d{groups['year']}{month:02d}{day:02d}"
