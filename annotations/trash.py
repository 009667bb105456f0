"""What a delete keeps so that it can be undone: the records of one trash item.

A passage goes to the trash with its notes, a note with the id of its passage, a reference
with its exact BibTeX text (and the passages deleted with it). Restoring puts the same
records back under the same ids, so a trash item holds the records whole, not a summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from annotations.model import Note, Passage

TrashKind = Literal["passage", "note", "reference"]
TRASH_KINDS: tuple[TrashKind, ...] = ("passage", "note", "reference")


@dataclass(frozen=True, slots=True, kw_only=True)
class DeletedReference:
    """A deleted BibTeX entry: its citekey, the .bib file it was in and its exact text."""

    citekey: str
    file: str
    bibtex: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrashItem:
    """One delete, as it can be restored.

    `passages` holds the deleted passage (kind `passage`, with its notes), the passages
    deleted with a reference (kind `reference`), or, for a note, its passage as it was
    when the note was deleted (shown beside the note; only the note is restored).
    `deleted` is when (UTC ISO 8601); `id` is a ULID, so ids sort by time.
    """

    id: str
    kind: TrashKind
    deleted: str
    citekey: str
    passages: tuple[Passage, ...] = ()
    note: Note | None = None
    reference: DeletedReference | None = None

    @property
    def passage_id(self) -> str | None:
        """The passage a deleted note was on (None for other kinds)."""
        return self.passages[0].id if self.kind == "note" and self.passages else None

    @property
    def record_id(self) -> str:
        """The id of what was deleted: the passage's, the note's or the citekey."""
        if self.kind == "note" and self.note is not None:
            return self.note.id
        if self.kind == "passage" and self.passages:
            return self.passages[0].id
        return self.citekey

    @property
    def summary(self) -> str:
        """One line saying what was deleted, for listings and the Undo message."""
        if self.kind == "reference":
            count = len(self.passages)
            with_passages = f" with {count} passage{'' if count == 1 else 's'}" if count else ""
            return f"reference {self.citekey}{with_passages}"
        if self.kind == "note" and self.note is not None:
            return f"note “{_excerpt(self.note.text)}” on a passage of {self.citekey}"
        text = self.passages[0].text if self.passages else ""
        return f"passage “{_excerpt(text)}” of {self.citekey}"


def _excerpt(text: str, limit: int = 60) -> str:
    """The first `limit` characters of `text` on one line, with … when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
