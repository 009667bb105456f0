"""Turn RIS records (EndNote's, Zotero's, databases' export, read by rispy) into new entries.

RIS has no citekeys; the importer makes them. Dates come as `YYYY/MM/DD/other`, pages as
start and end, and `SN` holds an ISBN or an ISSN, told apart by their length. rispy drops a
record that never ends and keeps one of two that overlap, so the records' `TY`/`ER` lines
are checked first: nothing is lost without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import rispy

from refs.entrytext import escape_text
from refs.errors import InvalidImportFile
from refs.model import NewEntry
from refs.validation import is_valid_date

ENTRY_TYPES: Mapping[str, str] = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "collection",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "thesis",
    "RPRT": "report",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "UNPB": "unpublished",
    "DATA": "dataset",
    "COMP": "software",
    "PAT": "patent",
    "ENCYC": "inreference",
    "DICT": "inreference",
}
_CONTAINER_FIELD: Mapping[str, str] = {"article": "journaltitle", "online": "organization"}
TEXT_FIELDS: Mapping[str, str] = {
    "volume": "volume",
    "number": "number",
    "publisher": "publisher",
    "place_published": "location",
    "edition": "edition",
    "tertiary_title": "series",
    "abstract": "abstract",
    "type_of_work": "type",
}
NAME_FIELDS: Mapping[str, tuple[str, ...]] = {
    "author": ("authors", "first_authors"),
    "editor": ("secondary_authors",),
    "translator": ("translated_author",),
}
LANGUAGES = frozenset(
    ("english", "german", "french", "russian", "spanish", "italian", "portuguese", "polish")
)
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_BOUNDARY = re.compile(r"(TY|ER) +-")


def entries_from_ris(text: str) -> list[NewEntry]:
    """The entries for every record in a RIS document; `InvalidImportFile` naming the line
    for text that is not RIS, or a record that never ends or starts inside another."""
    _check_boundaries(text)
    try:
        records = rispy.loads(text)
    except (OSError, ValueError, IndexError, KeyError) as error:
        raise InvalidImportFile(f"not RIS: {error}") from error
    return [entry_from_ris(record) for record in records]


def _check_boundaries(text: str) -> None:
    """Each record opens with `TY  - ` and closes with `ER  - ` before the next opens."""
    opened = 0  # the line of the record open now
    records = 0
    for number, line in enumerate(text.splitlines(), start=1):
        found = _BOUNDARY.match(line.lstrip("\ufeff"))
        if found is None:
            continue
        if found.group(1) == "TY":
            if opened:
                raise InvalidImportFile(
                    f"a record starts before the one at line {opened} ends (no `ER  - ` line)",
                    line=number,
                )
            opened = number
        elif opened:
            opened, records = 0, records + 1
    if opened:
        raise InvalidImportFile("this record never ends (no `ER  - ` line)", line=opened)
    if not records and text.strip():
        raise InvalidImportFile("not RIS: no record (`TY  - ` ... `ER  - `) found", line=1)


def entry_from_ris(record: Mapping[str, Any]) -> NewEntry:  # Any: rispy's open-ended record
    """One RIS record (as rispy reads it) as a new entry without a citekey."""
    ris_type = str(record.get("type_of_reference", "GEN")).upper()
    entry_type = ENTRY_TYPES.get(ris_type, "misc")
    fields: dict[str, str] = {}
    for bib_name, ris_names in NAME_FIELDS.items():
        names = [name for ris_name in ris_names for name in _list(record.get(ris_name))]
        if names:
            fields[bib_name] = " and ".join(_name(name) for name in names)
    title = _first(record, "title", "primary_title")
    if title:
        fields["title"] = escape_text(title)
    container = _first(record, "secondary_title", "journal_name", "alternate_title3")
    if container:
        fields[_CONTAINER_FIELD.get(entry_type, "booktitle")] = escape_text(container)
    if ris_type == "NEWS":
        fields["entrysubtype"] = "newspaper"
    for ris_name, bib_name in TEXT_FIELDS.items():
        value = _first(record, ris_name)
        if value:
            fields[bib_name] = escape_text(value)
    pages = "--".join(page for page in (_first(record, "start_page"), _first(record, "end_page")))
    if pages.strip("-"):
        fields["pages"] = escape_text(pages.strip("-"))
    fields.update(_date(_first(record, "date", "year", "publication_year"), "date"))
    fields.update(_date(_first(record, "access_date"), "urldate"))
    serial = _first(record, "issn")
    if serial:
        fields["issn" if _ISSN.match(serial) else "isbn"] = serial
    if _first(record, "doi"):
        fields["doi"] = _first(record, "doi").removeprefix("https://doi.org/")
    urls = _list(record.get("urls"))
    if urls:
        fields["url"] = urls[0]
    notes = _list(record.get("notes"))
    if notes:
        fields["note"] = escape_text("; ".join(notes))
    keywords = _list(record.get("keywords"))
    if keywords:
        fields["keywords"] = escape_text(", ".join(keywords))
    language = _first(record, "language").lower()
    if language in LANGUAGES:
        fields["langid"] = language
    return NewEntry(entry_type=entry_type, citekey=None, fields=fields)


def _first(record: Mapping[str, Any], *names: str) -> str:  # Any: rispy's record
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _name(name: str) -> str:
    """RIS `Last, First, Suffix` as BibTeX `Last, Suffix, First`; one part stays literal."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 1:
        return "{" + escape_text(parts[0]) + "}"
    last, first, *rest = parts
    ordered = [last, rest[0], first] if rest and rest[0] else [last, first]
    return escape_text(", ".join(part for part in ordered if part))


def _date(value: str, name: str) -> dict[str, str]:
    """RIS `1957/07/07/` (or `1957`, `1957-07-07`) as a BibLaTeX date; only a year as `year`."""
    pieces = [piece for piece in re.split(r"[/-]", value)[:3] if piece.strip()]
    if not pieces or not pieces[0].strip().isdigit():
        return {}
    iso = "-".join([pieces[0].strip().zfill(4), *(p.strip().zfill(2) for p in pieces[1:])])
    if not is_valid_date(iso):
        iso = iso[:4]
    if name == "date" and len(iso) == 4:
        return {"year": iso}
    return {name: iso}
