"""What `check` finds wrong in references that parsed: missing fields, bad dates, crossrefs."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping

from refs.crossref import resolved_fields
from refs.cslvocab import VERBATIM_FIELDS
from refs.errors import EntryError
from refs.latex import latex_to_text, unknown_commands
from refs.model import Reference
from refs.repository import ReferenceRepository

# Required fields per entry type, from the BibLaTeX manual (§2.1.1, biblatex 3.18); a tuple
# means any one of them. BibTeX's spellings count too (`journal` for `journaltitle`,
# `school` for `institution`, `year` for `date`, an `editor` instead of the author of a
# `@book` or `@inbook`), and BibTeX's own types that BibLaTeX maps (`phdthesis`,
# `techreport`…) get the required fields of what they map to, less `type`, which they imply.
_DATE_FIELDS = ("date", "year")
_NAMES = ("author", "editor")
_JOURNAL = ("journaltitle", "journal")
_INSTITUTION = ("institution", "school")
_BOOK_PART = (_NAMES, ("title",), ("booktitle",), _DATE_FIELDS)
_COLLECTION = (("editor",), ("title",), _DATE_FIELDS)
_COLLECTION_PART = (("author",), ("title",), ("editor",), ("booktitle",), _DATE_FIELDS)
_BY_ANYONE = (_NAMES, ("title",), _DATE_FIELDS)
REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), _JOURNAL, _DATE_FIELDS),
    "suppperiodical": (("author",), ("title",), _JOURNAL, _DATE_FIELDS),
    "book": (_NAMES, ("title",), _DATE_FIELDS),
    "mvbook": (_NAMES, ("title",), _DATE_FIELDS),
    "inbook": _BOOK_PART,
    "bookinbook": _BOOK_PART,
    "suppbook": _BOOK_PART,
    "booklet": _BY_ANYONE,
    "collection": _COLLECTION,
    "mvcollection": _COLLECTION,
    "reference": _COLLECTION,
    "mvreference": _COLLECTION,
    "incollection": _COLLECTION_PART,
    "suppcollection": _COLLECTION_PART,
    "inreference": _COLLECTION_PART,
    "dataset": _BY_ANYONE,
    "manual": _BY_ANYONE,
    "misc": _BY_ANYONE,
    "software": _BY_ANYONE,
    "online": (*_BY_ANYONE, ("doi", "eprint", "url")),
    "patent": (("author",), ("title",), ("number",), _DATE_FIELDS),
    "periodical": (("editor",), ("title",), _DATE_FIELDS),
    "proceedings": (("title",), _DATE_FIELDS),
    "mvproceedings": (("title",), _DATE_FIELDS),
    "inproceedings": (("author",), ("title",), ("booktitle",), _DATE_FIELDS),
    "report": (("author",), ("title",), ("type",), _INSTITUTION, _DATE_FIELDS),
    "thesis": (("author",), ("title",), ("type",), _INSTITUTION, _DATE_FIELDS),
    "unpublished": (("author",), ("title",), _DATE_FIELDS),
    "phdthesis": (("author",), ("title",), _INSTITUTION, _DATE_FIELDS),
    "mastersthesis": (("author",), ("title",), _INSTITUTION, _DATE_FIELDS),
    "techreport": (("author",), ("title",), _INSTITUTION, _DATE_FIELDS),
    "conference": (("author",), ("title",), ("booktitle",), _DATE_FIELDS),
}
# Fields the manual's type list calls omissible ("in terms of §2.3.2": a work published
# anonymously poses no problem) for some types; a requirement made only of these is dropped.
_OMISSIBLE: Mapping[str, frozenset[str]] = {
    "manual": frozenset(_NAMES),
    "misc": frozenset((*_NAMES, *_DATE_FIELDS)),
    "online": frozenset((*_NAMES, *_DATE_FIELDS)),
    "periodical": frozenset(("editor",)),
}
# Unsigned newspaper and magazine pieces are the norm, not an omission.
_UNSIGNED_SUBTYPES = frozenset(("newspaper", "magazine"))

# A year as BibTeX users write it; sorting tricks before it (`{\noopsort{1973b}}1973`) pass.
_YEAR = re.compile(r"(?:^|[{}])-?[0-9]{1,4}\}*$")
# An EDTF date as BibLaTeX reads it (§2.3.8): year, month (21-24 are seasons), day, an
# optional time, an optional `?`/`~`/`%` qualifier; a range joins two with `/`, and `..`
# or nothing marks an open end.
_DATE_PART = re.compile(
    r"(?P<year>-?\d{1,4}|\d{1,3}X{1,2})(?:-(?P<month>0[1-9]|1[0-2]|2[1-4]|XX)"
    r"(?:-(?P<day>0[1-9]|[12]\d|3[01]|XX))?)?"
    r"(?:T\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?[?~%]?"
)


def is_valid_date(value: str) -> bool:
    """True for a BibLaTeX date or date range (`1957-07-07`, `1957-06/1957-07`, `1957/..`)."""
    parts = value.strip().split("/")
    if len(parts) > 2:
        return False
    return all(_is_date_part(part, open_allowed=len(parts) == 2) for part in parts)


def _is_date_part(part: str, *, open_allowed: bool) -> bool:
    if part in ("", ".."):
        return open_allowed
    match = _DATE_PART.fullmatch(part)
    if match is None:
        return False
    year, month, day = match.group("year", "month", "day")
    if day is None or "X" in year + month + day or int(year) < 1:
        return True  # nothing to check, or before the year 1, which `datetime` cannot hold
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def validate_references(store: ReferenceRepository) -> list[EntryError]:
    """Problems of the references that loaded, in file and line order."""
    problems: list[EntryError] = []
    for reference in store.references():
        problems.extend(validate_entry(reference, store.find))
    return sorted(problems, key=lambda problem: (str(problem.path), problem.line))


def validate_entry(
    reference: Reference, find: Callable[[str], Reference | None]
) -> list[EntryError]:
    """Problems of one entry, each naming its field; `find` looks up the entries it
    inherits from. Also for an entry not stored yet (a form's proposed edit)."""
    # What the entry inherits, by the rules conversion uses (xdata, crossref chains;
    # BibTeX matches a crossref to its parent's citekey ignoring case, as `find` does).
    fields: Mapping[str, str] = resolved_fields(reference, find)
    problems = []
    parent_key = reference.fields.get("crossref")
    if parent_key is not None and find(parent_key.strip()) is None:
        message = f"crossref to unknown citekey '{parent_key}'"
        problems.append(_problem(reference, message, "crossref"))
    problems.extend(_missing_fields(reference, fields))
    problems.extend(_bad_dates(reference))
    return problems


def _missing_fields(reference: Reference, fields: Mapping[str, str]) -> list[EntryError]:
    """The required fields that neither the entry nor its crossref parent gives."""
    problems = []
    for alternatives in REQUIRED_FIELDS.get(reference.entry_type, ()):
        if any(fields.get(name, "").strip() for name in alternatives):
            continue
        if _is_omissible(reference, fields, alternatives):
            continue
        wanted = " or ".join(alternatives)
        message = f"@{reference.entry_type} '{reference.citekey}' is missing {wanted}"
        problems.append(_problem(reference, message, field=alternatives[0]))
    return problems


def _is_omissible(
    reference: Reference, fields: Mapping[str, str], alternatives: tuple[str, ...]
) -> bool:
    """True when the manual lets this entry go without all of `alternatives`."""
    if _OMISSIBLE.get(reference.entry_type, frozenset()).issuperset(alternatives):
        return True
    subtype = fields.get("entrysubtype", "").strip().lower()
    return alternatives == ("author",) and subtype in _UNSIGNED_SUBTYPES


def _bad_dates(reference: Reference) -> list[EntryError]:
    problems = []
    for name in ("date", "origdate", "urldate", "eventdate"):
        value = reference.fields.get(name)
        if value is not None and not is_valid_date(value):
            problems.append(
                _problem(reference, f"expected a date like 1957-07-07, got '{value}'", field=name)
            )
    year = reference.fields.get("year")
    if year is not None and not _YEAR.search(year.strip()):
        problems.append(_problem(reference, f"expected a year like 1957, got '{year}'", "year"))
    return problems


def latex_warnings(store: ReferenceRepository) -> list[EntryError]:
    """The LaTeX commands this library's fields use that Florilegium does not know: each
    is shown by its argument or its name (readable, never empty), and named here so the
    user can check what is printed. Warnings, not problems: nothing is wrong with the file."""
    warnings: list[EntryError] = []
    for reference in store.references():
        for name, value in reference.fields.items():
            if name in VERBATIM_FIELDS or "\\" not in value:
                continue
            for command in sorted(unknown_commands(value)):
                shown = latex_to_text(value)
                message = (
                    f"unknown LaTeX command \\{command} in '{reference.citekey}', shown as "
                    f"{shown[:60]!r}"
                )
                warnings.append(_problem(reference, message, field=name))
    return sorted(warnings, key=lambda warning: (str(warning.path), warning.line))


def _problem(reference: Reference, message: str, field: str = "") -> EntryError:
    return EntryError(
        message, path=reference.path, line=reference.line, field=field, citekey=reference.citekey
    )
