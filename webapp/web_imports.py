"""The browser's imports: pasted entries and uploaded files, read by the CLI's import service.

Both go through `import_service.IMPORTERS` and `reference_import.add_entries`, as
`florilegium import` does. What the browser adds is the second step: an entry held back
because it is (or resembles) a work the library has is shown beside that work with the
BibTeX that adds it anyway (imported again with `ImportOptions.add_duplicates`). No
Flask here: the views and their JSON twins call these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from annotations.progress import Progress, no_progress
from refs.errors import DuplicateCitekey, InvalidCitekey, InvalidImportFile, RefsError
from refs.latex import latex_to_text
from refs.model import Reference
from webapp.import_formats import detect_format
from webapp.import_service import IMPORTERS, REFERENCE_FORMATS, decode_import_bytes
from webapp.presenters import import_report_json
from webapp.reference_import import (
    ImportDuplicate,
    ImportOptions,
    ImportReport,
    PossibleDuplicate,
    held_entry_text,
)
from webapp.services import Services

logger = logging.getLogger(__name__)

# What pasted text is called in messages ("pasted text:3: ...").
PASTED = Path("pasted text")
PASTE_FORMATS = ("bibtex", "ris", "csljson")
# What an import does with an entry that resembles a known work: `skip` holds it back
# (listed, to be added anyway in a second step), `report` adds it and lists it, `add`
# adds even the exact duplicates. Exact duplicates are held back unless `add`.
DUPLICATE_CHOICES = ("skip", "report", "add")
# The part of an entry shown beside the work it resembles, in this order, then the rest.
_SHOWN_FIRST = (
    *("author", "editor", "title", "year", "date", "journal", "journaltitle", "booktitle"),
    *("publisher", "volume", "number", "pages", "doi", "isbn", "url"),
)


class FormatNotDetected(RefsError, ValueError):
    """A text whose format could not be told; the user chooses one."""

    def __init__(self, source: str) -> None:
        super().__init__(
            f"{source}: cannot tell whether this is BibTeX, RIS or JSON; choose the format"
        )
        self.field = "format"


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldEntry:
    """An entry an import left out because it is (`is_exact`) or resembles the work
    `resembles`: shown beside it (`known` and its `known_fields`; None if that is not
    stored), with `bibtex`, the text that adds it anyway ("" when it cannot be written)."""

    title: str
    where: str
    reason: str
    is_exact: bool
    entry_type: str
    fields: list[tuple[str, str]]
    bibtex: str
    resembles: str
    known: Reference | None
    known_fields: list[tuple[str, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class WebImport:
    """What one import from the browser did: its format, the service's report, and the
    entries it held back, in the report's order (exact duplicates, then possible ones)."""

    format: str
    report: ImportReport
    held: list[HeldEntry]


def paste_references(
    services: Services, text: str, format_name: str | None, *, duplicates: str = "skip"
) -> WebImport:
    """Add the entries of a pasted text (`format_name` None: detected) as `refs add` would
    be strict about them: a problem in any entry, or a BibTeX citekey that is taken, adds
    nothing (`RefsError` saying where); duplicates are held back or added by `duplicates`.

    The import is rehearsed (a dry run) first, so that a refusal writes nothing.
    """
    name = format_name or detect_format(text)
    if name is None:
        raise FormatNotDetected(str(PASTED))
    if name not in PASTE_FORMATS:
        raise InvalidImportFile(f"cannot add references from {name}; paste {PASTE_FORMATS}")
    importer, options = IMPORTERS[name], _options(duplicates)
    rehearsal = importer(services, text, PASTED, replace(options, dry_run=True))
    _refuse_a_faulty_paste(services, name, rehearsal)
    report = importer(services, text, PASTED, options)
    return WebImport(format=name, report=report, held=held_entries(services, report))


