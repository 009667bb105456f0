"""What any passage store offers (the files today, perhaps PostgreSQL later).

The service layer, the views and the search index depend on this protocol only, so a
second store can replace `PassageStore` without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from enum import Enum
from typing import Protocol

from annotations.errors import AnnotationError
from annotations.importids import PassageImport
from annotations.model import Anchor, Locator, Note, Passage, QuotedIn
from annotations.trash import TrashItem


class Keep(Enum):
    """The value of an edit's field that is to stay as it is (None means "remove")."""

    KEEP = "keep"


KEEP = Keep.KEEP


class WriteJournal(Protocol):
    """The writes one thread made inside `PassageRepository.recording()`, which can be undone
    when a step after them fails, so that nothing of a failed request stays stored."""

    @property
    def places(self) -> Sequence[str]:
        """Where each write went (file names), oldest first; empty when nothing was written."""
        ...

    def undo(self) -> bool:
        """Put back every record the writes changed, newest first, as it was before them;
        a record someone changed since is left as it is. True when every one was put back."""
        ...


class TrashBin(Protocol):
    """Where deletes keep what they removed until it is restored or the trash is emptied.

    The items are whole records (`TrashItem`); the service decides what goes in and puts
    it back through the repository's ordinary writes, so a store only keeps the items.
    """

    @property
    def problems(self) -> Sequence[AnnotationError]:
        """Items that could not be read (each names its file); the rest are listed."""
        ...

    def items(self) -> list[TrashItem]:
        """Every readable item, the most recently deleted first."""
        ...

    def get(self, trash_id: str) -> TrashItem:
        """One item, or `TrashItemNotFound`."""
        ...

    def put(self, item: TrashItem) -> None:
        """Keep `item` (durably; an item with the same id is replaced)."""
        ...

    def take_out(self, trash_id: str) -> TrashItem:
        """Remove one item (restored, or the trash emptied) and return it, or
        `TrashItemNotFound`; taking out is what makes a restore happen only once."""
        ...


class PassageRepository(Protocol):
    """Passages and notes of one library, with every write durable and concurrency-safe."""

    @property
    def problems(self) -> Sequence[AnnotationError]:
        """What could not be read (each names its file and field); the rest still works."""
        ...

    def passages(self, citekey: str | None = None) -> list[Passage]:
        """Every readable passage (of one reference), by citekey, then by id."""
        ...

    def get(self, passage_id: str) -> Passage:
        """One passage, or `PassageNotFound`."""
        ...

    def get_note(self, note_id: str) -> Note:
        """One note, or `NoteNotFound`."""
        ...

    def passage_of_note(self, note_id: str) -> Passage:
        """The passage a note belongs to, or `NoteNotFound`."""
        ...

    def has_passages(self, citekey: str) -> bool:
        """True while anything (even a broken file) holds passages of `citekey`."""
        ...

    def versions(self) -> Mapping[str, str]:
        """Citekey → a token that changes whenever that reference's passages change."""
        ...

    def add(
        self,
        citekey: str,
        text: str,
        *,
        locator: Locator | None = None,
        quoted_in: QuotedIn | None = None,
        tags: Sequence[str] = (),
        anchor: Anchor | None = None,
        notes: Sequence[str] = (),
    ) -> Passage:
        """Store a new passage (with new notes) and return it with its id."""
        ...

    def edit(
        self,
        passage_id: str,
        *,
        revision: int,
        text: str | Keep = KEEP,
        locator: Locator | Keep | None = KEEP,
        quoted_in: QuotedIn | Keep | None = KEEP,
        tags: Sequence[str] | Keep = KEEP,
        anchor: Anchor | Keep | None = KEEP,
    ) -> Passage:
        """Change a passage read at `revision`, or raise `PassageConflict` if it moved on."""
        ...

    def delete(self, passage_id: str, *, revision: int | None = None) -> Passage:
        """Remove a passage and its notes; returns what was removed."""
        ...

    def add_note(self, passage_id: str, text: str) -> Note:
        """Append a note to a passage."""
        ...

    def edit_note(self, note_id: str, text: str, *, revision: int | None = None) -> Note:
        """Replace a note's text; with `revision`, `NoteConflict` if it moved on."""
        ...

    def delete_note(self, note_id: str, *, revision: int | None = None) -> Note:
        """Remove one note (with `revision`, only if still at it); returns it."""
        ...

    def import_passages(self, passages: Iterable[Passage]) -> PassageImport:
        """Store complete records (ids and timestamps kept); a record stored already is
        `present`, one whose ids any passage or note uses gets fresh ones (`renamed`)."""
        ...

    def delete_citekey(self, citekey: str) -> list[Passage]:
        """Remove every passage of one reference (a cascading reference delete)."""
        ...

    @property
    def trash(self) -> TrashBin:
        """The library's trash, where the services keep deleted records for restoring."""
        ...

    def restore_note(self, passage_id: str, note: Note) -> Note:
        """Put a deleted note back on its passage (after the notes it has) with its id,
        revision and timestamps; a fresh id if any record uses its id meanwhile.
        `PassageNotFound` when the passage is gone."""
        ...

    def recording(self) -> AbstractContextManager[WriteJournal]:
        """Record in a journal the writes this thread makes inside the block."""
        ...
