"""BibLaTeX dates (ISO 8601-2 / EDTF, or `year` + `month` + `day`) as CSL-JSON dates.

BibLaTeX numbers years astronomically (year 0 is 1 BCE, -0043 is 44 BCE) and CSL has no
year 0 (-44 is 44 BC), so years before 1 move one down. An approximate (`~`), uncertain
(`?`) or both (`%`) date is CSL's `circa`; an open end (`1990/`, `1990/..`) is the `0`
that citeproc-js prints as an open range ("1990–"); months 21–24 are seasons. Anything
else is kept as a literal rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from refs.latex import latex_to_text

# Any: a CSL date is open-ended JSON (date-parts, circa, season, literal).
CslDate = dict[str, Any]

_MONTHS: Mapping[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janvier", "januar"),
            ("feb", "february", "février", "februar"),
            ("mar", "march", "mars", "märz"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juillet", "juli"),
            ("aug", "august", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre", "oktober"),
            ("nov", "november", "novembre"),
            ("dec", "december", "décembre", "dezember"),
        ],
        start=1,
    )
    for name in names
}
_EDTF_PART = re.compile(
    r"(?P<year>[+-]?\d{1,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"
    r"(?:T[\d:.]+(?:Z|[+-]\d\d(?::?\d\d)?)?)?"
)
_YEAR_RANGE = re.compile(r"(?P<start>-?\d{1,4})\s*[-–—/]+\s*(?P<end>-?\d{1,4})?")
_CIRCA_WORDS = re.compile(r"^(?:c\.|ca\.|circa|approx\.)\s*", re.IGNORECASE)


def parse_date(value: str) -> CslDate | None:
    """A BibLaTeX date or range as CSL: `1957-07-07`, `1955/1960`, `1990/`, `-0043~`."""
    text = value.strip()
    if not text:
        return None
    circa = text.endswith(("?", "~", "%")) or text.startswith(("?", "~", "%"))
    ends = text.split("/")
    if len(ends) > 2:
        return {"literal": text}
    parts: list[list[int]] = []
    season = None
    for index, end in enumerate(ends):
        end = end.strip().strip("?~%")
        if end in ("", ".."):
            if len(ends) == 2 and index == 1 and parts:
                parts.append([0])
                continue
            return {"literal": text}
        match = _EDTF_PART.fullmatch(end)
        if match is None:
            return {"literal": text}
        year = _csl_year(int(match["year"]))
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if month is not None and 21 <= month <= 24 and day is None:
            season, month = month - 20, None
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            return {"literal": text}
        parts.append([piece for piece in (year, month, day) if piece is not None])
    # citeproc-js refuses a range whose ends differ in precision (`1957-07/1958`): both
    # ends keep the precision they share, and an open end is as precise as its start.
    precision = min(len(part) for part in parts if part != [0]) if parts else 0
    parts = [[0] * precision if part == [0] else part[:precision] for part in parts]
    date: CslDate = {"date-parts": parts}
    if season is not None and len(parts) == 1:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def _csl_year(astronomical: int) -> int:
    """Year 0 is 1 BCE in BibLaTeX's numbering; CSL's -1 is 1 BC."""
    return astronomical if astronomical > 0 else astronomical - 1


def issued_date(fields: Mapping[str, str]) -> CslDate | None:
    """The date a work was issued: `date`, else `year` with `month` and `day`."""
    if fields.get("date", "").strip():
        return parse_date(fields["date"])
    if not fields.get("year", "").strip():
        return None
    year = latex_to_text(fields["year"]).strip()
    circa = bool(_CIRCA_WORDS.match(year))
    year = _CIRCA_WORDS.sub("", year)
    date = _year_date(year, fields)
    if date is None:
        return {"literal": latex_to_text(fields["year"]).strip()}
    if circa:
        date["circa"] = True
    return date


def _year_date(year: str, fields: Mapping[str, str]) -> CslDate | None:
    if year.lstrip("-").isdigit():
        part = [_csl_year(int(year))]
        month = month_number(fields.get("month", ""))
        if month is not None:
            part.append(month)
            day = latex_to_text(fields.get("day", "")).strip()
            if day.isdigit() and 1 <= int(day) <= 31:
                part.append(int(day))
        return {"date-parts": [part]}
    match = _YEAR_RANGE.fullmatch(year)
    if match is None:
        return None
    end = [_csl_year(int(match["end"]))] if match["end"] else [0]
    return {"date-parts": [[_csl_year(int(match["start"]))], end]}


def month_number(value: str) -> int | None:
    """`7`, `07`, `jul`, `July`, `Juli.` → 7; None for anything else."""
    text = latex_to_text(value).strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return _MONTHS.get(text)
