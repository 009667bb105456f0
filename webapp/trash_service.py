"""The trash as the CLI and the web app use it: list what was deleted, restore it, empty it.

A restore takes the item out of the trash first (so two restores of one item cannot both
happen), puts its records back through the ordinary writes, and puts the item back in the
trash if that fails: a restore that answers an error has changed nothing. No Flask, no
Click.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotations.errors import AnnotationError, PassageNotFound, RestoreRefused
from annotations.importids import RenamedId
from annotations.model import Note, Passage
from annotations.trash import TrashItem
from refs.repository import ReferenceRepository
from webapp.passage_service import PassageService

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored:
    """What a restore put back: the passages (under their stored ids), the note, the
    reference's citekey, the records the library held already, and every id that was
    taken meanwhile and replaced by a fresh one."""

    item: TrashItem
    passages: Sequence[Passage] = ()
    note: Note | None = None
    citekey: str | None = None
    present: Sequence[Passage] = ()
    renamed: Sequence[RenamedId] = field(default_factory=list)


class TrashService:
    """The library's trash: its items, their restoring, and emptying it."""

    def __init__(self, passages: PassageService, refs: ReferenceRepository) -> None:
        self._passages = passages
        self._refs = refs

    @property
    def problems(self) -> Sequence[AnnotationError]:
        """Trash files the last listing could not read (left as they are)."""
        return self._passages.trash.problems

    def items(self) -> list[TrashItem]:
        """What the trash holds, the most recently deleted first."""
        return self._passages.trash.items()

    def get(self, trash_id: str) -> TrashItem:
        """One item, or `TrashItemNotFound`."""
        return self._passages.trash.get(trash_id)

    def restore(self, trash_id: str) -> Restored:
        """Put one item's records back with their ids (fresh ones where taken meanwhile,
        listed in `renamed`) and take it out of the trash.

        `RestoreRefused` when it cannot go back as it was: a note whose passage is gone, a
        passage whose reference is gone, a reference whose citekey is taken; the item then
        stays in the trash.
        """
        trash = self._passages.trash
        item = trash.take_out(trash_id)
        try:
            restored = self._put_back(item)
        except BaseException:
            trash.put(item)
            raise
        logger.info("restored %s from the trash", item.summary)
        return restored

    def empty(self) -> list[TrashItem]:
        """Delete every item for good; returns those removed."""
        trash = self._passages.trash
        return [trash.take_out(item.id) for item in trash.items()]

    def _put_back(self, item: TrashItem) -> Restored:
        if item.kind == "note":
            return self._restore_note(item)
        if item.kind == "reference":
            return self._restore_reference(item)
        if item.citekey not in self._refs:
            raise RestoreRefused(
                item.id,
                f"its reference '{item.citekey}' is gone; restore the reference first "
                "(it may be in the trash too)",
            )
        stored = self._passages.import_passages(item.passages)
        return Restored(
            item=item, passages=stored.added, present=stored.present, renamed=stored.renamed
        )

    def _restore_note(self, item: TrashItem) -> Restored:
        passage_id, note = item.passage_id, item.note
        if passage_id is None or note is None:
            raise RestoreRefused(item.id, "the item holds no note")
        try:
            self._passages.get(passage_id)
        except PassageNotFound:
            raise RestoreRefused(
                item.id,
                f"the passage this note was on ({passage_id}, {item.citekey}) is gone; "
                "restore that passage first (it may be in the trash), then this note",
            ) from None
        restored = self._passages.restore_note(passage_id, note)
        renamed = [RenamedId("note", note.id, restored.id)] if restored.id != note.id else []
        return Restored(item=item, note=restored, renamed=renamed)

    def _restore_reference(self, item: TrashItem) -> Restored:
        reference = item.reference
        if reference is None:
            raise RestoreRefused(item.id, "the item holds no reference")
        if reference.citekey in self._refs:
            raise RestoreRefused(
                item.id,
                f"a reference with citekey '{reference.citekey}' exists now; rename or "
                "delete it first",
            )
        self._refs.add(reference.bibtex, to=reference.file)
        if not item.passages:
            return Restored(item=item, citekey=reference.citekey)
        try:
            stored = self._passages.import_passages(item.passages)
        except BaseException:
            self._refs.delete(reference.citekey)  # nothing of a failed restore stays
            raise
        return Restored(
            item=item,
            citekey=reference.citekey,
            passages=stored.added,
            present=stored.present,
            renamed=stored.renamed,
        )
