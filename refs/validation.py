"""What `check` finds wrong in references that parsed: missing fields, bad dates, crossrefs."""

from __future__ import annotations

import re
from collections.abc import Mapping

from refs.errors import EntryError
from refs.model import Reference
from refs.store import ReferenceStore

# Required fields per entry type (BibLaTeX's manual, with BibTeX's `journal`/`year` spellings
# accepted where BibLaTeX says `journaltitle`/`date`); a tuple means any one of them.
REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journaltitle", "journal"), ("date", "year")),
    "book": (("author", "editor"), ("title",), ("date", "year")),
    "mvbook": (("author", "editor"), ("title",), ("date", "year")),
    "inbook": (("author",), ("title",), ("booktitle", "crossref"), ("date", "year")),
    "incollection": (("author",), ("title",), ("booktitle", "crossref"), ("date", "year")),
    "inproceedings": (("author",), ("title",), ("booktitle", "crossref"), ("date", "year")),
    "collection": (("editor",), ("title",), ("date", "year")),
    "proceedings": (("title",), ("date", "year")),
    "inreference": (("title",), ("booktitle", "crossref"), ("date", "year")),
    "online": (("title",), ("url", "doi", "eprint"), ("date", "year", "urldate")),
    "thesis": (("author",), ("title",), ("type",), ("institution", "school"), ("date", "year")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("date", "year")),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("date", "year")),
    "report": (("author", "editor"), ("title",), ("institution",), ("date", "year")),
    "techreport": (("author",), ("title",), ("institution",), ("date", "year")),
    "misc": (("title",),),
}

_YEAR = re.compile(r"^-?\d{1,4}$")
_DATE_PART = r"-?\d{1,4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
_DATE = re.compile(rf"^(?:{_DATE_PART})?(?:/(?:{_DATE_PART})?)?$")


def validate_references(store: ReferenceStore) -> list[EntryError]:
    """Problems of the references that loaded, in file and line order."""
    problems: list[EntryError] = []
    for reference in store.references():
        problems.extend(_missing_fields(reference, store))
        problems.extend(_bad_dates(reference))
        crossref = reference.fields.get("crossref")
        if crossref is not None and crossref not in store:
            problems.append(_problem(reference, f"crossref to unknown citekey '{crossref}'"))
    return sorted(problems, key=lambda problem: (str(problem.path), problem.line))


def _missing_fields(reference: Reference, store: ReferenceStore) -> list[EntryError]:
    inherited: Mapping[str, str] = {}
    parent_key = reference.fields.get("crossref")
    if parent_key is not None and parent_key in store:
        inherited = store.get(parent_key).fields
    problems = []
    for alternatives in _required_fields(reference):
        present = any(
            name in reference.fields or name in inherited or _inherits(name, inherited)
            for name in alternatives
        )
        if not present:
            wanted = " or ".join(alternatives)
            problems.append(
                _problem(
                    reference,
                    f"@{reference.entry_type} '{reference.citekey}' is missing {wanted}",
                    field=alternatives[0],
                )
            )
    return problems


def _required_fields(reference: Reference) -> tuple[tuple[str, ...], ...]:
    """Required fields of the entry's type; unsigned newspaper reports need no author."""
    required = REQUIRED_FIELDS.get(reference.entry_type, ())
    if reference.fields.get("entrysubtype", "").lower() in ("newspaper", "magazine"):
        return tuple(names for names in required if names != ("author",))
    return required


def _inherits(name: str, parent: Mapping[str, str]) -> bool:
    """BibLaTeX hands a parent's `title` down as the child's `booktitle`."""
    return name == "booktitle" and "title" in parent


def _bad_dates(reference: Reference) -> list[EntryError]:
    problems = []
    for name in ("date", "origdate", "urldate", "eventdate"):
        value = reference.fields.get(name)
        if value is not None and not _DATE.match(value.strip()):
            problems.append(
                _problem(reference, f"expected a date like 1957-07-07, got '{value}'", field=name)
            )
    year = reference.fields.get("year")
    if year is not None and not _YEAR.match(year.strip()):
        problems.append(_problem(reference, f"expected a year like 1957, got '{year}'", "year"))
    return problems


def _problem(reference: Reference, message: str, field: str = "") -> EntryError:
    return EntryError(message, path=reference.path, line=reference.line, field=field)
