"""The library's references: every top-level .bib file, looked up by citekey, edited losslessly.

Reads collect problems instead of stopping (a broken entry never hides the good ones).
Writes take the file's lock, re-read it, refuse if the entry they change was changed by
someone else since it was read, splice only the bytes of that entry, and replace the file
atomically.
"""

from __future__ import annotations

import logging
import threading
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from refs.atomicfile import locked, write_atomically
from refs.bibfile import BibFile, Fingerprint, encode_text, parse_bib_text, read_text
from refs.cache import RefsCache, raw_key
from refs.citekeys import is_valid_citekey
from refs.collector import collector_paused
from refs.entrytext import check_field_length, edit_entry_text, format_entry
from refs.errors import (
    DuplicateCitekey,
    EntryError,
    FileChangedOnDisk,
    InvalidBibtex,
    InvalidCitekey,
    RefsError,
    UnknownCitekey,
)
from refs.model import Reference, remember_csl
from refs.values import evaluate

logger = logging.getLogger(__name__)

MAIN_BIB_NAME = "references.bib"
CACHE_FOLDER = Path(".index") / "refs-cache"


class ReferenceStore:
    """All references of one library folder, loaded from its top-level `*.bib` files.

    Parsed files are cached in the library's `.index/refs-cache/` unless `use_cache` is
    False (then every start parses every file).

    The web server's threads share one store: reloads, refreshes and writes change its
    memory under one lock, and publish a finished lookup table in one assignment, so a
    reader on another thread sees the old references or the new ones, never half of them.
    """

    def __init__(self, library_dir: Path, *, use_cache: bool = True) -> None:
        self.library_dir = library_dir
        self._cache = RefsCache(library_dir / CACHE_FOLDER) if use_cache else None
        self._files: dict[Path, BibFile] = {}
        self._by_citekey: dict[str, Reference] = {}
        self._by_folded: dict[str, Reference] = {}
        self.problems: list[EntryError] = []
        self._memory = threading.RLock()
        # Per file: the parse whose CSL cache was read, and the keys that cache holds.
        self._csl_read: dict[Path, BibFile] = {}
        self._csl_kept: dict[Path, set[str]] = {}
        self.reload()

    def reload(self) -> None:
        """Read every .bib file again (from the cache where the file did not change)."""
        with self._memory, collector_paused():
            self._files = {path: self._read(path) for path in self.bib_paths()}
            self._rebuild_lookup()

    def refresh(self) -> bool:
        """Re-read the .bib files added, removed or changed on disk (by size and mtime) since
        they were read, for a long-running process such as the web app; True if any were.

        Unchanged files cost one `stat` each; a file that vanishes meanwhile counts as removed.
        """
        with self._memory:
            files: dict[Path, BibFile] = {}
            for path in self.bib_paths():
                known = self._files.get(path)
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                if known is not None and (stat.st_size, stat.st_mtime_ns) == (
                    known.fingerprint.size,
                    known.fingerprint.mtime_ns,
                ):
                    files[path] = known
                else:
                    try:
                        files[path] = self._read(path)
                    except FileNotFoundError:
                        continue
            changed = list(files) != list(self._files) or any(
                files[path] is not self._files.get(path) for path in files
            )
            if changed:
                self._files = files
                self._rebuild_lookup()
            return changed

    def bib_paths(self) -> list[Path]:
        """The library's .bib files, in name order so that duplicates resolve the same way."""
        return sorted(path for path in self.library_dir.glob("*.bib") if path.is_file())

    def bib_file(self, path: Path) -> BibFile | None:
        """The parsed file at `path` as last read or written, if it is one of the library's."""
        return self._files.get(path)

    def _read(self, path: Path) -> BibFile:
        text, fingerprint = read_text(path)
        if self._cache is not None:
            cached = self._cache.load(path, text, fingerprint)
            if cached is not None:
                return cached
        bib = parse_bib_text(text, path)
        bib.fingerprint = fingerprint
        if self._cache is not None:
            self._cache.save(bib)
        return bib

    def read_cached_csl(self) -> None:
        """Give each entry that inherits nothing the CSL item cached for its text, so that
        converting the library converts only what changed (once per file read)."""
        if self._cache is None:
            return
        for path, bib in list(self._files.items()):
            if self._csl_read.get(path) is bib:
                continue
            items = self._cache.load_csl(bib)
            if items:
                for reference in bib.references:
                    if reference.csl is None and not reference.inherits:
                        item = items.get(raw_key(reference.raw))
                        if item is not None:
                            remember_csl(reference, item)
            self._csl_read[path], self._csl_kept[path] = bib, set(items)

    def keep_csl(self) -> None:
        """Write the CSL items converted since the cache was read into the cache."""
        if self._cache is None:
            return
        for path, bib in list(self._files.items()):
            items = {
                raw_key(reference.raw): reference.csl
                for reference in bib.references
                if reference.csl is not None and not reference.inherits
            }
            if items.keys() - self._csl_kept.get(path, set()):
                self._cache.save_csl(bib, items)
                self._csl_read[path], self._csl_kept[path] = bib, set(items)

    def _rebuild_lookup(self) -> None:
        """Build the lookup and problem list aside, then publish each in one assignment."""
        by_citekey: dict[str, Reference] = {}
        all_problems: list[EntryError] = []
        # BibTeX lets one file use the @string macros of another (a file of abbreviations).
        library_macros = self._library_macros()
        for bib in self._files.values():
            references, problems = _resolve_macros_across_files(bib, library_macros)
            all_problems.extend(problems)
            for reference in references:
                first = by_citekey.get(reference.citekey)
                if first is None:
                    by_citekey[reference.citekey] = reference
                else:
                    all_problems.append(
                        EntryError(
                            f"duplicate citekey '{reference.citekey}' "
                            f"(first defined at {first.path}:{first.line})",
                            path=reference.path,
                            line=reference.line,
                            citekey=reference.citekey,
                        )
                    )
        by_folded = {citekey.lower(): reference for citekey, reference in by_citekey.items()}
        self._by_citekey, self._by_folded, self.problems = by_citekey, by_folded, all_problems

    def references(self) -> list[Reference]:
        """Every loadable reference, sorted by citekey."""
        by_citekey = self._by_citekey  # one table, even if another thread publishes a new one
        return [by_citekey[citekey] for citekey in sorted(by_citekey)]

    def get(self, citekey: str) -> Reference:
        """The reference with this citekey, or `UnknownCitekey`."""
        try:
            return self._by_citekey[citekey]
        except KeyError:
            raise UnknownCitekey(citekey) from None

    def find(self, citekey: str) -> Reference | None:
        """The reference with this citekey, ignoring case as BibTeX's `crossref` does."""
        return self._by_citekey.get(citekey) or self._by_folded.get(citekey.lower())

    def __contains__(self, citekey: object) -> bool:
        return citekey in self._by_citekey

    def read_input(self, bibtex: str, path: Path) -> BibFile:
        """BibTeX text from outside (`path` names it in messages), parsed with the library's
        @string macros counting as defined."""
        parsed = parse_bib_text(bibtex, path)
        references, problems = _resolve_macros_across_files(parsed, self._library_macros())
        return replace(parsed, references=references, problems=problems)

    def add(self, bibtex: str, *, to: str | None = None) -> list[Reference]:
        """Append the entries in `bibtex` to one .bib file, leaving its other bytes alone.

        Entries are written as given, unless the text defines @string macros of its own
        (which are not added): then they are written with the macros expanded. A citekey
        that breaks `is_valid_citekey`'s rule (a `/`, a leading dot...) is refused.
        """
        parsed = self.read_input(bibtex, Path("<input>"))
        references, problems = parsed.references, parsed.problems
        if problems:
            raise InvalidBibtex("; ".join(str(problem) for problem in problems))
        if not references:
            raise InvalidBibtex("no BibTeX entry found in the input")
        for reference in references:
            if not is_valid_citekey(reference.citekey):
                raise InvalidCitekey(reference.citekey)
            for name, value in reference.fields.items():
                check_field_length(name, value)
            if reference.citekey in self._by_citekey:
                existing = self._by_citekey[reference.citekey]
                raise DuplicateCitekey(reference.citekey, path=existing.path, line=existing.line)
        path = self.library_dir / (to or MAIN_BIB_NAME)
        if path.parent != self.library_dir or path.suffix != ".bib":
            raise InvalidBibtex(f"{to}: not a .bib file name at the library's top level")
        entries = [
            format_entry(ref.entry_type, ref.citekey, ref.fields)
            if parsed.macros
            else ref.raw.strip()
            for ref in references
        ]

        def append(bib: BibFile) -> BibFile:
            for reference in references:  # added by another writer since we read the file?
                if reference.citekey in bib.spans:
                    span = bib.spans[reference.citekey]
                    raise DuplicateCitekey(reference.citekey, path=path, line=span.line)
            return bib.with_entries_appended(entries)

        self._rewrite(path, append, [], create=True)
        return [self.get(reference.citekey) for reference in references]

    def append_entries(
        self,
        entries: Sequence[str],
        check: Callable[[list[Reference], list[EntryError]], None],
        *,
        to: str | None = None,
    ) -> None:
        """Append entries this program wrote (an import's), parsed once, where they land.

        `check` sees the new entries as read back in the file, in order, and their problems
        (other files' macros counting as defined, as `read_input` has them); it raises to
        refuse the write, which then leaves the file as it was. `refs add` parses its input
        apart first instead, to refuse it before taking the lock; an import of thousands of
        entries cannot afford that second parse.
        """
        path = self.library_dir / (to or MAIN_BIB_NAME)
        if path.parent != self.library_dir or path.suffix != ".bib":
            raise InvalidBibtex(f"{to}: not a .bib file name at the library's top level")
        library_macros = self._library_macros()

        def append(bib: BibFile) -> BibFile:
            updated = bib.with_entries_appended(list(entries))
            resolved, problems = _resolve_macros_across_files(updated, library_macros)
            last_old_line = bib.text.count("\n") + 1 if bib.text.strip() else 0
            added = resolved[len(bib.references) :]
            check(added, [problem for problem in problems if problem.line > last_old_line])
            return updated

        self._rewrite(path, append, [], create=True)

    def _library_macros(self) -> dict[str, str]:
        """Every file's @string macros (the first file in name order wins a clash)."""
        macros: dict[str, str] = {}
        for bib in self._files.values():
            for name, value in bib.macros.items():
                macros.setdefault(name, value)
        return macros

    def add_fields(
        self, entry_type: str, citekey: str, fields: Mapping[str, str], *, to: str | None = None
    ) -> Reference:
        """Append a new entry built from `fields` (values as BibTeX, written in braces)."""
        return self.add(format_entry(entry_type, citekey, fields), to=to)[0]

    def edit(
        self,
        citekey: str,
        *,
        set_fields: Mapping[str, str] | None = None,
        unset_fields: Iterable[str] = (),
    ) -> Reference:
        """Change fields of one entry in place; every other byte of its file stays the same."""
        reference = self.get(citekey)
        changes = dict(set_fields or {})
        removals = list(unset_fields)

        def edit_one(bib: BibFile) -> BibFile:
            new_text = edit_entry_text(bib.entry_text(citekey), changes, removals)
            return bib.with_entry_replaced(citekey, new_text)

        self._rewrite(reference.path, edit_one, [citekey])
        return self.get(citekey)

    def delete(self, citekey: str) -> None:
        """Remove one entry and the blank line after it from its file."""
        reference = self.get(citekey)
        self._rewrite(reference.path, lambda bib: bib.with_entry_removed(citekey), [citekey])

    def _rewrite(
        self,
        path: Path,
        change: Callable[[BibFile], BibFile],
        changed_citekeys: list[str],
        *,
        create: bool = False,
    ) -> None:
        """Apply `change` to the freshest text of `path` under its lock and write it atomically.

        If someone changed the file since we read it, the change is applied to their version
        as long as the entries we touch are as we read them; otherwise nothing is written.
        The file is parsed again only when it changed: an unchanged file costs one read.
        """
        with locked(path):
            seen = self._files.get(path)
            if path.exists():
                text, fingerprint = read_text(path)
                if seen is not None and fingerprint.sha256 == seen.fingerprint.sha256:
                    current = seen
                else:
                    current = parse_bib_text(text, path)
                    current.fingerprint = fingerprint
                    if seen is not None:
                        _refuse_if_entries_changed(seen, current, changed_citekeys)
            elif create and seen is None:
                current = parse_bib_text("", path)
            else:
                raise FileChangedOnDisk(path)
            updated = change(current)
            data = encode_text(updated.text)
            write_atomically(path, data)
            updated.fingerprint = Fingerprint.of_bytes(data, path)
        with self._memory:
            # A new file keeps name order, which decides between duplicate citekeys.
            self._files = dict(sorted({**self._files, path: updated}.items()))
            self._rebuild_lookup()
        if self._cache is not None:
            self._cache.save(updated)
        logger.info("wrote %s", path)


