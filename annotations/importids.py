"""Imported passages keep their ids unless the library, or the import itself, uses them.

Passage and note ids are looked up library-wide (`quote delete ID` deletes whatever holds
ID), so an imported record whose id is already some passage's or note's would shadow it,
and a later delete could remove the wrong one. `ImportIds` decides, record by record, what
an import stores: a record the library already holds exactly (same id, same content) is
recognised as present and left out, so importing one export twice adds nothing; any other
record whose passage or note ids are taken (by a stored record, or by one placed earlier
in the same import) is stored under fresh ids, and each change of id is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from annotations.ids import new_id
from annotations.model import Passage


@dataclass(frozen=True, slots=True)
class RenamedId:
    """An imported passage's or note's id that was taken, and the id it was stored under."""

    kind: str  # "passage" or "note"
    old: str
    new: str


@dataclass(slots=True)
class PassageImport:
    """What storing imported records did: the passages added (under their stored ids),
    the ones the library already held exactly, and every id that had to change."""

    added: list[Passage] = field(default_factory=list)
    present: list[Passage] = field(default_factory=list)
    renamed: list[RenamedId] = field(default_factory=list)


class ImportIds:
    """The ids an import may use, given what the library holds; one per import."""

    def __init__(self, stored: Iterable[Passage]) -> None:
        self._stored: dict[str, Passage] = {}
        self._taken: set[str] = set()
        self._placed: dict[str, Passage] = {}  # an incoming id -> the record first given it
        self.result = PassageImport()
        self.also_stored(stored)

    def also_stored(self, passages: Iterable[Passage]) -> None:
        """Count `passages` (a file read again under its lock, say) as in the library."""
        for passage in passages:
            self._stored.setdefault(passage.id, passage)
            self._taken.add(passage.id)
            self._taken.update(note.id for note in passage.notes)

    def place(self, passage: Passage) -> Passage | None:
        """The record to store for incoming `passage` (its ids fresh where they are
        taken), or None when the library or this import already holds it exactly."""
        if passage in (self._stored.get(passage.id), self._placed.get(passage.id)):
            self.result.present.append(passage)
            return None
        self._placed.setdefault(passage.id, passage)
        stored = replace(
            passage,
            id=self._free("passage", passage.id),
            notes=tuple(replace(note, id=self._free("note", note.id)) for note in passage.notes),
        )
        self.result.added.append(stored)
        return stored

    def _free(self, kind: str, wanted: str) -> str:
        """`wanted` if no record uses it, else a fresh id; either is taken from now on."""
        chosen = wanted
        if wanted in self._taken:
            chosen = new_id()
            self.result.renamed.append(RenamedId(kind, wanted, chosen))
        self._taken.add(chosen)
        return chosen
