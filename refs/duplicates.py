"""Recognise a work the library already has: same DOI, same ISBN, or same title, year and author.

Imports ask this before adding an entry, so that importing the same export twice, or the
same book from two managers, reports the duplicate instead of adding it again. Titles
and names are compared after decoding LaTeX, folding to lower-case ASCII and dropping
punctuation, so `Mi{\\'c}unovi{\\'c}` and `Mićunović` match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from unidecode import unidecode

from refs.latex import latex_to_text
from refs.names import parse_names

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Match:
    """The citekey of the work already in the library and why it is the same one."""

    citekey: str
    reason: str


class DuplicateFinder:
    """An index of known works by DOI, ISBN and (title, year, first author)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}

    def add(self, citekey: str, fields: Mapping[str, str]) -> None:
        """Remember the work `citekey` with these BibTeX `fields`."""
        for key in work_keys(fields):
            self._by_key.setdefault(key, citekey)

    def find(self, fields: Mapping[str, str]) -> Match | None:
        """The known work that `fields` describe too, if any."""
        for kind, value in work_keys(fields):
            citekey = self._by_key.get((kind, value))
            if citekey is not None:
                shown = ", ".join(part for part in value.split("|") if part)
                return Match(citekey, f"same {kind} ({shown})")
        return None


def work_keys(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """What identifies a work: ("DOI", …), ("ISBN", …), ("title", "title|year|family")."""
    keys: list[tuple[str, str]] = []
    doi = normalise_doi(fields.get("doi", ""))
    if doi:
        keys.append(("DOI", doi))
    keys += [("ISBN", isbn) for isbn in normalise_isbns(fields.get("isbn", ""))]
    title = _fold(latex_to_text(fields.get("title", "")))
    year = _year(fields)
    family = _first_family(fields)
    if title and year:
        # An anonymous work matches only another anonymous one with the same title and year.
        keys.append(("title", f"{title}|{year}|{family}"))
    return keys


def normalise_doi(doi: str) -> str:
    """`https://doi.org/10.1000/ABC` → `10.1000/abc` (DOIs ignore case)."""
    return _DOI_PREFIX.sub("", doi.strip()).lower()


def normalise_isbns(isbn: str) -> list[str]:
    """Each ISBN in the field as 13 digits (ISBN-10s converted), so both forms match."""
    found = []
    for candidate in re.split(r"[;,\s]+(?=\d)", isbn):
        digits = re.sub(r"[^0-9Xx]", "", candidate).upper()
        if len(digits) == 10:
            digits = _isbn13("978" + digits[:9])
        if len(digits) == 13 and digits.isdigit():
            found.append(digits)
    return found


def _isbn13(first_twelve: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub(" ", unidecode(text).lower()).strip()


def _year(fields: Mapping[str, str]) -> str:
    match = re.search(r"-?[0-9]{4}", fields.get("year", "") or fields.get("date", ""))
    return match.group() if match else ""


def _first_family(fields: Mapping[str, str]) -> str:
    names = parse_names(fields.get("author") or fields.get("editor") or "")
    if not names.people:
        return ""
    person = names.people[0]
    return _fold(person.family or person.literal)