def import_upload(
    services: Services,
    data: bytes,
    filename: str,
    format_name: str | None,
    *,
    duplicates: str = "skip",
    progress: Progress = no_progress,
) -> WebImport:
    """Import an uploaded file as `florilegium import` imports one: the good entries (or
    passages) come in, the rest are reported with their line; `duplicates` as above;
    `progress` is told how far the import has got.

    `filename` (its last part only) names the file in messages and suggests its format.
    """
    path = Path(PurePath(filename.replace("\\", "/")).name or "upload")
    name = format_name or detect_format(data[:65_536].decode("utf-8", "replace"), path.name)
    if name is None:
        raise FormatNotDetected(path.name)
    text = decode_import_bytes(data, path, name)
    options = _options(duplicates) if name in REFERENCE_FORMATS else ImportOptions()
    report = IMPORTERS[name](services, text, path, options, progress)
    return WebImport(format=name, report=report, held=held_entries(services, report))


def _options(duplicates: str) -> ImportOptions:
    if duplicates not in DUPLICATE_CHOICES:
        raise InvalidImportFile(f"duplicates: expected one of {', '.join(DUPLICATE_CHOICES)}")
    return ImportOptions(
        skip_possible_duplicates=duplicates == "skip", add_duplicates=duplicates == "add"
    )


def _refuse_a_faulty_paste(services: Services, format_name: str, rehearsal: ImportReport) -> None:
    """A paste is all or nothing, like `refs add`: every problem named, nothing written."""
    if rehearsal.skipped:
        raise InvalidImportFile("; ".join(rehearsal.skipped))
    if format_name == "bibtex":
        for renamed in rehearsal.renamed:
            known = services.refs.find(renamed.old)
            if known is not None:
                raise DuplicateCitekey(renamed.old, path=known.path, line=known.line)
            raise InvalidCitekey(renamed.old)
    held = rehearsal.duplicates or rehearsal.possible_duplicates
    if not rehearsal.added and not held:
        raise InvalidImportFile(f"{PASTED}: no entry found")


def held_entries(services: Services, report: ImportReport) -> list[HeldEntry]:
    """The entries `report` says were left out as duplicates, ready to be shown and added."""
    left_out: list[ImportDuplicate | PossibleDuplicate] = [
        *report.duplicates,
        *(item for item in report.possible_duplicates if item.citekey is None),
    ]
    return [_held(services, item) for item in left_out]


def _held(services: Services, item: ImportDuplicate | PossibleDuplicate) -> HeldEntry:
    resembles = item.citekey if isinstance(item, ImportDuplicate) else item.resembles
    bibtex, entry_type = "", ""
    fields: Mapping[str, str] = {}
    known = services.refs.find(resembles)
    if item.entry is not None:
        entry_type, fields = item.entry.entry.entry_type, item.entry.entry.fields
        try:
            bibtex = held_entry_text(services.refs, item.entry)
        except RefsError as error:
            logger.info("%s cannot be added anyway: %s", item.where, error)
    return HeldEntry(
        title=item.title,
        where=item.where,
        reason=item.reason,
        is_exact=isinstance(item, ImportDuplicate),
        entry_type=entry_type,
        fields=shown_fields(fields),
        bibtex=bibtex,
        resembles=resembles,
        known=known,
        known_fields=shown_fields(known.fields) if known is not None else [],
    )


def shown_fields(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """An entry's fields as Unicode, the ones that tell works apart first."""
    names = [name for name in _SHOWN_FIRST if name in fields]
    names += sorted(name for name in fields if name not in _SHOWN_FIRST)
    return [(name, latex_to_text(fields[name])) for name in names]


def web_import_json(result: WebImport) -> dict[str, Any]:
    """`import --json`'s document, with `bibtex` (the text that adds it anyway) on each
    entry held back: every exact duplicate, and the possible ones left out."""
    body = import_report_json(result.format, result.report)
    held = iter(result.held)
    for item in body["duplicates"]:
        item["bibtex"] = next(held).bibtex
    for item in body["possible_duplicates"]:
        if item["citekey"] is None:
            item["bibtex"] = next(held).bibtex
    return body
