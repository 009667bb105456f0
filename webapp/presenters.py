"""The JSON shapes of the public contract, built from our dataclasses in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from refs.errors import EntryError
from refs.model import Reference
from refs.summaries import summary_of

if TYPE_CHECKING:
    from annotations.model import Note, Passage
    from annotations.trash import TrashItem
    from index.results import SearchHit, SearchResult
    from refs.csl import CslItem
    from refs.omissions import Omission
    from webapp.citation_service import Citation
    from webapp.reference_import import ImportReport
    from webapp.trash_service import Restored


def omission_json(omission: Omission) -> dict[str, str]:
    """A work a style leaves out of a bibliography: `{citekey, reason}`."""
    return {"citekey": omission.citekey, "reason": omission.reason}


def hint_json(reference: Reference, omission: Omission) -> dict[str, Any]:
    """A hint of `check --json` (not a problem): a reference the default style prints in
    notes only, with the `FILE:LINE: hint: CITEKEY: reason` text."""
    where = f"{reference.path}:{reference.line}"
    return {
        "file": str(reference.path),
        "line": reference.line,
        "citekey": reference.citekey,
        "message": omission.reason,
        "text": f"{where}: hint: {reference.citekey}: {omission.reason}",
    }


def export_json(result: Citation) -> dict[str, Any]:
    """`export --json` and `GET /api/export` asked for JSON: `{format, text, omitted, warnings}`."""
    return {
        "format": result.output,
        "text": result.text,
        "omitted": [omission_json(omission) for omission in result.omitted],
        "warnings": list(result.warnings),
    }


def reference_year(reference: Reference) -> str:
    """The year of publication as written (`year`, else the start of `date`), or ""."""
    return summary_of(reference).year


def reference_summary_json(reference: Reference) -> dict[str, Any]:
    """A row of `refs list --json`: `{citekey, type, title, authors, editors, year}`."""
    summary = summary_of(reference)
    return {
        "citekey": reference.citekey,
        "type": reference.entry_type,
        "title": summary.title,
        "authors": list(summary.authors),
        "editors": list(summary.editors),
        "year": summary.year,
    }


def reference_detail_json(reference: Reference, csl: CslItem) -> dict[str, Any]:
    """`refs show --json`: `{citekey, type, fields, file, line, csl}`."""
    return {
        "citekey": reference.citekey,
        "type": reference.entry_type,
        "fields": dict(reference.fields),
        "file": str(reference.path),
        "line": reference.line,
        "csl": csl,
    }


def problem_json(problem: Exception) -> dict[str, Any]:
    """One row of `check --json`: where (when known), what, and the `FILE:LINE: message` text."""
    if isinstance(problem, EntryError):
        return {
            "file": str(problem.path),
            "line": problem.line,
            "citekey": problem.citekey or None,
            "field": problem.field or None,
            "message": problem.message,
            "text": str(problem),
        }
    unplaced = dict.fromkeys(("file", "line", "citekey", "field"))
    return {**unplaced, "message": str(problem), "text": str(problem)}


def passage_json(passage: Passage) -> dict[str, Any]:
    """A passage in the public JSON: its file record (notes, anchor, revision) plus citekey."""
    from annotations.passagefile import passage_to_json

    return {"citekey": passage.citekey, **passage_to_json(passage)}


def note_json(note: Note) -> dict[str, str]:
    """A note in the public JSON: `{id, text, created, modified}`."""
    from annotations.passagefile import note_to_json

    return note_to_json(note)


def trash_item_json(item: TrashItem) -> dict[str, Any]:
    """One item of `trash list --json` and `GET /api/trash`: `{id, kind, deleted, citekey,
    summary, record_id, passage_id, passages, note, reference}`; `record_id` is the id of
    what was deleted (passage, note or citekey), `passage_id` a note's passage (else null),
    `reference` `{citekey, file, bibtex}` (else null)."""
    reference = item.reference
    return {
        "id": item.id,
        "kind": item.kind,
        "deleted": item.deleted,
        "citekey": item.citekey,
        "summary": item.summary,
        "record_id": item.record_id,
        "passage_id": item.passage_id,
        "passages": [passage_json(passage) for passage in item.passages],
        "note": None if item.note is None else note_json(item.note),
        "reference": None
        if reference is None
        else {"citekey": reference.citekey, "file": reference.file, "bibtex": reference.bibtex},
    }


def restored_json(restored: Restored) -> dict[str, Any]:
    """`trash restore --json` and `POST /api/trash/ID/restore`: `{id, kind, summary,
    citekey, passages, note, present, renamed}`: the passages and note as stored now,
    `citekey` the reference put back (else null), `present` the ids of passages the library
    held already, `renamed` each id taken meanwhile `{kind, from, to}`."""
    item = restored.item
    return {
        "id": item.id,
        "kind": item.kind,
        "summary": item.summary,
        "citekey": restored.citekey,
        "passages": [passage_json(passage) for passage in restored.passages],
        "note": None if restored.note is None else note_json(restored.note),
        "present": [passage.id for passage in restored.present],
        "renamed": [
            {"kind": renamed.kind, "from": renamed.old, "to": renamed.new}
            for renamed in restored.renamed
        ],
    }


def search_result_json(result: SearchResult) -> dict[str, Any]:
    """`search --json` and `GET /api/search`: `{query, total, offset, hits, facets}`, and
    `matched_all` (hits holding every word, listed first), `suggestion` (the query with
    words the library lacks replaced by near ones it holds, or null) and `relaxed` (the
    query as written found nothing; these are its plain words' hits)."""
    return {
        "query": result.query,
        "total": result.total,
        "offset": result.offset,
        "hits": [search_hit_json(hit) for hit in result.hits],
        "facets": {name: dict(counts) for name, counts in result.facets.items()},
        "matched_all": result.matched_all,
        "suggestion": result.suggestion or None,
        "relaxed": result.relaxed,
    }


def search_hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit: `passage_id` only on notes, `locator` as `{label, value}` or null, `match`
    (`all`, `fuzzy`: every word, some through a near spelling, or `some`) and `missing`
    (the query's words, as typed, that the hit lacks)."""
    from index.documents import NOTE  # here: listing references needs none of the index

    document: dict[str, Any] = {
        "kind": hit.kind,
        "id": hit.id,
        "citekey": hit.citekey,
        "text": hit.text,
        "snippet": hit.snippet,
        "locator": (
            {"label": hit.locator.label, "value": hit.locator.value} if hit.locator else None
        ),
        "score": hit.score,
        "match": hit.match,
        "missing": list(hit.missing),
    }
    if hit.kind == NOTE:
        document["passage_id"] = hit.passage_id
    return document


def import_report_json(format_name: str, report: ImportReport) -> dict[str, Any]:
    """`import --json` (and the API's imports): what was added (and renamed), what was a
    duplicate or may be, what the library held already, what was left out."""
    return {
        "format": format_name,
        "added": report.added,
        "renamed": [{"from": item.old, "to": item.new} for item in report.renamed],
        "present": report.present,
        "duplicates": [
            {
                "title": item.title,
                "citekey": item.citekey,
                "reason": item.reason,
                "where": item.where,
            }
            for item in report.duplicates
        ],
        "possible_duplicates": [
            {
                "citekey": item.citekey,
                "title": item.title,
                "resembles": item.resembles,
                "reason": item.reason,
                "where": item.where,
            }
            for item in report.possible_duplicates
        ],
        "skipped": report.skipped,
        "dry_run": report.dry_run,
    }
