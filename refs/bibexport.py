"""Write references as BibTeX or BibLaTeX for other reference managers.

An entry that already speaks the asked dialect is written as its exact text in the user's
file (byte-identical); otherwise only the fields that differ between the dialects are
renamed, in place, so the rest of the entry keeps the user's layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from refs.entrytext import edit_entry_text
from refs.model import Reference

# BibLaTeX field → classic BibTeX field, for the fields whose names differ.
_TO_BIBTEX_FIELDS: Mapping[str, str] = {
    "journaltitle": "journal",
    "location": "address",
}
# BibLaTeX-only entry types → the closest classic BibTeX type.
_TO_BIBTEX_TYPES: Mapping[str, str] = {
    "online": "misc",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "inreference": "incollection",
    "reference": "book",
    "report": "techreport",
    "thesis": "phdthesis",
    "periodical": "misc",
    "dataset": "misc",
    "software": "misc",
}
_TO_BIBLATEX_FIELDS: Mapping[str, str] = {value: key for key, value in _TO_BIBTEX_FIELDS.items()}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SIMPLE_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


def to_bibtex(reference: Reference) -> str:
    """The entry as classic BibTeX: its own text if it is BibTeX already."""
    changes: dict[str, str] = {}
    removals: list[str] = []
    for biblatex_name, bibtex_name in _TO_BIBTEX_FIELDS.items():
        if biblatex_name in reference.fields and bibtex_name not in reference.fields:
            changes[bibtex_name] = reference.fields[biblatex_name]
            removals.append(biblatex_name)
    date = _SIMPLE_DATE.fullmatch(reference.fields.get("date", "").strip())
    if date and "year" not in reference.fields:
        changes["year"] = date.group("year")
        if date.group("month"):
            changes["month"] = _MONTHS[int(date.group("month")) - 1]
        if date.group("day"):
            changes["day"] = str(int(date.group("day")))
        removals.append("date")
    entry_type = _TO_BIBTEX_TYPES.get(reference.entry_type)
    return _rewritten(reference, changes, removals, entry_type)


def to_biblatex(reference: Reference) -> str:
    """The entry as BibLaTeX: its own text if it uses no classic-only field names."""
    changes: dict[str, str] = {}
    removals: list[str] = []
    for bibtex_name, biblatex_name in _TO_BIBLATEX_FIELDS.items():
        if bibtex_name in reference.fields and biblatex_name not in reference.fields:
            changes[biblatex_name] = reference.fields[bibtex_name]
            removals.append(bibtex_name)
    return _rewritten(reference, changes, removals, None)


def _rewritten(
    reference: Reference, changes: Mapping[str, str], removals: list[str], entry_type: str | None
) -> str:
    text = reference.raw
    if changes or removals:
        text = edit_entry_text(text, changes, removals)
    if entry_type:
        text = re.sub(r"^(\s*@)[A-Za-z]+", rf"\g<1>{entry_type}", text, count=1)
    return text


def format_bib(references: Sequence[Reference], dialect: str) -> str:
    """Several entries as one .bib text, a blank line between entries."""
    convert = to_biblatex if dialect == "biblatex" else to_bibtex
    return "\n\n".join(convert(reference) for reference in references) + "\n"
