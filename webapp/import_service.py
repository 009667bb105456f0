"""`import`: add what another manager exported, leaving out the works the library has.

`IMPORTERS` is the registry of formats: a name mapped to a function that reads the
file's text into the library and returns an `ImportReport`, telling an optional
`Progress` (the CLI's bar, the web page's) how far it has got. Each function's docstring
is its help text (its first line appears in `florilegium import --help`). A format that
brings passages rather than references (`w3c`, `hypothesis`) registers here the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from annotations.progress import Progress, no_progress
from annotations.webanno import AnnotationImport, InvalidAnnotationDocument
from refs.bibfile import BOM, decode_input_bytes, has_undecodable_bytes
from refs.collector import collector_paused
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
        self,
        services: Services,
        text: str,
        path: Path,
        options: ImportOptions = ...,
        progress: Progress = ...,
    ) -> ImportReport: ...


def import_bibtex(
    services: Services,
    text: str,
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ImportReport:
    """BibTeX or BibLaTeX (.bib): entries keep their text, and their citekey unless taken."""
    progress("reading", 0, 1)
    parsed = services.refs.read_input(text, path)
    progress("reading", 1, 1)
    if not parsed.references and "\0" in text:
        raise InvalidImportFile(
            "holds a NUL byte and no BibTeX entry: a binary file, not BibTeX",
            path=path,
            line=text.count("\n", 0, text.index("\0")) + 1,
        )
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
    return add_entries(services.refs, incoming, options, report, progress)


def import_csljson(
    services: Services,
    text: str,
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ImportReport:
    """CSL-JSON (.json), as Zotero, Mendeley and citeproc export it."""
    with _in_file(path):
        entries = entries_from_csljson(text)
    incoming = [IncomingEntry(entry, None, str(path)) for entry in entries]
    return add_entries(services.refs, incoming, options, progress=progress)


def import_ris(
    services: Services,
    text: str,
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ImportReport:
    """RIS (.ris), as EndNote, Zotero and most databases export it."""
    with _in_file(path):
        entries = entries_from_ris(text)
    incoming = [IncomingEntry(entry, None, str(path)) for entry in entries]
    return add_entries(services.refs, incoming, options, progress=progress)


def import_w3c(
    services: Services,
    text: str,
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ImportReport:
    """W3C Web Annotation JSON-LD: passages and notes, joined to references by URL/DOI/ISBN."""
    _refuse_dry_run(options, "w3c")
    with collector_paused():  # documents, passages, index postings: no cycles among them
        document = _json_document(text, path)
        with _in_file(path):
            return _passages_report(services.passages.import_w3c(document, progress))


def import_hypothesis(
    services: Services,
    text: str,
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ImportReport:
    """Hypothes.is JSON export: annotations become passages of the reference at their URL."""
    _refuse_dry_run(options, "hypothesis")
    with collector_paused():
        document = _json_document(text, path)
        with _in_file(path):
            return _passages_report(services.passages.import_hypothesis(document, progress))


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
        raise InvalidImportFile(
            f"invalid JSON: {error.msg}", path=path, line=error.lineno
        ) from error
    except RecursionError as error:
        raise InvalidImportFile("JSON nested too deeply to read", path=path) from error


@contextmanager
def _in_file(path: Path) -> Iterator[None]:
    """Problems of a file's content, which its reader raises without knowing the file,
    named with the file."""
    try:
        yield
    except InvalidImportFile as error:
        if error.path is not None:
            raise
        raise error.at(path) from error
    except InvalidAnnotationDocument as error:
        raise InvalidImportFile(str(error), path=path) from error


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
    formats must be UTF-8 throughout. A file that cannot be read, or holds a NUL byte
    (a binary file, not text) in a format other than BibTeX, is `InvalidImportFile` naming
    it (and the line).
    """
    try:
        data = path.read_bytes()
    except IsADirectoryError as error:
        raise InvalidImportFile("a folder, not a file", path=path) from error
    except FileNotFoundError as error:
        raise InvalidImportFile("no such file", path=path) from error
    except OSError as error:
        raise InvalidImportFile(f"cannot read it ({error.strerror})", path=path) from error
    return decode_import_bytes(data, path, format_name)


def decode_import_bytes(data: bytes, path: Path, format_name: str) -> str:
    """The text of a file's bytes (an upload's, or `read_import_file`'s), by the rules
    `read_import_file` gives; `path` names the file in messages."""
    if format_name == "bibtex":
        return decode_input_bytes(data)  # damaged entries are reported, the rest comes in
    nul = data.find(b"\0")
    if nul != -1:
        raise InvalidImportFile(
            "holds a NUL byte: a binary file, not text", path=path, line=_line_at(data, nul)
        )
    try:
        return data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidImportFile(
            f"not valid UTF-8 ({error.reason}); save the file as UTF-8 and import it again",
            path=path,
            line=_line_at(data, error.start),
        ) from error


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def format_help(importers: Mapping[str, Importer] = IMPORTERS) -> str:
    """One line per format: its name and the first line of its importer's docstring."""
    return "; ".join(
        f"{name}: {(importer.__doc__ or '').strip().splitlines()[0].rstrip('.')}"
        for name, importer in importers.items()
    )


def guess_format(path: Path) -> str | None:
    """The format a file's name suggests (`.ris` → `ris`), or None."""
    return FORMAT_BY_SUFFIX.get(path.suffix.lower())