def _refuse_if_entries_changed(seen: BibFile, current: BibFile, citekeys: list[str]) -> None:
    for citekey in citekeys:
        if citekey not in seen.spans or citekey not in current.spans:
            raise FileChangedOnDisk(current.path)
        if seen.entry_text(citekey) != current.entry_text(citekey):
            raise FileChangedOnDisk(current.path)


def _resolve_macros_across_files(
    bib: BibFile, library_macros: dict[str, str]
) -> tuple[list[Reference], list[EntryError]]:
    """`bib`'s references with fields that use other files' macros evaluated, and the
    problems that remain (a field that still cannot be evaluated stays raw and reported)."""
    unresolved = [
        problem for problem in bib.problems if (problem.citekey, problem.field) in bib.unresolved
    ]
    if not unresolved:
        return bib.references, bib.problems
    macros = ChainMap(bib.macros, library_macros)
    by_citekey = {reference.citekey: reference for reference in bib.references}
    resolved: dict[str, dict[str, str]] = {}
    solved: set[int] = set()
    for problem in unresolved:
        reference = by_citekey.get(problem.citekey)
        if reference is None or problem.field not in reference.fields:
            continue
        try:
            value = evaluate(reference.fields[problem.field], macros)
        except RefsError:
            continue
        resolved.setdefault(problem.citekey, dict(reference.fields))[problem.field] = value
        solved.add(id(problem))
    references = [
        replace(reference, fields=resolved[reference.citekey])
        if reference.citekey in resolved
        else reference
        for reference in bib.references
    ]
    return references, [problem for problem in bib.problems if id(problem) not in solved]
