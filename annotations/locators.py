"""Reading the locators people type (`422`, `xiv`, `422-23`, `chapter:3`, `para. 12`).

The one parser of locators: the command line (`--page`, `--locator`), the API and the web
forms all read what people type here, so they accept and refuse the same things with the
same messages. A bare value is a page, and must look like one (arabic or roman numbers,
ranges, lists), so that a typo such as `chaptr 3` is refused instead of stored as a page.
Abbreviated arabic ranges are written out (`422-23` → `422-423`) and every dash in a range
(en dash, em dash...) becomes a hyphen, so one page range has one spelling and
`parse_locator(str(locator))` gives it back.
"""

from __future__ import annotations

import re

from annotations.errors import InvalidLocator
from annotations.model import LOCATOR_LABELS, Locator

MAX_VALUE_LENGTH = 100

# The abbreviations of CSL's terms that people type, mapped to the label they stand for.
_ABBREVIATIONS = {
    "p": "page",
    "pp": "page",
    "pg": "page",
    "pages": "page",
    "ch": "chapter",
    "chap": "chapter",
    "chapters": "chapter",
    "sec": "section",
    "§": "section",
    "§§": "section",
    "sections": "section",
    "para": "paragraph",
    "paras": "paragraph",
    "¶": "paragraph",
    "paragraphs": "paragraph",
    "l": "line",
    "ll": "line",
    "lines": "line",
    "col": "column",
    "cols": "column",
    "vol": "volume",
    "vols": "volume",
    "fol": "folio",
    "fols": "folio",
    "n": "note",
    "nn": "note",
    "notes": "note",
    "fig": "figure",
    "figs": "figure",
    "v": "verse",
    "vv": "verse",
    "verses": "verse",
}

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash and em dash.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
_PAGE = r"(?:[A-Za-z]{0,2}\d+[A-Za-z]?|[ivxlcdmIVXLCDM]+)"
_PAGE_RANGE = rf"{_PAGE}(?:\s*(?:[{_DASHES}]{{1,2}})\s*{_PAGE})?"
_PAGES_RE = re.compile(rf"{_PAGE_RANGE}(?:\s*[,&]\s*{_PAGE_RANGE})*")
_RANGE_RE = re.compile(rf"(\w+)\s*[{_DASHES}]{{1,2}}\s*(\w+)")
_LABELLED_RE = re.compile(r"^\s*([^\s:.]+)\.?(?::\s*|\s+)(.*?)\s*$", re.DOTALL)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def parse_locator(
    text: str, *, label: str | None = None, field: str = "locator", label_field: str = ""
) -> Locator:
    """Read `LABEL:VALUE`, `LABEL VALUE` or a bare page; with `label`, `text` is the value.

    Errors are `InvalidLocator` naming `field` (the input the text came from), or
    `label_field` (default `FIELD.label`) when the label is unknown.
    parse_locator("chapter:3") → Locator("chapter", "3");
    parse_locator("422-23") → Locator("page", "422-423").
    """
    label_field = label_field or f"{field}.label"
    if label is not None:
        return _locator(_label(label, field=label_field), text, field=field)
    labelled = _LABELLED_RE.match(text)
    if labelled is not None:
        word = labelled.group(1).lower()
        if word in LOCATOR_LABELS or word in _ABBREVIATIONS:
            return _locator(_label(word, field=label_field), labelled.group(2), field=field)
        if ":" in text:
            raise InvalidLocator(_unknown_label(labelled.group(1)), field=label_field)
    return _locator("page", text, field=field)


def parse_page(text: str, *, field: str = "page") -> Locator:
    """A page locator from `--page` (`422`, `xiv`, `422-423`)."""
    return parse_locator(text, label="page", field=field)


def _label(word: str, *, field: str) -> str:
    label = word.strip().lower().rstrip(".")
    label = _ABBREVIATIONS.get(label, label)
    if label not in LOCATOR_LABELS:
        raise InvalidLocator(_unknown_label(word), field=field)
    return label


def _unknown_label(word: str) -> str:
    labels = ", ".join(LOCATOR_LABELS)
    return f"unknown locator label {word!r}; expected one of CSL's labels ({labels})"


def _locator(label: str, value: str, *, field: str) -> Locator:
    value = value.strip()
    if not value:
        raise InvalidLocator(f"no {label} given", field=field)
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidLocator(f"longer than {MAX_VALUE_LENGTH} characters", field=field)
    if _CONTROL_RE.search(value):
        raise InvalidLocator("contains a line break or control character", field=field)
    if label == "page":
        if _PAGES_RE.fullmatch(value) is None:
            raise InvalidLocator(
                f"expected a page like 422, xiv or 422-423, got {value!r}", field=field
            )
        value = _normalise_ranges(value)
    return Locator(label, value)


def _normalise_ranges(value: str) -> str:
    """`422-23` → `422-423`; `12 , 15` → `12, 15`: one spelling for one page range."""
    parts = [part.strip() for part in re.split(r"\s*[,&]\s*", value)]
    return ", ".join(_RANGE_RE.sub(_expanded_range, part) for part in parts)


def _expanded_range(match: re.Match[str]) -> str:
    start, end = match.group(1), match.group(2)
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) > int(start):
            end = expanded
    return f"{start}-{end}"
