"""`import`: add what another manager exported, leaving out the works the library has.

`IMPORTERS` is the registry of formats: a name mapped to a function that reads the
file's text into the library and returns an `ImportReport`. Each function's docstring
is its help text (its first line appears in `florilegium import --help`). A format that
brings passages rather than references (`w3c`, `hypothesis`) registers here the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from annotations.webanno import AnnotationImport, InvalidAnnotationDocument
from refs.bibfile import BOM, has_undecodable_bytes, read_input_text
from refs.errors import InvalidImportFile
from refs.fromcsl import entries_from_csljson
from refs.fromris import entries_from_ris
from refs.model import NewEntry
from webapp.reference_import import (
    DEFAULT_OPTIONS,
    ImportOptions,
    ImportReport,
    IncomingEntry,
    Renamed,
    add_entries,
)
from webapp.services import Services

_ID_TAKEN = "its id is already used by another passage or note"


class Importer(Protocol):
    """Reads one file's text (from `path`) into the library; its docstring is its help."""

    def __call__(
        self, services: Services, text: str, path: Path, options: ImportOptions = ...
    ) -> ImportReport: ...


def import_bibtex(
    services: Services, text: str, path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """BibTeX or BibLaTeX (.bib): entries keep their text, and their citekey unless taken."""
    parsed = services.refs.read_input(text, path)
    report = ImportReport(skipped=[str(problem) for problem in parsed.problems])
    uses_macros = bool(parsed.macros)
    with_problems = {problem.citekey for problem in parsed.problems if problem.citekey}
    incoming = []
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
        entry = NewEntry(
            entry_type=reference.entry_type, citekey=reference.citekey, fields=reference.fields
        )
        incoming.append(IncomingEntry(entry, raw, f"{path}:{reference.line}"))
    return add_entries(services.refs, incoming, options, report)


def import_csljson(
    services: Services, text: str, path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """CSL-JSON (.json), as Zotero, Mendeley and citeproc export it."""
    incoming = [IncomingEntry(entry, None, str(path)) for entry in entries_from_csljson(text)]
    return add_entries(services.refs, incoming, options)


def import_ris(
    services: Services, text: str, path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """RIS (.ris), as EndNote, Zotero and most databases export it."""
    incoming = [IncomingEntry(entry, None, str(path)) for entry in entries_from_ris(text)]
    return add_entries(services.refs, incoming, options)


def import_w3c(
    services: Services, text: str, path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """W3C Web Annotation JSON-LD: passages and notes, joined to references by URL/DOI/ISBN."""
    _refuse_dry_run(options, "w3c")
    return _passages_report(services.passages.import_w3c(_json_document(text, path)))


def import_hypothesis(
    services: Services, text: str, path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """Hypothes.is JSON export: annotations become passages of the reference at their URL."""
    _refuse_dry_run(options, "hypothesis")
    return _passages_report(services.passages.import_hypothesis(_json_document(text, path)))


IMPORTERS: dict[str, Importer] = {
    "bibtex": import_bibtex,
    "csljson": import_csljson,
    "ris": import_ris,
    "w3c": import_w3c,
    "hypothesis": import_hypothesis,
}
FORMAT_BY_SUFFIX: dict[str, str] = {".bib": "bibtex", ".json": "csljson", ".ris": "ris"}
# The formats that bring references: the ones `ImportOptions` applies to.
REFERENCE_FORMATS = frozenset({"bibtex", "csljson", "ris"})


def _refuse_dry_run(options: ImportOptions, format_name: str) -> None:
    """Passage imports write as they go, so they cannot be rehearsed; callers check
    `REFERENCE_FORMATS` first, and this guards any that do not."""
    if options.dry_run:
        raise ValueError(
            f"a dry run is possible for {sorted(REFERENCE_FORMATS)}, not {format_name}"
        )


def _json_document(text: str, path: Path) -> Any:  # Any: JSON from another tool
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidAnnotationDocument(
            f"{path}:{error.lineno}: invalid JSON: {error.msg}"
        ) from error


def _passages_report(found: AnnotationImport) -> ImportReport:
    """Passages stored by an annotation import (some under fresh ids), those the library
    held already; annotations that matched no reference skipped."""
    return ImportReport(
        added=[passage.id for passage in found.passages],
        renamed=[Renamed(item.kind, item.old, item.new, _ID_TAKEN) for item in found.renamed],
        present=[passage.id for passage in found.present],
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
