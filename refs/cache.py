"""Keep each .bib file's parsed form in the library's `.index/refs-cache/` for a warm start.

Parsing 20,000 entries takes seconds; reading them back from JSON takes a fraction of
that. The cache is derived data and never the only copy of anything: an entry is used
only while the .bib file has the size, mtime and SHA-256 it had when the entry was
written, and a missing, corrupt or outdated entry is ignored and rebuilt. JSON rather
than pickle, so that a cache file found in a shared folder cannot run code.
"""

from __future__ import annotations

import json
import logging
from importlib.metadata import version
from pathlib import Path
from typing import Any

from refs.atomicfile import write_atomically
from refs.bibfile import BibFile, Fingerprint, Span
from refs.errors import EntryError
from refs.model import Reference

logger = logging.getLogger(__name__)

# Bump when BibFile, Reference or the way we parse changes, so old caches are rebuilt.
CACHE_FORMAT = "florilegium-refs-cache/1"
_PARSER = f"bibtexparser {version('bibtexparser')}"


def cache_path(cache_dir: Path, bib_path: Path) -> Path:
    """Where the cache of `bib_path` lives (one JSON file per .bib file, named after it)."""
    return cache_dir / f"{bib_path.name}.json"


def load_cached(cache_dir: Path, path: Path, text: str, fingerprint: Fingerprint) -> BibFile | None:
    """The cached parse of `path` if it was made from exactly this file, else None."""
    try:
        document = json.loads(cache_path(cache_dir, path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        logger.info("ignoring unreadable refs cache for %s: %s", path, error)
        return None
    try:
        return _bib_from_json(document, path, text, fingerprint)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        logger.info("ignoring malformed refs cache for %s: %s", path, error)
        return None


def save_cached(cache_dir: Path, bib: BibFile) -> None:
    """Write the cache of `bib`; a cache that cannot be written only costs the next start."""
    document = _bib_to_json(bib)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        write_atomically(
            cache_path(cache_dir, bib.path), data.encode("utf-8", errors="surrogateescape")
        )
    except OSError as error:
        logger.warning("could not write the refs cache for %s: %s", bib.path, error)


def _bib_to_json(bib: BibFile) -> dict[str, Any]:  # Any: a JSON document
    return {
        "format": CACHE_FORMAT,
        "parser": _PARSER,
        "name": bib.path.name,
        "size": bib.fingerprint.size,
        "mtime_ns": bib.fingerprint.mtime_ns,
        "sha256": bib.fingerprint.sha256,
        "macros": bib.macros,
        "references": [
            [
                reference.citekey,
                reference.entry_type,
                dict(reference.fields),
                bib.spans[reference.citekey].start,
                bib.spans[reference.citekey].end,
                reference.line,
            ]
            for reference in bib.references
        ],
        "problems": [[problem.message, problem.line, problem.field] for problem in bib.problems],
    }


def _bib_from_json(
    document: dict[str, Any],  # Any: a JSON document, checked field by field here
    path: Path,
    text: str,
    fingerprint: Fingerprint,
) -> BibFile | None:
    stamp = (document["size"], document["mtime_ns"], document["sha256"])
    if (
        document["format"] != CACHE_FORMAT
        or document["parser"] != _PARSER
        or document["name"] != path.name
        or stamp != (fingerprint.size, fingerprint.mtime_ns, fingerprint.sha256)
    ):
        return None
    bib = BibFile(path=path, text=text, fingerprint=fingerprint, macros=dict(document["macros"]))
    for citekey, entry_type, fields, start, end, line in document["references"]:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} outside the file")
        bib.references.append(
            Reference(
                citekey=citekey,
                entry_type=entry_type,
                fields=fields,
                path=path,
                line=line,
                raw=text[start:end],
            )
        )
        bib.spans[citekey] = Span(start, end, line)
    bib.problems = [
        EntryError(message, path=path, line=line, field=field)
        for message, line, field in document["problems"]
    ]
    return bib
