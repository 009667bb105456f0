"""Keep each .bib file's parsed form in the library's `.index/refs-cache/` for a warm start.

Parsing 20,000 entries takes seconds; reading them back from JSON takes a fraction of
that. The cache is derived data and never the only copy of anything: a cache file is
used only while the .bib file has the size, mtime and SHA-256 it had when the cache was
written, and a missing, corrupt or outdated one is ignored and rebuilt. JSON rather than
pickle, so that a cache file found in a shared folder cannot run code.

A cache file is JSON lines: a header, one line per entry (citekey, type, fields) and a
last line with every entry's position. An edit changes one entry and shifts the
positions of those after it, so rewriting the cache re-encodes only the changed entry's
line and reuses the others as they were read or last written.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from refs.bibfile import BibFile, Fingerprint, Span
from refs.errors import EntryError
from refs.model import Reference

logger = logging.getLogger(__name__)

# Bump when BibFile, Reference or the way we parse changes, so old caches are rebuilt.
CACHE_FORMAT = "florilegium-refs-cache/6"
_PARSER = f"bibtexparser {version('bibtexparser')}"


def cache_path(cache_dir: Path, bib_path: Path) -> Path:
    """Where the cache of `bib_path` lives (one file per .bib file, named after it)."""
    return cache_dir / f"{bib_path.name}.json"


@dataclass(slots=True)
class _EncodedEntries:
    """The JSON line of each entry of one file, with the raw text and macros it came from."""

    macros: dict[str, str]
    lines: dict[str, tuple[str, str]] = field(default_factory=dict)  # citekey -> (raw, line)


class RefsCache:
    """The cache folder of one library, remembering encoded entries between writes."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._encoded: dict[Path, _EncodedEntries] = {}

    def load(self, path: Path, text: str, fingerprint: Fingerprint) -> BibFile | None:
        """The cached parse of `path` if it was made from exactly this text, else None."""
        try:
            with cache_path(self.cache_dir, path).open(encoding="ascii") as cache_file:
                lines = cache_file.read().split("\n")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            logger.info("ignoring unreadable refs cache for %s: %s", path, error)
            return None
        try:
            return self._bib_from_lines(lines, path, text, fingerprint)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            logger.info("ignoring malformed refs cache for %s: %s", path, error)
            return None

    def save(self, bib: BibFile) -> None:
        """Write the cache of `bib`; a cache that cannot be written only costs the next start.

        No fsync: after a crash the cache may be empty or old, and is then rebuilt.
        """
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _replace(cache_path(self.cache_dir, bib.path), self._encode(bib))
        except OSError as error:
            logger.warning("could not write the refs cache for %s: %s", bib.path, error)

    def _encode(self, bib: BibFile) -> str:
        known = self._encoded.get(bib.path)
        if known is None or known.macros != bib.macros:
            known = self._encoded[bib.path] = _EncodedEntries(dict(bib.macros))
        memo = known.lines
        entry_lines = []
        for reference in bib.references:
            remembered = memo.get(reference.citekey)
            # `is` first: an entry the edit did not touch shares its text with the old file.
            if remembered is None or (
                remembered[0] is not reference.raw and remembered[0] != reference.raw
            ):
                line = _dumps([reference.citekey, reference.entry_type, dict(reference.fields)])
                remembered = memo[reference.citekey] = (reference.raw, line)
            entry_lines.append(remembered[1])
        if len(memo) > len(bib.references):
            current = {reference.citekey for reference in bib.references}
            for citekey in [citekey for citekey in memo if citekey not in current]:
                del memo[citekey]
        header = {
            "format": CACHE_FORMAT,
            "parser": _PARSER,
            "name": bib.path.name,
            "size": bib.fingerprint.size,
            "mtime_ns": bib.fingerprint.mtime_ns,
            "sha256": bib.fingerprint.sha256,
            "macros": bib.macros,
            "unresolved": sorted(bib.unresolved),
            "problems": [
                [problem.message, problem.line, problem.field, problem.citekey]
                for problem in bib.problems
            ],
        }
        # Spans are (start, end, line) tuples, which JSON writes as lists.
        positions = [bib.spans[reference.citekey] for reference in bib.references]
        return "\n".join([_dumps(header), *entry_lines, _dumps(positions)])

    def _bib_from_lines(
        self, lines: list[str], path: Path, text: str, fingerprint: Fingerprint
    ) -> BibFile | None:
        header: dict[str, Any] = json.loads(lines[0])  # Any: JSON, checked key by key below
        stamp = (header["size"], header["mtime_ns"], header["sha256"])
        if (
            header["format"] != CACHE_FORMAT
            or header["parser"] != _PARSER
            or header["name"] != path.name
            or stamp != (fingerprint.size, fingerprint.mtime_ns, fingerprint.sha256)
        ):
            return None
        entry_lines = lines[1:-1]
        entries = json.loads("[" + ",".join(entry_lines) + "]")
        positions = json.loads(lines[-1])
        if len(entries) != len(positions):
            raise ValueError("entries and positions differ in number")
        bib = BibFile(path=path, text=text, fingerprint=fingerprint, macros=dict(header["macros"]))
        bib.unresolved = {(citekey, name) for citekey, name in header["unresolved"]}
        encoded = _EncodedEntries(dict(bib.macros))
        for (citekey, entry_type, fields), (start, end, line), json_line in zip(
            entries, positions, entry_lines, strict=True
        ):
            if not 0 <= start <= end <= len(text):
                raise ValueError(f"span {start}:{end} outside the file")
            raw = text[start:end]
            bib.references.append(
                Reference(
                    citekey=citekey,
                    entry_type=entry_type,
                    fields=fields,
                    path=path,
                    line=line,
                    raw=raw,
                )
            )
            bib.spans[citekey] = Span(start, end, line)
            encoded.lines[citekey] = (raw, json_line)
        bib.problems = [
            EntryError(message, path=path, line=line, field=field_name, citekey=citekey)
            for message, line, field_name, citekey in header["problems"]
        ]
        self._encoded[path] = encoded
        return bib


def _dumps(value: object) -> str:
    """One line of ASCII JSON (lone surrogates from invalid UTF-8 are escaped too)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _replace(path: Path, text: str) -> None:
    """Replace `path` by a renamed temporary file, so readers never see half a cache."""
    descriptor, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as temp_file:
            temp_file.write(text)
        os.chmod(temp_name, 0o644)  # mkstemp makes it private; it holds nothing secret
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
