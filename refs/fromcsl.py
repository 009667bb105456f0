"""Turn CSL-JSON items (Zotero's, Mendeley's, citeproc's export) into new BibLaTeX entries.

The reverse of `refs/csl.py`, for `import --format csljson`: CSL types become BibLaTeX
types, names become `Family, Given` lists, `issued` becomes `date` (or `year` when only
the year is known), and text is escaped for LaTeX so the entry typesets as it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from refs.entrytext import escape_text
from refs.errors import InvalidImportFile
from refs.model import NewEntry
from refs.validation import is_valid_date

ENTRY_TYPES: Mapping[str, str] = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "entry": "inreference",
    "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference",
    "report": "report",
    "thesis": "thesis",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "periodical": "periodical",
    "collection": "collection",
    "standard": "standard",
}
_CONTAINER_FIELD: Mapping[str, str] = {
    "article": "journaltitle",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "inreference": "booktitle",
    "online": "organization",
}
TEXT_FIELDS: Mapping[str, str] = {
    "title": "title",
    "publisher": "publisher",
    "publisher-place": "location",
    "volume": "volume",
    "issue": "number",
    "number": "number",
    "edition": "edition",
    "collection-title": "series",
    "abstract": "abstract",
    "note": "note",
    "genre": "type",
    "event-title": "eventtitle",
    "ISSN": "issn",
    "number-of-volumes": "volumes",
}
VERBATIM_FIELDS: Mapping[str, str] = {"DOI": "doi", "ISBN": "isbn", "URL": "url"}
NAME_FIELDS: Mapping[str, str] = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "container-author": "bookauthor",
}
DATE_FIELDS: Mapping[str, str] = {
    "issued": "date",
    "original-date": "origdate",
    "accessed": "urldate",
    "event-date": "eventdate",
}
# CSL-JSON rich text (citeproc-js's "HTML-like" formatting), tags without tags inside.
_MARKUP = [
    (re.compile(rf"<{tag}>([^<>]*)</{tag}>"), rf"\\{command}{{\1}}")
    for tag, command in (
        ("i", "emph"),
        ("b", "textbf"),
        ("sup", "textsuperscript"),
        ("sub", "textsubscript"),
    )
] + [
    (re.compile(r'<span class="nocase">([^<>]*)</span>'), r"{\1}"),
    (re.compile(r'<span style="font-variant: ?small-caps;?">([^<>]*)</span>'), r"\\textsc{\1}"),
]
_YEAR_IN_TEXT = re.compile(r"(?<!\d)\d{4}(?!\d)")
LANGUAGES: Mapping[str, str] = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "ru": "russian",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "pl": "polish",
    "nl": "dutch",
}


def entries_from_csljson(text: str) -> list[NewEntry]:
    """The entries for a CSL-JSON document: a list of items, or one item.

    `InvalidImportFile` (naming the line where it can) for text that is not CSL-JSON.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidImportFile(f"not CSL-JSON: {error.msg}", line=error.lineno) from error
    except RecursionError as error:
        raise InvalidImportFile("not CSL-JSON: nested too deeply to read") from error
    items = document if isinstance(document, list) else [document]
    entries = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InvalidImportFile(f"CSL-JSON item {number}: expected an object, got {item!r:.40}")
        entries.append(entry_from_csl(item))
    return entries


