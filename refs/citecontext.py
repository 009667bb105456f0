"""The works of a library that a citation is disambiguated against, as CSL-JSON items.

A style tells two works apart only when their citations would otherwise print alike:
"(Trotsky)" twice becomes "(Trotsky, Lenin)" and "(Trotsky, Stalin)" in MLA, "(Wolfe 1957)"
twice becomes "1957a" and "1957b" in author-date styles, "(Medvedev)" gets initials.
Citations print alike only when they start with the same name (the first of a name list:
the author's, or the editor's or translator's that a style prints instead) or, when a
style cites a work by title, the same title; the bundled styles add given names for the
first name only (`givenname-disambiguation-rule` "primary-name" or "by-cite"). So citing
one work "as in a paper citing the whole library" needs only the works that share a first
name or a title with it: registering all 2,000 works of a library in citeproc-js costs
seconds per citation, these few cost milliseconds (`bench/cite_in_library.py`). (A style
citing by a label built from names and years, like "Smi57", could confuse works with
different names; no bundled style does.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from refs.csl import CslItem, csl_items, stored_reference_to_csl
from refs.model import Reference
from refs.repository import ReferenceRepository

# The CSL variables a style may cite a work by when it names nobody.
_TITLE_VARIABLES = ("title", "title-short", "container-title", "container-title-short")
_MARKUP = re.compile(r"<[^>]+>")
_MAIN_TITLE = re.compile(r"[:.?!]")


@dataclass(frozen=True, slots=True)
class _Snapshot:
    references: list[Reference]
    items: dict[str, CslItem]
    by_key: dict[str, frozenset[str]]


class LibraryItems:
    """Every work of a `ReferenceStore` as CSL-JSON, converted once per change of the store.

    Shared by the threads of a web server: a snapshot is built under a lock and published
    in one assignment, and a reader keeps the snapshot it started with.
    """

    def __init__(self, store: ReferenceRepository) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def item(self, citekey: str) -> CslItem:
        """The CSL item of one reference (`UnknownCitekey` if the store has none)."""
        return self._item(self._current(), citekey)

    def items(self) -> list[CslItem]:
        """Every work's CSL item, in citekey order."""
        return list(self._current().items.values())

    def context(self, citekeys: Sequence[str]) -> list[CslItem]:
        """The items of `citekeys`, then every other work that shares a name or a title with
        one of them: the works their citations must be told apart from."""
        snapshot = self._current()
        cited = {citekey: self._item(snapshot, citekey) for citekey in citekeys}
        others: set[str] = set()
        for item in cited.values():
            for key in _keys(item):
                others.update(snapshot.by_key.get(key, ()))
        return [*cited.values(), *(snapshot.items[key] for key in sorted(others - set(cited)))]

    def _item(self, snapshot: _Snapshot, citekey: str) -> CslItem:
        item = snapshot.items.get(citekey)
        if item is None:
            # Not a work of the snapshot: a reference that only lends fields (`@xdata`),
            # or one that is not there (`UnknownCitekey`).
            return stored_reference_to_csl(self._store, citekey)
        return item

    def _current(self) -> _Snapshot:
        references = self._store.references()
        snapshot = self._snapshot
        if snapshot is not None and _same(snapshot.references, references):
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or not _same(snapshot.references, references):
                self._store.read_cached_csl()
                snapshot = _snapshot_of(references)
                self._store.keep_csl()
                self._snapshot = snapshot
        return snapshot


def _same(known: list[Reference], current: list[Reference]) -> bool:
    """True when the store still holds the very same reference objects (a re-read file or
    an edit makes new ones)."""
    return len(known) == len(current) and all(a is b for a, b in zip(known, current, strict=True))


def _snapshot_of(references: list[Reference]) -> _Snapshot:
    library = {reference.citekey: reference for reference in references}
    items = {item["id"]: item for item in csl_items(references, library)}
    by_key: dict[str, set[str]] = {}
    for citekey, item in items.items():
        for key in _keys(item):
            by_key.setdefault(key, set()).add(citekey)
    frozen = {key: frozenset(citekeys) for key, citekeys in by_key.items()}
    return _Snapshot(references, items, frozen)


def _keys(item: CslItem) -> set[str]:
    """What `item`'s citation may start with, folded: the first name of each of its name
    lists, or, for a work that names nobody, its titles (a journal's, a newspaper's)."""
    keys = {
        _name_key(value[0])
        for value in item.values()
        if isinstance(value, list) and value and isinstance(value[0], dict)
    }
    keys.discard("")
    if keys:
        return keys
    for variable in _TITLE_VARIABLES:
        title = item.get(variable)
        if isinstance(title, str):
            keys.update({_fold(title), _fold(_MAIN_TITLE.split(title, maxsplit=1)[0])})
    keys.discard("")
    return keys


def _name_key(name: dict[str, object]) -> str:
    value = name.get("family") or name.get("literal") or ""
    return _fold(value) if isinstance(value, str) else ""


def _fold(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).casefold().split())
