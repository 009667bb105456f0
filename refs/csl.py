"""Convert a reference to a CSL-JSON item, the input of every citation style.

Titles keep protected capitals and are never re-cased here: the style decides casing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from refs.latex import latex_to_text
from refs.model import Reference
from refs.names import NameList, Person, parse_names

# Any: a CSL-JSON item is open-ended JSON whose values are strings, lists and dicts.
CslItem = dict[str, Any]

ENTRY_TYPES: Mapping[str, str] = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "inproceedings": "paper-conference",
    "proceedings": "book",
    "reference": "book",
    "inreference": "entry-encyclopedia",
    "online": "webpage",
    "www": "webpage",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "manual": "report",
    "booklet": "pamphlet",
    "unpublished": "manuscript",
    "misc": "document",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}

NAME_FIELDS: Mapping[str, str] = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "editora": "editor",
    "bookauthor": "container-author",
}

TEXT_FIELDS: Mapping[str, str] = {
    "title": "title",
    "volume": "volume",
    "number": "number",
    "issue": "issue",
    "edition": "edition",
    "publisher": "publisher",
    "location": "publisher-place",
    "address": "publisher-place",
    "isbn": "ISBN",
    "issn": "ISSN",
    "url": "URL",
    "note": "note",
    "abstract": "abstract",
    "keywords": "keyword",
    "volumes": "number-of-volumes",
    "series": "collection-title",
    "chapter": "chapter-number",
    "langid": "language",
    "language": "language",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "eventtitle": "event-title",
    "version": "version",
}

CONTAINER_FIELDS = ("journaltitle", "journal", "booktitle", "maintitle")
_NEWSPAPER_HINTS = ("newspaper", "news")


def reference_to_csl(reference: Reference, parent: Reference | None = None) -> CslItem:
    """The CSL-JSON item for `reference`; `parent` is its `crossref` target, if any."""
    fields = _inherited_fields(reference, parent)
    item: CslItem = {"id": reference.citekey, "type": _csl_type(reference.entry_type, fields)}
    for bib_name, csl_name in NAME_FIELDS.items():
        if bib_name in fields and csl_name not in item:
            item[csl_name] = _csl_names(parse_names(fields[bib_name]))
    for bib_name, csl_name in TEXT_FIELDS.items():
        if bib_name in fields and csl_name not in item:
            item[csl_name] = latex_to_text(fields[bib_name])
    for bib_name in CONTAINER_FIELDS:
        if bib_name in fields:
            item["container-title"] = latex_to_text(fields[bib_name])
            break
    if "pages" in fields:
        item["page"] = latex_to_text(fields["pages"]).replace("\u2013", "-")
    if "doi" in fields:
        item["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", fields["doi"].strip())
    issued = _issued(fields)
    if issued is not None:
        item["issued"] = issued
    for bib_name, csl_name in (("urldate", "accessed"), ("origdate", "original-date")):
        if bib_name in fields:
            date = parse_date(fields[bib_name])
            if date is not None:
                item[csl_name] = date
    if "subtitle" in fields and "title" in item:
        item["title"] = f"{item['title']}: {latex_to_text(fields['subtitle'])}"
    return item


def _inherited_fields(reference: Reference, parent: Reference | None) -> dict[str, str]:
    fields = dict(reference.fields)
    if parent is None:
        return fields
    for name, value in parent.fields.items():
        target = "booktitle" if name == "title" else name
        fields.setdefault(target, value)
    return fields


def _csl_type(entry_type: str, fields: Mapping[str, str]) -> str:
    entry_subtype = fields.get("entrysubtype", "").lower()
    if entry_type == "article" and entry_subtype in _NEWSPAPER_HINTS:
        return "article-newspaper"
    if entry_type == "article" and entry_subtype == "magazine":
        return "article-magazine"
    return ENTRY_TYPES.get(entry_type, "document")


def _csl_names(names: NameList) -> list[dict[str, str]]:
    result = [_csl_person(person) for person in names.people]
    if names.has_others:
        result.append({"literal": "others"})
    return result


def _csl_person(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": person.literal}
    csl = {"family": person.family, "given": person.given}
    if person.particle:
        csl["non-dropping-particle"] = person.particle
    if person.suffix:
        csl["suffix"] = person.suffix
    return {key: value for key, value in csl.items() if value}


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def _issued(fields: Mapping[str, str]) -> dict[str, Any] | None:
    if "date" in fields:
        return parse_date(fields["date"])
    if "year" not in fields:
        return None
    year = fields["year"].strip()
    if not year.lstrip("-").isdigit():
        return {"literal": latex_to_text(year)}
    part: list[int] = [int(year)]
    month = _month_number(fields.get("month", ""))
    if month is not None:
        part.append(month)
        day = fields.get("day", "").strip()
        if day.isdigit():
            part.append(int(day))
    return {"date-parts": [part]}


def _month_number(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value)


def parse_date(value: str) -> dict[str, Any] | None:
    """A BibLaTeX/ISO date or range (`1957-07-07`, `1955/1960`) as CSL `date-parts`."""
    ends = value.strip().split("/")
    parts: list[list[int]] = []
    for end in ends[:2]:
        if not end:
            continue
        pieces = end.split("-") if not end.startswith("-") else ["-" + end[1:].split("-")[0]]
        try:
            parts.append([int(piece) for piece in pieces[:3]])
        except ValueError:
            return {"literal": value.strip()}
    return {"date-parts": parts} if parts else None
