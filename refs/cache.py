"""Keep each .bib file's parsed form in the library's `.index/refs-cache/` for a warm start.

Parsing 20,000 entries takes seconds; reading them back from JSON takes a fraction of
that. The cache is derived data and never the only copy of anything: a cache file is
used only while the .bib file has the size, mtime and SHA-256 it had when the cache was
written, and a missing, corrupt or outdated one is ignored and rebuilt. JSON rather than
pickle, so that a cache file found in a shared folder cannot run code.

A cache file is JSON lines: a header; an index of every entry (citekey, type, its
`Summary`, what a listing shows, converted from LaTeX, and its position); then one line
of fields per entry, decoded only when that entry's fields are first read, so listing
20,000 references decodes none. An edit changes one entry and shifts the positions of
those after it, so rewriting the cache re-encodes only the changed entry's fields and
reuses the others' lines as they were read or last written.

Beside it, `<name>.csl.json` keeps each entry's CSL-JSON item keyed by a hash of the
entry's raw text, valid while the file's @string macros are the same: a file edited by
hand is parsed again, but its unchanged entries are not converted again. Entries that
inherit (`crossref`, `xdata`) are converted afresh each time, since a change elsewhere
changes them. Both files name the converting code's version (`converter`), so a new
conversion never reads an old one's results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from refs.bibfile import BibFile, Fingerprint, Span
from refs.errors import EntryError
from refs.model import Reference, Summary, remember_summary
from refs.summaries import summary_of

logger = logging.getLogger(__name__)

# Bump when BibFile, Reference or the way we parse changes, so old caches are rebuilt.
CACHE_FORMAT = "florilegium-refs-cache/7"
CSL_CACHE_FORMAT = "florilegium-csl-cache/1"


def _installed(package: str) -> str:
    """What identifies the installed `package`: its `__init__.py`'s path, size and time
    (found without importing it, or `importlib.metadata`: both cost a command's start)."""
    spec = find_spec(package)
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    if origin is None:
        return f"{package} ?"
    stat = origin.stat()
    return f"{package} {origin} {stat.st_size} {stat.st_mtime_ns}"


_PARSER = _installed("bibtexparser")
# The modules whose code decides what an entry converts to.
_CONVERTERS = (
    "crossref.py",
    "csl.py",
    "csldates.py",
    "cslvocab.py",
    "latex.py",
    "latexsymbols.py",
    "latextree.py",
    "model.py",
    "names.py",
    "summaries.py",
)


def cache_path(cache_dir: Path, bib_path: Path) -> Path:
    """Where the cache of `bib_path` lives (one file per .bib file, named after it)."""
    return cache_dir / f"{bib_path.name}.json"


def csl_cache_path(cache_dir: Path, bib_path: Path) -> Path:
    """Where the CSL items of `bib_path`'s entries are kept."""
    return cache_dir / f"{bib_path.name}.csl.json"


def raw_key(raw: str) -> str:
    """The key of an entry's conversions: a hash of its exact text."""
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@cache
def converter_version() -> str:
    """The version of the code that converts entries: the installed pylatexenc (its
    symbols) and the size and time of each converting module, so an edited converter is a
    new version."""
    here = Path(__file__).parent
    parts = [_installed("pylatexenc")]
    for name in _CONVERTERS:
        stat = (here / name).stat()
        parts.append(f"{name} {stat.st_size} {stat.st_mtime_ns}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def _macros_key(macros: Mapping[str, str]) -> str:
    text = json.dumps(macros, sort_keys=True, ensure_ascii=True)
    return hashlib.blake2b(text.encode("ascii"), digest_size=12).hexdigest()


@dataclass(slots=True)
class _EncodedEntries:
    """Each entry of one file encoded (its fields' line and its summary), with the raw text
    and macros it came from."""

    macros: dict[str, str]
    # citekey -> (raw, fields line, summary row)
    lines: dict[str, tuple[str, str, list[Any]]] = field(default_factory=dict)


class _CachedFields(Mapping[str, str]):
    """An entry's fields as cached: decoded from their JSON line when first read.

    Threads may race to decode; each gets equal fields, and one result stays.
    """

    __slots__ = ("_fields", "_line")

    def __init__(self, line: str) -> None:
        self._line = line
        self._fields: dict[str, str] | None = None

    def _decoded(self) -> dict[str, str]:
        fields = self._fields
        if fields is None:
            fields = self._fields = json.loads(self._line)
        return fields

    def __getitem__(self, name: str) -> str:
        return self._decoded()[name]

    def get(self, name: str, default: Any = None) -> Any:  # Any: as `Mapping.get`
        """The value of field `name`, or `default`."""
        return self._decoded().get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._decoded()

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())

    def __repr__(self) -> str:
        return repr(self._decoded())


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

    def load_csl(self, bib: BibFile) -> dict[str, dict[str, Any]]:
        """The CSL items kept for `bib`'s entries, by `raw_key`; empty when none are kept
        or they were made under other macros or by another converter."""
        # Any: CSL-JSON items, open-ended JSON as the converter made them.
        path = csl_cache_path(self.cache_dir, bib.path)
        try:
            with path.open(encoding="ascii") as cache_file:
                lines = cache_file.read().split("\n")
            header = json.loads(lines[0])
            if header != self._csl_header(bib):
                return {}
            items = json.loads("[" + ",".join(lines[1:]) + "]")
            return {str(key): item for key, item in items if isinstance(item, dict)}
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as error:
            logger.info("ignoring the CSL cache of %s: %s", bib.path, error)
            return {}

    def save_csl(self, bib: BibFile, items: Mapping[str, Mapping[str, Any]]) -> None:
        """Keep `items` (CSL items by `raw_key`) for `bib`; failing only costs time."""
        lines = [_dumps(self._csl_header(bib))]
        lines += [_dumps([key, item]) for key, item in items.items()]
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _replace(csl_cache_path(self.cache_dir, bib.path), "\n".join(lines))
        except OSError as error:
            logger.warning("could not write the CSL cache for %s: %s", bib.path, error)

    def _csl_header(self, bib: BibFile) -> dict[str, str]:
        return {
            "format": CSL_CACHE_FORMAT,
            "converter": converter_version(),
            "name": bib.path.name,
            "macros": _macros_key(bib.macros),
        }

    def _encode(self, bib: BibFile) -> str:
        known = self._encoded.get(bib.path)
        if known is None or known.macros != bib.macros:
            known = self._encoded[bib.path] = _EncodedEntries(dict(bib.macros))
        memo = known.lines
        index: list[list[Any]] = []
        fields_lines = []
        for reference in bib.references:
            remembered = memo.get(reference.citekey)
            # `is` first: an entry the edit did not touch shares its text with the old file.
            if remembered is None or (
                remembered[0] is not reference.raw and remembered[0] != reference.raw
            ):
                summary = summary_of(reference)
                row = [
                    summary.title,
                    summary.authors,
                    summary.editors,
                    summary.year,
                    summary.authorless,
                ]
                remembered = (reference.raw, _dumps(dict(reference.fields)), row)
                memo[reference.citekey] = remembered
            span = bib.spans[reference.citekey]
            index.append([reference.citekey, reference.entry_type, remembered[2], *span])
            fields_lines.append(remembered[1])
        if len(memo) > len(bib.references):
            current = {reference.citekey for reference in bib.references}
            for citekey in [citekey for citekey in memo if citekey not in current]:
                del memo[citekey]
        header = {
            "format": CACHE_FORMAT,
            "parser": _PARSER,
            "converter": converter_version(),
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
        return "\n".join([_dumps(header), _dumps(index), *fields_lines])

    def _bib_from_lines(
        self, lines: list[str], path: Path, text: str, fingerprint: Fingerprint
    ) -> BibFile | None:
        header: dict[str, Any] = json.loads(lines[0])  # Any: JSON, checked key by key below
        stamp = (header["size"], header["mtime_ns"], header["sha256"])
        if (
            header["format"] != CACHE_FORMAT
            or header["parser"] != _PARSER
            or header["converter"] != converter_version()
            or header["name"] != path.name
            or stamp != (fingerprint.size, fingerprint.mtime_ns, fingerprint.sha256)
        ):
            return None
        index = json.loads(lines[1])
        fields_lines = lines[2:]
        if len(index) != len(fields_lines):
            raise ValueError("the index and the fields differ in number")
        bib = BibFile(path=path, text=text, fingerprint=fingerprint, macros=dict(header["macros"]))
        bib.unresolved = {(citekey, name) for citekey, name in header["unresolved"]}
        encoded = _EncodedEntries(dict(bib.macros))
        for (citekey, entry_type, row, start, end, line), fields_line in zip(
            index, fields_lines, strict=True
        ):
            if not 0 <= start <= end <= len(text):
                raise ValueError(f"span {start}:{end} outside the file")
            if not (fields_line.startswith("{") and fields_line.endswith("}")):
                raise ValueError(f"the fields of {citekey!r} are not a JSON object")
            raw = text[start:end]
            reference = Reference(
                citekey=citekey,
                entry_type=entry_type,
                fields=_CachedFields(fields_line),
                path=path,
                line=line,
                raw=raw,
            )
            remember_summary(reference, Summary._make(row))
            bib.references.append(reference)
            bib.spans[citekey] = Span(start, end, line)
            encoded.lines[citekey] = (raw, fields_line, row)
        bib.problems = [
            EntryError(message, path=path, line=line, field=field_name, citekey=citekey)
            for message, line, field_name, citekey in header["problems"]
        ]
        self._encoded[path] = encoded
        return bib


_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def _dumps(value: object) -> str:
    """One line of ASCII JSON (lone surrogates from invalid UTF-8 are escaped too)."""
    return _ENCODER.encode(value)


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
