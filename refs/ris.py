"""Write CSL-JSON items as RIS (the exchange format of EndNote, Zotero and most managers).

RIS is written by `rispy`; this module only maps CSL variables onto RIS tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import rispy

from refs.csl import CslItem

RIS_TYPES: Mapping[str, str] = {
    "book": "BOOK",
    "chapter": "CHAP",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "paper-conference": "CPAPER",
    "webpage": "ELEC",
    "report": "RPRT",
    "thesis": "THES",
    "manuscript": "UNPB",
    "pamphlet": "PAMP",
    "dataset": "DATA",
    "software": "COMP",
}

# CSL variable → rispy key, for plain string variables.
_STRINGS: Mapping[str, str] = {
    "container-title": "secondary_title",
    "collection-title": "tertiary_title",
    "publisher": "publisher",
    "publisher-place": "place_published",
    "volume": "volume",
    "issue": "number",
    "edition": "edition",
    "number-of-volumes": "number_of_volumes",
    "DOI": "doi",
    "ISSN": "issn",
    "language": "language",
    "abstract": "abstract",
    "note": "notes",
    "genre": "type_of_work",
    "title-short": "short_title",
}
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|sc|span)\b[^>]*>")


def csl_to_ris(item: CslItem) -> dict[str, Any]:  # Any: rispy takes str and list values
    """One RIS record (rispy's dict) for a CSL item."""
    record: dict[str, Any] = {
        "type_of_reference": RIS_TYPES.get(item["type"], "GEN"),
        "id": item["id"],
    }
    if "title" in item:
        record["title"] = _plain(item["title"])
    for role, key in (
        ("author", "authors"),
        ("editor", "secondary_authors"),
        ("translator", "subsidiary_authors"),  # A4: the translator in RIS books
    ):
        if item.get(role):
            record[key] = [_name(name) for name in item[role]]
    for variable, key in _STRINGS.items():
        if item.get(variable):
            record[key] = _plain(str(item[variable]))
    if item.get("URL"):
        record["urls"] = [item["URL"]]
    if item.get("ISBN"):
        record["issn"] = item["ISBN"]  # RIS has one SN tag for both ISBN and ISSN
    if "page" in item:
        # A range is written with a hyphen or, as LaTeX's `--` reads, an en dash.
        start, _, end = str(item["page"]).replace("\u2013", "-").partition("-")
        record["start_page"] = start
        if end:
            record["end_page"] = end
    year, date = _date(item.get("issued"))
    if year:
        record["year"] = year
        record["date"] = date
    _, accessed = _date(item.get("accessed"))
    if accessed:
        record["access_date"] = accessed
    return record


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy has no type hints
    """rispy's writer without its "1." counter line before each record, which is not RIS."""

    def set_header(self, count: int) -> str:
        return ""


def format_ris(items: Sequence[CslItem]) -> str:
    """Several items as one RIS text."""
    return str(rispy.dumps([csl_to_ris(item) for item in items], implementation=_RisWriter))


def _name(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    family = " ".join(part for part in (name.get("non-dropping-particle"), name["family"]) if part)
    return ", ".join(part for part in (family, name.get("given"), name.get("suffix")) if part)


def _date(date: Mapping[str, Any] | None) -> tuple[str, str]:
    """(`YYYY`, `YYYY/MM/DD/`) for a CSL date; RIS dates leave unknown parts empty."""
    if not date or not date.get("date-parts"):
        return "", ""
    parts = [str(part) for part in date["date-parts"][0]]
    year = parts[0]
    month = parts[1].zfill(2) if len(parts) > 1 else ""
    day = parts[2].zfill(2) if len(parts) > 2 else ""
    return year, f"{year}/{month}/{day}/"


def _plain(text: str) -> str:
    return _MARKUP.sub("", text)
