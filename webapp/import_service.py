"""`import`: add what another manager exported, reporting duplicates instead of adding them twice.

`IMPORTERS` is the registry of formats: a name mapped to a function that reads the
file's text into the library and returns an `ImportReport`. Each function's docstring
is its help text (its first line appears in `florilegium import --help`). A format that
brings passages rather than references (`w3c`, `hypothesis`) registers here the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.webanno import AnnotationImport, InvalidAnnotationDocument
from refs.bibfile import BOM, has_undecodable_bytes, read_input_text
from refs.citekeys import is_valid_citekey, make_citekey, unique_citekey
from refs.duplicates import DuplicateFinder
from refs.entrytext import format_entry
from refs.errors import InvalidBibtex, InvalidImportFile, RefsError
from refs.fromcsl import entries_from_csljson
from refs.fromris import entries_from_ris
from refs.latex import latex_to_text
from refs.model import NewEntry
from refs.names import parse_names
from webapp.services import Services

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    """An imported item that the library already has, under `citekey`."""

    title: str
    citekey: str
    reason: str


@dataclass(slots=True, kw_only=True)
class ImportReport:
    """What an import did: items added (by citekey or id), duplicates, items left out."""

    added: list[str] = field(default_factory=list)
    duplicates: list[ImportDuplicate] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


Importer = Callable[[Services, str, Path], ImportReport]


def import_bibtex(services: Services, text: str, path: Path) -> ImportReport:
    """BibTeX or BibLaTeX (.bib): entries keep their text, and their citekey unless taken."""
    parsed = services.refs.read_input(text, path)
    report = ImportReport(skipped=[str(problem) for problem in parsed.problems])
    uses_macros = bool(parsed.macros)
    with_problems = {problem.citekey for problem in parsed.problems if problem.citekey}
    entries = []
    for reference in parsed.references:
        if reference.citekey in with_problems:
            continue  # reported in `skipped`; the user fixes it and imports again
        if has_undecodable_bytes(reference.raw):
            report.skipped.append(
                f"{path}:{reference.line}: entry '{reference.citekey}' holds bytes that are "
                "not UTF-8; save the file as UTF-8 and import it again"
            )
            continue
        # Entries that use the file's @string macros are written out with the macros
        # expanded, since the macros themselves are not imported.
        raw = None if uses_macros else reference.raw.strip()
        entries.append(
            (
                NewEntry(
                    entry_type=reference.entry_type,
                    citekey=reference.citekey,
                    fields=reference.fields,
                ),
                raw,
                f"{path}:{reference.line}",
            )
        )
    return _add_entries(services, entries, report)


def import_csljson(services: Services, text: str, path: Path) -> ImportReport:
    """CSL-JSON (.json), as Zotero, Mendeley and citeproc export it."""
    return _add_entries(
        services, [(entry, None, str(path)) for entry in entries_from_csljson(text)]
    )


def import_ris(services: Services, text: str, path: Path) -> ImportReport:
    """RIS (.ris), as EndNote, Zotero and most databases export it."""
    return _add_entries(services, [(entry, None, str(path)) for entry in entries_from_ris(text)])


def import_w3c(services: Services, text: str, path: Path) -> ImportReport:
    """W3C Web Annotation JSON-LD: passages and notes, joined to references by URL/DOI/ISBN."""
    return _passages_report(services.passages.import_w3c(_json_document(text, path)))


def import_hypothesis(services: Services, text: str, path: Path) -> ImportReport:
    """Hypothes.is JSON export: annotations become passages of the reference at their URL."""
    return _passages_report(services.passages.import_hypothesis(_json_document(text, path)))


IMPORTERS: dict[str, Importer] = {
    "bibtex": import_bibtex,
    "csljson": import_csljson,
    "ris": import_ris,
    "w3c": import_w3c,
    "hypothesis": import_hypothesis,
}
FORMAT_BY_SUFFIX: dict[str, str] = {".bib": "bibtex", ".json": "csljson", ".ris": "ris"}


def _json_document(text: str, path: Path) -> Any:  # Any: JSON from another tool
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidAnnotationDocument(
            f"{path}:{error.lineno}: invalid JSON: {error.msg}"
        ) from error


def _passages_report(found: AnnotationImport) -> ImportReport:
    """Passages stored by an annotation import; annotations that matched no reference skipped."""
    return ImportReport(
        added=[passage.id for passage in found.passages],
        skipped=[str(item) for item in found.skipped],
    )


def read_import_file(path: Path, format_name: str) -> str:
    """The text of a file to import, a byte-order mark dropped.

    BibTeX is read as the library's own files are (bytes that are not UTF-8 are reported
    by line and their entries left out, the good entries still come in); the JSON and RIS
    formats must be UTF-8 throughout, or `InvalidImportFile` names the line.
    """
    if format_name == "bibtex":
        return read_input_text(path)
    data = path.read_bytes().removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidImportFile(
            f"{path}:{line}: not valid UTF-8 ({error.reason}); save the file as UTF-8 "
            "and import it again"
        ) from error


def format_help(importers: Mapping[str, Importer] = IMPORTERS) -> str:
    """One line per format: its name and the first line of its importer's docstring."""
    return "; ".join(
        f"{name}: {(importer.__doc__ or '').strip().splitlines()[0].rstrip('.')}"
        for name, importer in importers.items()
    )