def entry_from_csl(item: Mapping[str, Any]) -> NewEntry:  # Any: open-ended CSL-JSON
    """One CSL-JSON item as a new entry (its `citation-key`, if any, as the citekey)."""
    csl_type = str(item.get("type", ""))
    entry_type = ENTRY_TYPES.get(csl_type, "misc")
    fields: dict[str, str] = {}
    for csl_name, bib_name in NAME_FIELDS.items():
        names = item.get(csl_name)
        if isinstance(names, list) and names:
            fields[bib_name] = " and ".join(_name(name) for name in names if isinstance(name, dict))
    for csl_name, bib_name in TEXT_FIELDS.items():
        if _text(item.get(csl_name)):
            fields.setdefault(bib_name, _rich_text(_text(item[csl_name])))
    container = _text(item.get("container-title"))
    if container:
        fields[_CONTAINER_FIELD.get(entry_type, "booktitle")] = _rich_text(container)
    if csl_type == "article-newspaper":
        fields["entrysubtype"] = "newspaper"
    if _text(item.get("page")):
        fields["pages"] = escape_text(
            _text(item["page"]).replace("-", "--").replace("\u2013", "--")
        )
    for csl_name, bib_name in VERBATIM_FIELDS.items():
        if _text(item.get(csl_name)):
            fields[bib_name] = _text(item[csl_name])
    for csl_name, bib_name in DATE_FIELDS.items():
        date = item.get(csl_name)
        if isinstance(date, dict):
            fields.update(_date_fields(date, bib_name))
    language = _text(item.get("language")).lower().split("-")[0]
    if language in LANGUAGES:
        fields["langid"] = LANGUAGES[language]
    citekey = _text(item.get("citation-key")) or None
    return NewEntry(entry_type=entry_type, citekey=citekey, fields=fields)


def _rich_text(text: str) -> str:
    """CSL's HTML-like markup (`<i>`, `<b>`, `<sup>`, `<span class="nocase">`…) as LaTeX."""
    escaped, previous = escape_text(text), ""
    while escaped != previous:  # tags nest: each round converts the innermost ones
        previous = escaped
        for pattern, replacement in _MARKUP:
            escaped = pattern.sub(replacement, escaped)
    return escaped


def _text(value: object) -> str:
    """A CSL value as text (numbers are allowed for `volume`, `issue`…)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _name(name: Mapping[str, Any]) -> str:  # Any: a CSL name object
    """A CSL name object as BibTeX writes it: `von Family, Jr, Given`, or `{Literal}`."""
    if _text(name.get("literal")):
        return "{" + escape_text(_text(name["literal"])) + "}"
    particle = " ".join(
        _text(name.get(part)) for part in ("dropping-particle", "non-dropping-particle")
    ).strip()
    family = _protect(_text(name.get("family")))
    last = f"{particle} {family}".strip()
    given, suffix = _protect(_text(name.get("given"))), _protect(_text(name.get("suffix")))
    parts = [last, suffix, given] if suffix else [last, given]
    return escape_text(", ".join(part for part in parts if part) if given or suffix else last)


def _protect(part: str) -> str:
    """Braces around a name part that BibTeX would otherwise split (`and`, commas)."""
    if " and " in f" {part.lower()} " or "," in part:
        return "{" + part + "}"
    return part


def _date_fields(date: Mapping[str, Any], name: str) -> dict[str, str]:  # Any: CSL date
    """`date` as BibLaTeX fields: `{name}` (ISO, ranges with `/`), or `year` if only a year."""
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and all(isinstance(part, list) for part in parts):
        iso = "/".join(_iso(part) for part in parts[:2] if part)
        if iso and is_valid_date(iso):
            if name == "date" and "-" not in iso.lstrip("-") and "/" not in iso:
                return {"year": iso}
            return {name: iso}
    raw = _text(date.get("raw")) or _text(date.get("literal"))
    if raw and is_valid_date(raw):
        return {name: raw}
    year = _YEAR_IN_TEXT.search(raw)
    if year is not None and name == "date":
        return {"year": year.group()}  # "Summer 1957" still sorts and cites by its year
    return {}


def _iso(part: list[Any]) -> str:  # Any: CSL date-parts hold ints or numeric strings
    numbers = [int(value) for value in part[:3] if _is_integer(value)]
    if not numbers:
        return ""
    year, *rest = numbers
    return "-".join([f"{year:04d}" if year >= 0 else f"-{-year:04d}", *(f"{n:02d}" for n in rest)])


def _is_integer(value: object) -> bool:
    """An int, or a string of ASCII digits (not `²`, which `isdigit` takes and `int` refuses)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()) is not None