def guess_format(path: Path) -> str | None:
    """The format a file's name suggests (`.ris` → `ris`), or None."""
    return FORMAT_BY_SUFFIX.get(path.suffix.lower())


def _add_entries(
    services: Services,
    entries: list[tuple[NewEntry, str | None, str]],
    report: ImportReport | None = None,
) -> ImportReport:
    """Append the entries that are new works in one write; report those that are not.

    Each entry comes with its own text `raw` (written as it is if its citekey stays) and
    `where` it is in the imported file. An entry that cannot be written (a field name
    BibTeX would not read back) is left out and reported there; the others still come in.
    """
    report = report or ImportReport()
    finder = DuplicateFinder()
    taken: set[str] = set()
    for reference in services.refs.references():
        finder.add(reference.citekey, reference.fields)
        taken.add(reference.citekey)
    texts = []
    for entry, raw, where in entries:
        title = latex_to_text(entry.fields.get("title", ""))
        match = finder.find(entry.fields)
        if match is not None:
            report.duplicates.append(ImportDuplicate(title, match.citekey, match.reason))
            continue
        citekey = _citekey_for(entry, taken)
        try:
            text = _entry_text(services, entry, citekey, raw)
        except RefsError as error:
            report.skipped.append(f"{where}: entry '{entry.citekey}': {error}")
            continue
        taken.add(citekey)
        finder.add(citekey, entry.fields)
        texts.append(text)
        report.added.append(citekey)
    if texts:
        services.refs.add("\n\n".join(texts))
    logger.info("imported %d entries, %d duplicates", len(report.added), len(report.duplicates))
    return report


def _entry_text(services: Services, entry: NewEntry, citekey: str, raw: str | None) -> str:
    """The text to append for `entry`: its own text if it keeps its citekey and reads back
    alone without a problem, else one written from its fields; `InvalidBibtex` if neither
    reads back (one damaged entry must not stop the import of the others)."""
    if (
        raw is not None
        and citekey == entry.citekey
        and not services.refs.read_input(raw, Path("<entry>")).problems
    ):
        return raw
    text = format_entry(entry.entry_type, citekey, entry.fields)
    problems = services.refs.read_input(text, Path("<entry>")).problems
    if problems:
        raise InvalidBibtex(f"does not read back as itself ({problems[0].message})")
    return text


def _citekey_for(entry: NewEntry, taken: set[str]) -> str:
    """The entry's own citekey if it is valid (suffixed if taken), else `authoryearword`."""
    if entry.citekey and is_valid_citekey(entry.citekey):
        return unique_citekey(entry.citekey, taken)
    names = parse_names(entry.fields.get("author") or entry.fields.get("editor") or "")
    person = names.people[0] if names.people else None
    family = (person.family or person.literal) if person else ""
    year = entry.fields.get("year") or entry.fields.get("date", "")[:4]
    return make_citekey(family, year, latex_to_text(entry.fields.get("title", "")), taken)
